//! The gate: every action on a customer is proposed to one pure function that decides it
//! against the customer's market law (the rule pack) and the house policy, and says why.

pub mod approved;
pub mod calendar;
pub mod decision;
pub mod explain;
pub mod gate;
pub mod messages;
pub mod model;
pub mod pack;
pub mod scenario;

pub use approved::{Approved, ApprovedAction, CaseDecision, CaseSnapshot, DecisionId};
pub use decision::{Decision, Outcome, Reason, Verdict};
pub use gate::{AllocationOrder, Gate, GateError, GateOutcome, Unapplied};
