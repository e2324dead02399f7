//! Charges on a customer — a collection fee, late interest — are posted only from the gate's
//! decision on a stored case: `Posting::new` refuses their kinds, and this is the one place
//! that builds them, from a [`CaseDecision`] that only the gate can make.

use reilu_core::Money;
use reilu_rules::{ApprovedAction, CaseDecision};

use crate::posting::{LedgerError, Posting, fee_charged, interest_accrued};

/// The posting an approved decision books: a fee (a payment plan's setup fee too) or positive
/// interest. None when the decision was a denial or approves nothing the ledger books.
pub fn charge_for(decision: &CaseDecision, client: &str) -> Result<Option<Posting>, LedgerError> {
    let Some(approved) = decision.approved() else {
        return Ok(None);
    };
    let case_number = decision.case_number();
    let posting = match approved.action() {
        ApprovedAction::Fee { amount, .. } => fee_charged(case_number, *amount)?,
        ApprovedAction::PaymentPlan { setup_fee, .. } if setup_fee.is_positive() => {
            fee_charged(case_number, *setup_fee)?
        }
        ApprovedAction::Interest { amount, .. } if amount.is_positive() => {
            interest_accrued(case_number, client, *amount)?
        }
        _ => return Ok(None),
    };
    Ok(Some(posting))
}

/// The amount a decision charges, if it charges one (for records beside the posting).
pub fn charged_amount(decision: &CaseDecision) -> Option<Money> {
    let action = decision.approved()?.action();
    match action {
        ApprovedAction::Fee { amount, .. } => Some(*amount),
        ApprovedAction::PaymentPlan { setup_fee, .. } if setup_fee.is_positive() => {
            Some(*setup_fee)
        }
        ApprovedAction::Interest { amount, .. } if amount.is_positive() => Some(*amount),
        _ => None,
    }
}
