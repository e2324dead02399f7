//! Helpers shared by the gate's test files (included with `#[path]`; each file uses what it
//! needs).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, Utc};
use reilu_core::{CustomerKind, MarketCode, Markets, Money};
use reilu_rules::model::{Balances, CaseView};
use reilu_rules::{ApprovedAction, Gate, GateOutcome};

pub fn gate() -> Gate {
    Gate::builtin(&Markets::builtin().unwrap()).unwrap_or_else(|e| panic!("{e}"))
}

pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A case owing only its principal, with no history, in the market's main time zone.
pub fn case_view(market: &str, kind: CustomerKind, principal: Money, due: &str) -> CaseView {
    let markets = Markets::builtin().unwrap();
    let zero = Money::zero(principal.currency());
    CaseView {
        market: MarketCode::parse(market).unwrap(),
        customer_kind: kind,
        time_zone: markets.get(market).unwrap().main_time_zone(),
        original_principal: principal,
        balances: Balances {
            principal,
            interest: zero,
            collection_costs: zero,
            creditor_fees: zero,
        },
        due_date: date(due),
        limitation_interrupted_on: None,
        holds: Vec::new(),
        vulnerable: false,
        contact_history: Vec::new(),
        fee_history: Vec::new(),
        channels_refused: Vec::new(),
        first_demand_sent_at: None,
        plans_charged: 0,
        contractual_rate_bp: None,
        statutory_claims: false,
        interest_carry_minor_bp_days: 0,
        arose_on: None,
        reminder_fee_agreed: false,
        jurisdiction: None,
        last_reminder_sent_at: None,
        vulnerability_review_on: None,
        principal_history: Vec::new(),
    }
}

/// The amount of an approved fee or interest accrual.
pub fn approved_amount(outcome: &GateOutcome) -> Option<Money> {
    match outcome.approved.as_ref().map(|a| a.action().clone()) {
        Some(ApprovedAction::Fee { amount, .. } | ApprovedAction::Interest { amount, .. }) => {
            Some(amount)
        }
        _ => None,
    }
}

/// The instant of an approved contact.
pub fn approved_at(outcome: &GateOutcome) -> Option<DateTime<Utc>> {
    match outcome.approved.as_ref().map(|a| a.action().clone()) {
        Some(ApprovedAction::Contact { at, .. }) => Some(at),
        _ => None,
    }
}
