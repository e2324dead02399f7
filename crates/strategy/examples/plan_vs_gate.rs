//! What planning a case costs next to one gate decision, measured side by side in one run:
//! `cargo run --release -p reilu-strategy --example plan_vs_gate`. A measurement to read, not a
//! test: nothing here asserts a time.

use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use reilu_core::{CustomerKind, MarketCode, Markets, Money};
use reilu_rules::Gate;
use reilu_rules::model::{
    Actor, Balances, CaseView, Channel, ContactPurpose, Context, Proposal, Recipient,
};
use reilu_strategy::{CaseProgress, DoneStep, Plan, StrategySet};

const CASES: i64 = 200_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let markets = Markets::builtin()?;
    let gate = Gate::builtin(&markets)?;
    let started = Instant::now();
    let set = StrategySet::builtin()?;
    let load = started.elapsed();
    let case = finnish_case(&markets)?;
    let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).ok_or("no such day");
    let done = vec![DoneStep {
        step_id: "reminder".into(),
        on: day(19)?,
    }];
    let today = day(26)?;
    let started = Instant::now();
    let mut proposals = 0;
    for case_number in 0..CASES {
        let progress = CaseProgress {
            case_number,
            has_plan: false,
            done: &done,
            promise: None,
        };
        if let Plan::Due(step) = set.plan(&case, &progress, today) {
            proposals += step.proposals.len();
        }
    }
    let planning = started.elapsed();
    let context = Context {
        now: Utc
            .with_ymd_and_hms(2026, 1, 26, 8, 0, 0)
            .single()
            .ok_or("no such instant")?,
        actor: Actor::System,
    };
    let contact = Proposal::Contact {
        channel: Channel::Sms,
        at: context.now,
        recipient: Recipient::Customer,
        purpose: ContactPurpose::Payment,
    };
    let started = Instant::now();
    let mut allowed = 0;
    for _ in 0..CASES {
        if gate.decide(&contact, &case, &context).approved.is_some() {
            allowed += 1;
        }
    }
    let deciding = started.elapsed();
    println!("strategies loaded and validated in {load:?}");
    println!(
        "{CASES} plans: {planning:?} ({proposals} proposals); {CASES} gate decisions on a contact: {deciding:?} ({allowed} allowed)"
    );
    println!(
        "a gate decision costs {:.1} plans",
        deciding.as_secs_f64() / planning.as_secs_f64()
    );
    Ok(())
}

/// A Finnish consumer owing EUR 500, due 5 January 2026.
fn finnish_case(markets: &Markets) -> Result<CaseView, Box<dyn std::error::Error>> {
    let currency = markets.get("FI")?.currency;
    let principal = Money::from_minor(50_000, currency);
    let zero = Money::zero(currency);
    Ok(CaseView {
        market: MarketCode::parse("FI")?,
        customer_kind: CustomerKind::Consumer,
        time_zone: chrono_tz::Europe::Helsinki,
        original_principal: principal,
        balances: Balances {
            principal,
            interest: zero,
            collection_costs: zero,
            creditor_fees: zero,
        },
        due_date: NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("no such day")?,
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
    })
}
