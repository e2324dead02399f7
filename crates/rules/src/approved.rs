//! Approved actions: the only values the code that sends, charges or escalates accepts, and
//! the only place they are made is the gate. The fields are private and there is no public
//! constructor, so "acted without a decision" cannot be written.

use chrono::{DateTime, NaiveDate, Utc};
use reilu_core::{MarketCode, Money};
use serde::Serialize;

use crate::model::{Channel, ContactPurpose, FeeKind, Instalment};

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
