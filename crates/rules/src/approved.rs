//! Approved actions: the only values the code that sends, charges or escalates accepts, and
//! the only place they are made is the gate. The fields are private and there is no public
//! constructor, so "acted without a decision" cannot be written.

use chrono::{DateTime, NaiveDate, Utc};
use reilu_core::{MarketCode, Money};
use serde::Serialize;

use crate::GateOutcome;
use crate::decision::Decision;
use crate::model::{CaseView, Channel, ContactPurpose, FeeKind, Instalment};

/// What the gate allowed, with any changes applied (a capped amount, a moved time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApprovedAction {
    Contact {
        channel: Channel,
        at: DateTime<Utc>,
        purpose: ContactPurpose,
    },
    Fee {
        fee: FeeKind,
        amount: Money,
    },
    Interest {
        from: NaiveDate,
        to: NaiveDate,
        amount: Money,
        /// What rounding left over, for the next accrual (see
        /// `CaseView::interest_carry_minor_bp_days`).
        carry_minor_bp_days: i64,
    },
    PaymentPlan {
        instalments: Vec<Instalment>,
        setup_fee: Money,
    },
    Escalation,
    Sale {
        buyer: String,
    },
    WriteOff {
        amount: Money,
    },
    Waiver {
        amount: Money,
    },
}

/// An approved action for one case, stamped with when it was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approved {
    action: ApprovedAction,
    market: MarketCode,
    decided_at: DateTime<Utc>,
}

impl Approved {
    /// Only the gate builds approvals.
    pub(crate) fn new(
        action: ApprovedAction,
        market: MarketCode,
        decided_at: DateTime<Utc>,
    ) -> Self {
        Approved {
            action,
            market,
            decided_at,
        }
    }

    pub fn action(&self) -> &ApprovedAction {
        &self.action
    }

    pub fn market(&self) -> MarketCode {
        self.market
    }

    pub fn decided_at(&self) -> DateTime<Utc> {
        self.decided_at
    }
}

/// The case as one store read saw it: the gate's view, the case it is, and the version of
/// everything the view was built from. Any change to the case's facts or balances changes the
/// version, so a decision made on an older version is known to be stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSnapshot {
    pub case_number: i64,
    pub version: i64,
    pub view: CaseView,
}

/// A decision's identity: the executor carries a decision out at most once per id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct DecisionId(String);

impl DecisionId {
    /// 1–64 characters of letters, digits, `-` and `_` (a UUID, or a caller's own key).
    pub fn parse(text: &str) -> Option<Self> {
        let valid = (1..=64).contains(&text.len())
            && text
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
        valid.then(|| DecisionId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The gate's decision on a stored case, bound to the case, the snapshot version it was
/// decided on and its decision id. Only the gate makes one and it cannot be cloned: the
/// executor takes it by value, records the decision and carries out an approval once, and
/// refuses it when the case has moved on since the snapshot.
#[derive(Debug, PartialEq, Eq)]
pub struct CaseDecision {
    outcome: GateOutcome,
    id: DecisionId,
    case_number: i64,
    version: i64,
}

impl CaseDecision {
    pub(crate) fn new(
        outcome: GateOutcome,
        id: DecisionId,
        snapshot: &CaseSnapshot,
    ) -> CaseDecision {
        CaseDecision {
            outcome,
            id,
            case_number: snapshot.case_number,
            version: snapshot.version,
        }
    }

    pub fn decision(&self) -> &Decision {
        &self.outcome.decision
    }

    /// The approved action, when the gate allowed.
    pub fn approved(&self) -> Option<&Approved> {
        self.outcome.approved.as_ref()
    }

    pub fn id(&self) -> &DecisionId {
        &self.id
    }

    pub fn case_number(&self) -> i64 {
        self.case_number
    }

    /// The snapshot version the decision was made on.
    pub fn version(&self) -> i64 {
        self.version
    }

    /// The decision with its reasons (what `rules explain` shows for the same facts).
    pub fn outcome(&self) -> &GateOutcome {
        &self.outcome
    }
}
