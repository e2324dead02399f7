//! The typed strategy, as the loader builds it from a file.

use std::collections::BTreeMap;

use reilu_core::{CustomerKind, MarketCode};
use reilu_rules::model::{Channel, ContactPurpose, FeeKind};

use crate::variant;

/// What a step does; it sets which law timing rules bind the step (see `law.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    Reminder,
    Demand,
    RepeatDemand,
    Email,
    Sms,
    Call,
    PlanFollowup,
    /// A service contact offering help (debt advice, a plan, a pause), never pressing: the
    /// vulnerable customers' path.
    Support,
    /// A message after a promise to pay made on a call was not kept by its date. Planned by
    /// the run from the call's outcome, not named in strategy files.
    PromiseFollowup,
    /// A case put before an agent for legal review: no contact, no fee is proposed (the agent
    /// proposes an escalation, with a second approver, through the gate).
    LegalReview,
}

impl StepKind {
    pub const ALL: [StepKind; 9] = [
        StepKind::Reminder,
        StepKind::Demand,
        StepKind::RepeatDemand,
        StepKind::Email,
        StepKind::Sms,
        StepKind::Call,
        StepKind::PlanFollowup,
        StepKind::Support,
        StepKind::LegalReview,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        StepKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Reminder => "reminder",
            StepKind::Demand => "demand",
            StepKind::RepeatDemand => "repeat_demand",
            StepKind::Email => "email",
            StepKind::Sms => "sms",
            StepKind::Call => "call",
            StepKind::PlanFollowup => "plan_followup",
            StepKind::Support => "support",
            StepKind::LegalReview => "legal_review",
            StepKind::PromiseFollowup => "promise_followup",
        }
    }

    /// The one channel a kind is tied to, if it is (an SMS step goes by SMS).
    pub fn fixed_channel(self) -> Option<Channel> {
        match self {
            StepKind::Email => Some(Channel::Email),
            StepKind::Sms => Some(Channel::Sms),
            StepKind::Call => Some(Channel::Phone),
            _ => None,
        }
    }
}

/// A fee a step proposes: its kind and, per currency (ISO 4217 code), the amount in minor
/// units by the claim's original principal. The gate caps it to the law and the house
/// policy; a currency without an amount proposes no fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeProposal {
    pub kind: FeeKind,
    pub amounts_minor: BTreeMap<String, Vec<FeeBand>>,
}

/// The amount proposed for claims up to a principal (inclusive; None: no top). Bands are in
/// ascending order and the last has no top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeBand {
    pub up_to_principal_minor: Option<i64>,
    pub amount_minor: i64,
}

impl FeeProposal {
    /// The amount proposed in `currency` for a claim of `principal_minor`.
    pub fn amount_for(&self, currency: &str, principal_minor: i64) -> Option<i64> {
        self.amounts_minor
            .get(currency)?
            .iter()
            .find(|band| {
                band.up_to_principal_minor
                    .is_none_or(|top| principal_minor <= top)
            })
            .map(|band| band.amount_minor)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: String,
    pub kind: StepKind,
    /// Days after the previous step was done (the first step: after the due date).
    pub after_days: u32,
    /// None only for a legal review.
    pub channel: Option<Channel>,
    pub template: String,
    pub purpose: ContactPurpose,
    pub fee: Option<FeeProposal>,
    /// The local hour (0–23) the contact is proposed for.
    pub send_hour: u32,
    /// Where the step starts in its file.
    pub line: usize,
}

/// Which cases a path is for. Bounds are inclusive; None means unbounded (or any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub customer: Option<CustomerKind>,
    pub principal_from_minor: i64,
    pub principal_to_minor: Option<i64>,
    pub age_from_days: i64,
    pub age_to_days: Option<i64>,
    pub vulnerable: Option<bool>,
    pub has_plan: Option<bool>,
}

impl Segment {
    pub fn covers(&self, facts: &SegmentFacts) -> bool {
        let in_range = |value: i64, from: i64, to: Option<i64>| {
            from <= value && to.is_none_or(|to| value <= to)
        };
        self.customer.is_none_or(|kind| kind == facts.customer)
            && in_range(
                facts.principal_minor,
                self.principal_from_minor,
                self.principal_to_minor,
            )
            && in_range(facts.age_days, self.age_from_days, self.age_to_days)
            && self.vulnerable.is_none_or(|flag| flag == facts.vulnerable)
            && self.has_plan.is_none_or(|flag| flag == facts.has_plan)
    }
}

/// The facts of a case a segment is matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentFacts {
    pub customer: CustomerKind,
    pub principal_minor: i64,
    /// Days from the due date to the case's entry into the strategy.
    pub age_days: i64,
    pub vulnerable: bool,
    pub has_plan: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreatmentPath {
    pub id: String,
    pub segment: Segment,
    pub steps: Vec<Step>,
    /// A variant's own steps (its replacement list, or the path's steps with its overrides);
    /// a variant not named here uses `steps`.
    pub variant_steps: BTreeMap<String, Vec<Step>>,
    pub line: usize,
}

impl TreatmentPath {
    /// The steps a case in `variant` goes through.
    pub fn steps_for(&self, variant: Option<&str>) -> &[Step] {
        variant
            .and_then(|name| self.variant_steps.get(name))
            .unwrap_or(&self.steps)
    }
}

/// A named share of a strategy's cases (champion/challenger).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub name: String,
    pub share_percent: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strategy {
    pub id: String,
    /// None for the house strategy.
    pub market: Option<MarketCode>,
    pub title: String,
    pub variants: Vec<Variant>,
    pub paths: Vec<TreatmentPath>,
    pub file: String,
    /// The line of the `[strategy]` header.
    pub line: usize,
}

impl Strategy {
    /// The variant a case is assigned to: the bucket of the stable hash of (strategy id, case
    /// number) falls into the variants' shares in their order.
    pub fn variant_of(&self, case_number: i64) -> Option<&str> {
        let bucket = variant::variant_bucket(&self.id, case_number);
        let mut upper = 0;
        for variant in &self.variants {
            upper += variant.share_percent;
            if bucket < upper {
                return Some(&variant.name);
            }
        }
        None
    }

    /// The path for a case's facts; validated strategies have exactly one.
    pub fn path_for(&self, facts: &SegmentFacts) -> Option<&TreatmentPath> {
        self.paths.iter().find(|path| path.segment.covers(facts))
    }
}
