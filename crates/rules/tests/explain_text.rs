//! `reilu rules explain` in words and JSON: it must say what the decision approved, with the
//! amount, not only the rate or the cap.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "gate_support.rs"]
mod support;

use support::{at, date, gate};

use reilu_core::{Currency, CustomerKind, Money};
use reilu_rules::explain::{explain_outcome, explain_outcome_json};
use reilu_rules::messages::Messages;
use reilu_rules::model::*;

fn eur(major: &str) -> Money {
    Money::parse_major(major, Currency::EUR).unwrap()
}

fn system(now: &str) -> Context {
    Context {
        now: at(now),
        actor: Actor::System,
    }
}

#[test]
fn an_interest_accrual_is_explained_with_its_amount() {
    let gate = gate();
    // Korkolaki § 4: 9.5 % in 2026 H1. EUR 1,000 x 9.5 % x 31 / 365 = EUR 8.07.
    let case = support::case_view("FI", CustomerKind::Consumer, eur("1000.00"), "2025-12-31");
    let proposal = Proposal::AccrueInterest {
        from: date("2026-01-01"),
        to: date("2026-02-01"),
    };
    let outcome = gate.decide(&proposal, &case, &system("2026-11-25T10:00:00Z"));
    let messages = Messages::builtin().unwrap();
    let text = explain_outcome(&outcome, &messages, "en");
    assert!(
        text.contains("Approved: interest 8.07 EUR for 2026-01-01 to 2026-02-01"),
        "{text}"
    );
    assert!(
        text.contains("9.50 % a year") || text.contains("9.5"),
        "{text}"
    );
    let json = explain_outcome_json(&outcome, &messages, "en");
    assert_eq!(json["approved"]["kind"], "interest");
    assert_eq!(json["approved"]["amount"]["amount_minor"], 807);
    assert_eq!(json["verdict"], "allow");
}

#[test]
fn a_capped_fee_is_explained_with_the_amount_charged() {
    let gate = gate();
    // perintälaki § 10 a (1) 2: EUR 14 for a principal up to EUR 100; EUR 30 proposed.
    let mut case = support::case_view("FI", CustomerKind::Consumer, eur("100.00"), "2026-09-15");
    case.last_reminder_sent_at = Some(at("2026-10-01T09:00:00Z"));
    let proposal = Proposal::ChargeFee {
        fee: FeeKind::Demand,
        amount: eur("30.00"),
    };
    let outcome = gate.decide(&proposal, &case, &system("2026-11-25T10:00:00Z"));
    let messages = Messages::builtin().unwrap();
    let text = explain_outcome(&outcome, &messages, "en");
    assert!(text.contains("Approved: demand fee 14.00 EUR"), "{text}");
    let json = explain_outcome_json(&outcome, &messages, "en");
    assert_eq!(json["approved"]["amount"]["amount_minor"], 1400);
    // A denial approves nothing and says so.
    case.last_reminder_sent_at = None;
    let denied = gate.decide(&proposal, &case, &system("2026-11-25T10:00:00Z"));
    let text = explain_outcome(&denied, &messages, "en");
    assert!(text.contains("Approved: nothing"), "{text}");
    assert!(explain_outcome_json(&denied, &messages, "en")["approved"].is_null());
}

/// What `reilu rules explain FILE` prints, from a shipped example scenario.
fn explain_example(text: &str) -> (String, serde_json::Value) {
    let markets = reilu_core::Markets::builtin().unwrap();
    let scenario = reilu_rules::scenario::parse_scenario(text, &markets).unwrap();
    let outcome = gate().decide(&scenario.proposal, &scenario.case, &scenario.context);
    let messages = Messages::builtin().unwrap();
    (
        explain_outcome(&outcome, &messages, "en"),
        explain_outcome_json(&outcome, &messages, "en"),
    )
}

#[test]
fn the_shipped_examples_explain_what_they_approve() {
    let (text, json) = explain_example(include_str!("../../../rules/examples/early-call.json"));
    // rules/README.md shows this output.
    assert!(
        text.contains("Change:   at: 2026-11-26 07:30 (Europe/Helsinki) -> 2026-11-26 08:00 (Europe/Helsinki)\nApproved: phone (payment) at 2026-11-26 06:00:00 UTC\nReasons:"),
        "{text}"
    );
    assert_eq!(json["approved"]["kind"], "contact");
    let (text, json) = explain_example(include_str!(
        "../../../rules/examples/demand-fee-over-cap.json"
    ));
    assert!(text.contains("Approved: demand fee 14.00 EUR"), "{text}");
    assert_eq!(json["approved"]["amount"]["amount_minor"], 1400);
    assert_eq!(json["reasons"][0]["source"], "law", "the CLI test's shape");
    let (text, _) = explain_example(include_str!(
        "../../../rules/examples/contractual-interest.json"
    ));
    assert!(
        text.contains("Approved: interest ") && text.contains(" EUR for 2026-01-01 to 2026-02-01"),
        "{text}"
    );
}
