//! The gate applying each encoded market's law, end to end through `decide`: one vector per
//! market and rule, each with the provision it exercises. (The packs' figures themselves are
//! checked edge by edge in pack_values.rs.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "gate_support.rs"]
mod support;

use support::{at, date, gate};

use reilu_core::{CustomerKind, Markets, Money};
use reilu_rules::model::*;
use reilu_rules::{GateOutcome, Outcome, Verdict};

fn money(market: &str, major: &str) -> Money {
    let markets = Markets::builtin().unwrap();
    Money::parse_major(major, markets.get(market).unwrap().currency).unwrap()
}

fn case(market: &str, kind: CustomerKind, principal: &str) -> CaseView {
    support::case_view(market, kind, money(market, principal), "2026-08-31")
}

const NOW: &str = "2026-11-25T10:00:00Z";

fn system() -> Context {
    Context {
        now: at(NOW),
        actor: Actor::System,
    }
}

fn deciding(outcome: &GateOutcome) -> Vec<String> {
    outcome
        .decision
        .reasons
        .iter()
        .filter(|r| r.outcome != Outcome::Applied || outcome.decision.verdict == Verdict::Allow)
        .map(|r| r.rule_id.to_string())
        .collect()
}

#[test]
fn fee_caps_of_each_market_through_the_gate() {
    let gate = gate();
    // (market, kind, principal, fee, proposed, approved, deciding rule, provision)
    let vectors = [
        (
            "SE",
            CustomerKind::Consumer,
            "1500.00",
            FeeKind::Demand,
            "250.00",
            Some("180.00"),
            "SE-fee-demand",
            "Lag 1981:739 § 4",
        ),
        (
            "SE",
            CustomerKind::Consumer,
            "1500.00",
            FeeKind::Reminder,
            "60.00",
            Some("60.00"),
            "SE-fee-reminder",
            "Lag 1981:739 § 2",
        ),
        (
            "SE",
            CustomerKind::Consumer,
            "200.00",
            FeeKind::Demand,
            "180.00",
            Some("100.00"),
            "HOUSE-costs-proportionate",
            "house: half the principal",
        ),
        (
            "DK",
            CustomerKind::Consumer,
            "5000.00",
            FeeKind::Reminder,
            "150.00",
            Some("100.00"),
            "DK-fee-reminder",
            "Renteloven § 9 b",
        ),
        (
            "DK",
            CustomerKind::Consumer,
            "1000.00",
            FeeKind::CollectionCosts,
            "700.00",
            Some("400.00"),
            "DK-collection-costs",
            "BEK 601/2002 bilag 1",
        ),
        (
            "NL",
            CustomerKind::Consumer,
            "3000.00",
            FeeKind::CollectionCosts,
            "500.00",
            Some("425.00"),
            "NL-collection-costs",
            "BIK art. 2: €3,000 → €425",
        ),
        (
            "NL",
            CustomerKind::Consumer,
            "100.00",
            FeeKind::CollectionCosts,
            "40.00",
            Some("40.00"),
            "NL-collection-costs",
            "BIK art. 2: the €40 minimum",
        ),
        (
            "DE",
            CustomerKind::Consumer,
            "500.00",
            FeeKind::CollectionCosts,
            "80.00",
            Some("25.75"),
            "DE-collection-costs-rvg-2025",
            "RDG § 13e, RVG Anlage 2 from 1 Jun 2025, with the first demand 0.5 × €51.50 (VV 2300 Anm. Abs. 2)",
        ),
        (
            "DE",
            CustomerKind::Business,
            "500.00",
            FeeKind::BusinessCompensation,
            "40.00",
            Some("40.00"),
            "DE-business-compensation",
            "BGB § 288 (5)",
        ),
        (
            "DE",
            CustomerKind::Consumer,
            "500.00",
            FeeKind::BusinessCompensation,
            "40.00",
            None,
            "HOUSE-charges-need-law",
            "BGB § 288 (5) is for non-consumers only",
        ),
        (
            "GB",
            CustomerKind::Consumer,
            "500.00",
            FeeKind::Demand,
            "20.00",
            None,
            "HOUSE-charges-need-law",
            "no statutory consumer fee in GB",
        ),
    ];
    for (market, kind, principal, fee, proposed, approved, rule, provision) in vectors {
        let proposal = Proposal::ChargeFee {
            fee,
            amount: money(market, proposed),
        };
        let mut case = case(market, kind, principal);
        // SE lag 1981:739 2 §: the reminder fee was agreed when the debt arose.
        case.reminder_fee_agreed = true;
        let outcome = gate.decide(&proposal, &case, &system());
        assert_eq!(
            support::approved_amount(&outcome),
            approved.map(|a| money(market, a)),
            "{market} {fee:?} ({provision}): {:?}",
            outcome.decision
        );
        let rules: Vec<String> = outcome
            .decision
            .reasons
            .iter()
            .map(|r| r.rule_id.to_string())
            .collect();
        assert!(
            rules.contains(&rule.to_owned()),
            "{market} {fee:?} ({provision}): {rules:?}"
        );
    }
}

#[test]
fn a_fourth_danish_reminder_fee_is_refused() {
    let gate = gate();
    // Renteloven § 9 b: at most three fee-bearing reminders, at least 10 days apart.
    let mut case = case("DK", CustomerKind::Consumer, "5000.00");
    for day in [
        "2026-09-15T10:00:00Z",
        "2026-10-01T10:00:00Z",
        "2026-10-15T10:00:00Z",
    ] {
        case.fee_history.push(FeeRecord {
            kind: FeeKind::Reminder,
            amount: money("DK", "100.00"),
            at: at(day),
        });
    }
    let outcome = gate.decide(
        &Proposal::ChargeFee {
            fee: FeeKind::Reminder,
            amount: money("DK", "100.00"),
        },
        &case,
        &system(),
    );
    assert_eq!(outcome.decision.verdict, Verdict::Deny);
    assert_eq!(
        outcome
            .decision
            .denials()
            .map(|r| r.rule_id.to_string())
            .collect::<Vec<_>>(),
        ["DK-fee-reminder-count"]
    );
}

fn call(when: &str) -> Proposal {
    Proposal::Contact {
        channel: Channel::Phone,
        at: at(when),
        recipient: Recipient::Customer,
        purpose: ContactPurpose::Payment,
    }
}

#[test]
fn norwegian_phone_rules_bind_where_they_are_stricter_than_the_house() {
    let gate = gate();
    let mut case = case("NO", CustomerKind::Consumer, "5000.00");
    // Finanstilsynet: Saturdays 08:00–15:00 only. Saturday 28 Nov 2026 16:00 Oslo (15:00Z)
    // → Monday 30 Nov 08:00 (07:00Z), Sunday being closed.
    let saturday = gate.decide(&call("2026-11-28T15:00:00Z"), &case, &system());
    assert_eq!(
        support::approved_at(&saturday),
        Some(at("2026-11-30T07:00:00Z")),
        "{:?}",
        saturday.decision
    );
    assert_eq!(
        deciding(&saturday),
        ["NO-contact-hours"],
        "the law's Saturday closing binds first"
    );
    // One call a day: a call at 09:00 today pushes the next call to tomorrow.
    case.contact_history.push(ContactRecord {
        at: at("2026-11-25T08:00:00Z"),
        channel: Channel::Phone,
    });
    let second_call = gate.decide(&call("2026-11-25T10:00:00Z"), &case, &system());
    assert_eq!(
        support::approved_at(&second_call),
        Some(at("2026-11-26T08:00:01Z")),
        "{:?}",
        second_call.decision
    );
    assert_eq!(deciding(&second_call), ["NO-phone-per-day"]);
    // A letter is not a phone call: the phone-only cap does not hold it back.
    let letter = Proposal::Contact {
        channel: Channel::Letter,
        at: at("2026-11-25T10:00:00Z"),
        recipient: Recipient::Customer,
        purpose: ContactPurpose::Payment,
    };
    assert_eq!(
        gate.decide(&letter, &case, &system()).decision.verdict,
        Verdict::Allow
    );
}

#[test]
fn british_breathing_space_freezes_interest_and_stops_collection_citing_the_regulations() {
    let gate = gate();
    let mut case = case("GB", CustomerKind::Consumer, "800.00");
    case.holds.push(Hold {
        kind: HoldKind::BreathingSpace,
        since: date("2026-11-01"),
        until: Some(date("2026-12-31")),
    });
    let outcome = gate.decide(&call(NOW), &case, &system());
    assert_eq!(outcome.decision.verdict, Verdict::Deny);
    let denying: Vec<String> = outcome
        .decision
        .denials()
        .map(|r| r.rule_id.to_string())
        .collect();
    assert!(
        denying.contains(&"GB-breathing-space-stops".to_owned()),
        "{denying:?}"
    );
    let law = outcome
        .decision
        .denials()
        .find(|r| r.rule_id.as_ref() == "GB-breathing-space-stops")
        .map(|r| r.citation.to_string());
    assert!(law.is_some_and(|c| c.contains("2020/1311")));
}

#[test]
fn statutory_interest_over_a_rate_change_in_sweden() {
    let gate = gate();
    // Räntelagen § 6: reference rate + 8 pp; 11.00 % in 2025 H1 and 10.00 % in 2025 H2.
    // 10,000 kr × (30 days × 11 % + 31 days × 10 %) / 365 = 90.41 + 84.93 = 175.34 kr.
    let mut case = case("SE", CustomerKind::Consumer, "10000.00");
    case.due_date = date("2025-01-01");
    let proposal = Proposal::AccrueInterest {
        from: date("2025-06-01"),
        to: date("2025-08-01"),
    };
    let outcome = gate.decide(&proposal, &case, &system());
    assert_eq!(
        support::approved_amount(&outcome),
        Some(money("SE", "175.34")),
        "{:?}",
        outcome.decision
    );
}
