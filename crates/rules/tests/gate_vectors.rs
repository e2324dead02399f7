//! Table-driven vectors for the gate, each with the rule it exercises and its citation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "gate_support.rs"]
mod support;

use support::{approved_amount, approved_at, at, date, gate};

use reilu_core::{Currency, CustomerKind, Money};
use reilu_rules::model::*;
use reilu_rules::{ApprovedAction, GateOutcome, Outcome, Verdict};

fn eur(major: &str) -> Money {
    Money::parse_major(major, Currency::EUR).unwrap()
}

fn case(market: &str, kind: CustomerKind, principal: Money, due: &str) -> CaseView {
    support::case_view(market, kind, principal, due)
}

fn finnish(principal: &str) -> CaseView {
    case("FI", CustomerKind::Consumer, eur(principal), "2026-09-15")
}

fn system(now: &str) -> Context {
    Context {
        now: at(now),
        actor: Actor::System,
    }
}

fn agent(now: &str, trained: bool) -> Context {
    Context {
        now: at(now),
        actor: Actor::Agent {
            id: "agent-1".into(),
            vulnerability_trained: trained,
            conflicted: false,
        },
    }
}

fn fee(kind: FeeKind, amount: Money) -> Proposal {
    Proposal::ChargeFee { fee: kind, amount }
}

fn call(when: &str) -> Proposal {
    Proposal::Contact {
        channel: Channel::Phone,
        at: at(when),
        recipient: Recipient::Customer,
        purpose: ContactPurpose::Payment,
    }
}

fn rule_ids(outcome: &GateOutcome, kind: Outcome) -> Vec<String> {
    outcome
        .decision
        .reasons
        .iter()
        .filter(|r| r.outcome == kind)
        .map(|r| r.rule_id.to_string())
        .collect()
}

const NOW: &str = "2026-11-25T10:00:00Z";

#[test]
fn finnish_consumer_fee_caps_at_bracket_edges() {
    let gate = gate();
    // (principal, fee, proposed, expected approved amount, deciding rule) — perintälaki § 10 a.
    let vectors = [
        (
            "100.00",
            FeeKind::Reminder,
            "6.00",
            "5.00",
            "FI-fee-reminder-consumer",
        ),
        (
            "100.00",
            FeeKind::Demand,
            "24.00",
            "14.00",
            "FI-fee-demand-consumer",
        ),
        (
            "100.01",
            FeeKind::Demand,
            "24.00",
            "24.00",
            "FI-fee-demand-consumer",
        ),
        (
            "1000.00",
            FeeKind::Demand,
            "50.00",
            "24.00",
            "FI-fee-demand-consumer",
        ),
        (
            "1000.01",
            FeeKind::Demand,
            "60.00",
            "50.00",
            "FI-fee-demand-consumer",
        ),
        (
            "1000.01",
            FeeKind::RepeatDemand,
            "30.00",
            "25.00",
            "FI-fee-repeat-demand-consumer",
        ),
        // The house's "no fee above the principal" binds before the law for a tiny claim.
        (
            "4.00",
            FeeKind::Reminder,
            "5.00",
            "2.00",
            "HOUSE-costs-proportionate",
        ),
    ];
    for (principal, kind, proposed, expected, rule) in vectors {
        // A demand's fee needs a reminder sent more than 14 days before (§ 10 b (2)).
        let mut case = finnish(principal);
        case.last_reminder_sent_at = Some(at("2026-10-01T10:00:00Z"));
        let outcome = gate.decide(&fee(kind, eur(proposed)), &case, &system(NOW));
        assert_eq!(
            approved_amount(&outcome),
            Some(eur(expected)),
            "{principal} {kind:?}: {:?}",
            outcome.decision
        );
        let deciding = [
            rule_ids(&outcome, Outcome::Changed),
            rule_ids(&outcome, Outcome::Applied),
        ]
        .concat();
        assert!(
            deciding.contains(&rule.to_owned()),
            "{principal} {kind:?}: {deciding:?}"
        );
        let expected_verdict = if proposed == expected {
            Verdict::Allow
        } else {
            Verdict::AllowWithChanges
        };
        assert_eq!(outcome.decision.verdict, expected_verdict);
    }
}

#[test]
fn the_stricter_of_law_and_house_caps_the_total_and_says_which() {
    let gate = gate();
    // Principal €80: perintälaki § 10 d allows €60 in total, the house half the principal, €40.
    let mut case = finnish("80.00");
    case.fee_history.push(FeeRecord {
        kind: FeeKind::Reminder,
        amount: eur("5.00"),
        at: at("2026-10-01T10:00:00Z"),
    });
    case.fee_history.push(FeeRecord {
        kind: FeeKind::Demand,
        amount: eur("14.00"),
        at: at("2026-10-20T10:00:00Z"),
    });
    case.fee_history.push(FeeRecord {
        kind: FeeKind::RepeatDemand,
        amount: eur("7.00"),
        at: at("2026-11-05T10:00:00Z"),
    });
    let outcome = gate.decide(
        &fee(FeeKind::RepeatDemand, eur("7.00")),
        &case,
        &system(NOW),
    );
    assert_eq!(
        approved_amount(&outcome),
        Some(eur("7.00")),
        "{:?}",
        outcome.decision
    );
    case.fee_history.push(FeeRecord {
        kind: FeeKind::RepeatDemand,
        amount: eur("7.00"),
        at: at("2026-11-20T10:00:00Z"),
    });
    let capped = gate.decide(
        &fee(FeeKind::RepeatDemand, eur("7.00")),
        &case,
        &system(NOW),
    );
    assert_eq!(
        approved_amount(&capped),
        Some(eur("7.00")),
        "€33 charged, €40 house total: €7 left"
    );
    case.fee_history.push(FeeRecord {
        kind: FeeKind::RepeatDemand,
        amount: eur("5.00"),
        at: at("2026-11-21T10:00:00Z"),
    });
    let last = gate.decide(
        &fee(FeeKind::RepeatDemand, eur("7.00")),
        &case,
        &system(NOW),
    );
    assert_eq!(approved_amount(&last), Some(eur("2.00")));
    assert_eq!(
        rule_ids(&last, Outcome::Changed),
        ["HOUSE-costs-proportionate"]
    );
}

#[test]
fn a_reminder_fee_waits_fourteen_days_after_the_due_date() {
    let gate = gate();
    // perintälaki § 10 b: due 2026-11-11 → a fee from 2026-11-25 on.
    let case = case("FI", CustomerKind::Consumer, eur("200.00"), "2026-11-12");
    let early = gate.decide(&fee(FeeKind::Reminder, eur("5.00")), &case, &system(NOW));
    assert_eq!(early.decision.verdict, Verdict::Deny);
    assert_eq!(
        rule_ids(&early, Outcome::Denied),
        ["FI-fee-reminder-timing-consumer"]
    );
    let on_time = gate.decide(
        &fee(FeeKind::Reminder, eur("5.00")),
        &case,
        &system("2026-11-26T10:00:00Z"),
    );
    assert_eq!(on_time.decision.verdict, Verdict::Allow);
}

#[test]
fn without_encoded_law_no_fee_is_charged() {
    let gate = gate();
    let austrian = case("AT", CustomerKind::Consumer, eur("500.00"), "2026-01-15");
    let outcome = gate.decide(
        &fee(FeeKind::Reminder, eur("5.00")),
        &austrian,
        &system(NOW),
    );
    assert_eq!(outcome.decision.verdict, Verdict::Deny);
    assert_eq!(
        rule_ids(&outcome, Outcome::Denied),
        ["HOUSE-charges-need-law"]
    );
    assert_eq!(
        outcome.decision.packs.len(),
        2,
        "the AT pack and the house pack are stamped"
    );
}

#[test]
fn contact_hours_are_the_customers_local_time_across_daylight_saving() {
    let gate = gate();
    let case = finnish("200.00");
    // Finland moves to UTC+3 on 29 March 2026. 07:59 local is 05:59Z before, 04:59Z after.
    let vectors = [
        ("2026-03-27T05:59:00Z", Some("2026-03-27T06:00:00Z")),
        ("2026-03-27T06:00:00Z", None),
        ("2026-03-30T04:59:00Z", Some("2026-03-30T05:00:00Z")),
        ("2026-03-30T05:00:00Z", None),
        // 20:00 local is closed: 18:00Z on 30 March → next morning 08:00 local.
        ("2026-03-30T17:00:00Z", Some("2026-03-31T05:00:00Z")),
    ];
    for (proposed, moved_to) in vectors {
        let outcome = gate.decide(&call(proposed), &case, &system("2026-03-01T00:00:00Z"));
        let expected = moved_to.map_or(at(proposed), at);
        assert_eq!(
            approved_at(&outcome),
            Some(expected),
            "{proposed}: {:?}",
            outcome.decision
        );
        let verdict = if moved_to.is_some() {
            Verdict::AllowWithChanges
        } else {
            Verdict::Allow
        };
        assert_eq!(outcome.decision.verdict, verdict, "{proposed}");
        if moved_to.is_some() {
            assert_eq!(
                rule_ids(&outcome, Outcome::Changed),
                ["HOUSE-contact-hours"]
            );
        }
    }
}

#[test]
fn holidays_and_house_days_move_contacts_to_the_next_allowed_day() {
    let gate = gate();
    let case = finnish("200.00");
    // Independence Day, Monday 6 December 2027 (FI public holiday) → Tuesday 08:00 local.
    let outcome = gate.decide(
        &call("2027-12-06T09:00:00Z"),
        &case,
        &system("2027-12-01T00:00:00Z"),
    );
    assert_eq!(approved_at(&outcome), Some(at("2027-12-07T06:00:00Z")));
    // The holiday moves it to the next day; the hours then move it to the opening time.
    assert_eq!(
        rule_ids(&outcome, Outcome::Changed),
        ["HOUSE-contact-no-public-holidays", "HOUSE-contact-hours"]
    );
    // Christmas Eve 2026 (house day), Christmas and St Stephen's (holidays), Sunday (closed)
    // → Monday 28 December 08:00.
    let christmas = gate.decide(
        &call("2026-12-24T09:00:00Z"),
        &case,
        &system("2026-12-01T00:00:00Z"),
    );
    assert_eq!(
        approved_at(&christmas),
        Some(at("2026-12-28T06:00:00Z")),
        "{:?}",
        christmas.decision
    );
}

#[test]
fn the_fourth_attempt_in_seven_days_waits_until_one_leaves_the_window() {
    let gate = gate();
    let mut case = finnish("200.00");
    for when in [
        "2026-11-19T08:00:00Z",
        "2026-11-20T08:00:00Z",
        "2026-11-23T08:00:00Z",
    ] {
        case.contact_history.push(ContactRecord {
            at: at(when),
            channel: Channel::Letter,
        });
    }
    let outcome = gate.decide(&call("2026-11-25T10:00:00Z"), &case, &system(NOW));
    assert_eq!(
        approved_at(&outcome),
        Some(at("2026-11-26T08:00:01Z")),
        "{:?}",
        outcome.decision
    );
    assert_eq!(
        rule_ids(&outcome, Outcome::Changed),
        ["HOUSE-contact-frequency"]
    );
}

#[test]
fn holds_stop_payment_contact_but_not_service() {
    let gate = gate();
    for hold in [
        HoldKind::Dispute,
        HoldKind::VulnerabilityPause,
        HoldKind::BreathingSpace,
    ] {
        let mut case = finnish("200.00");
        case.holds.push(Hold {
            kind: hold,
            since: date("2026-11-01"),
            until: None,
        });
        let outcome = gate.decide(&call("2026-11-25T10:00:00Z"), &case, &system(NOW));
        assert_eq!(outcome.decision.verdict, Verdict::Deny, "{hold:?}");
        assert!(outcome.approved.is_none());
        let service = Proposal::Contact {
            channel: Channel::Email,
            at: at("2026-11-25T10:00:00Z"),
            recipient: Recipient::Customer,
            purpose: ContactPurpose::Service,
        };
        assert_ne!(
            gate.decide(&service, &case, &system(NOW)).decision.verdict,
            Verdict::Deny,
            "{hold:?}"
        );
        let fee = gate.decide(&fee(FeeKind::Demand, eur("5.00")), &case, &system(NOW));
        assert_eq!(fee.decision.verdict, Verdict::Deny, "{hold:?}");
    }
    // A dispute that ended lets collection resume.
    let mut case = finnish("200.00");
    case.holds.push(Hold {
        kind: HoldKind::Dispute,
        since: date("2026-10-01"),
        until: Some(date("2026-11-01")),
    });
    assert_ne!(
        gate.decide(&call("2026-11-25T10:00:00Z"), &case, &system(NOW))
            .decision
            .verdict,
        Verdict::Deny
    );
}

#[test]
fn nobody_but_the_customer_is_contacted_about_the_debt() {
    let gate = gate();
    let proposal = Proposal::Contact {
        channel: Channel::Phone,
        at: at(NOW),
        recipient: Recipient::ThirdParty,
        purpose: ContactPurpose::Payment,
    };
    let outcome = gate.decide(&proposal, &finnish("200.00"), &system(NOW));
    assert_eq!(outcome.decision.verdict, Verdict::Deny);
    assert_eq!(
        rule_ids(&outcome, Outcome::Denied),
        ["HOUSE-no-third-parties"]
    );
}

#[test]
fn a_time_barred_claim_is_not_collected_or_taken_to_court() {
    let gate = gate();
    // Laki velan vanhentumisesta § 4: three years from the due date, 2022-06-01; the period's
    // last day is 2025-06-01 (150/1930 § 2), so the debt is barred from 2025-06-02.
    let barred = case("FI", CustomerKind::Consumer, eur("500.00"), "2022-06-01");
    let outcome = gate.decide(&call(NOW), &barred, &system(NOW));
    assert_eq!(outcome.decision.verdict, Verdict::Deny);
    let reason = outcome
        .decision
        .denials()
        .next()
        .map(|r| (r.rule_id.to_string(), r.params.clone()));
    assert_eq!(
        reason,
        Some((
            "HOUSE-time-barred".into(),
            vec![
                ("barred_on", "2025-06-02".into()),
                ("limitation_rule", "FI-limitation".into())
            ]
        ))
    );
    // An interruption (a demand received in 2024) starts a new period.
    let mut interrupted = barred.clone();
    interrupted.limitation_interrupted_on = Some(date("2024-03-01"));
    assert_ne!(
        gate.decide(&call(NOW), &interrupted, &system(NOW))
            .decision
            .verdict,
        Verdict::Deny
    );
}

#[test]
fn statutory_interest_accrues_by_period_and_refuses_an_unencoded_one() {
    let gate = gate();
    let mut case = finnish("1000.00");
    case.due_date = date("2024-12-01");
    let interest = |from: &str, to: &str| Proposal::AccrueInterest {
        from: date(from),
        to: date(to),
    };
    // Korkolaki § 4: 10.5 % in 2025 H1. 181 days × 1000 × 10.5 % / 365 = 52.0685 → 52.07.
    let first_half = gate.decide(&interest("2025-01-01", "2025-07-01"), &case, &system(NOW));
    assert_eq!(
        approved_amount(&first_half),
        Some(eur("52.07")),
        "{:?}",
        first_half.decision
    );
    // Across the rate change: 30 days at 10.5 % + 31 days at 9.5 % = 8.6301 + 8.0685 → 16.70.
    let across = gate.decide(&interest("2025-06-01", "2025-08-01"), &case, &system(NOW));
    assert_eq!(approved_amount(&across), Some(eur("16.70")));
    assert_eq!(
        rule_ids(&across, Outcome::Applied),
        ["FI-interest-2025H1-consumer", "FI-interest-2025H2-consumer"]
    );
    // 2026 H2 has no rate in the pack: a period starting there is refused, naming the first
    // day without one (one starting earlier stops there: gate_interest.rs).
    let unencoded = gate.decide(&interest("2026-07-01", "2026-08-01"), &case, &system(NOW));
    assert_eq!(unencoded.decision.verdict, Verdict::Deny);
    let params = unencoded
        .decision
        .denials()
        .next()
        .map(|r| r.params.clone())
        .unwrap_or_default();
    assert!(
        params.contains(&("date", "2026-07-01".into())),
        "{params:?}"
    );
    // During a breathing space nothing accrues.
    let mut paused = case.clone();
    paused.holds.push(Hold {
        kind: HoldKind::BreathingSpace,
        since: date("2026-01-01"),
        until: None,
    });
    assert_eq!(
        gate.decide(&interest("2026-01-01", "2026-02-01"), &paused, &system(NOW))
            .decision
            .verdict,
        Verdict::Deny
    );
}

fn plan(amounts: &[(&str, &str)], statement: Option<IncomeExpense>, setup_fee: &str) -> Proposal {
    let instalments = amounts
        .iter()
        .map(|(due, amount)| Instalment {
            due: date(due),
            amount: eur(amount),
        })
        .collect();
    Proposal::OfferPaymentPlan {
        instalments,
        statement,
        setup_fee: eur(setup_fee),
    }
}

#[test]
fn payment_plans_fit_the_budget_and_carry_no_setup_fee() {
    let gate = gate();
    let case = finnish("300.00");
    let statement = IncomeExpense {
        monthly_income: eur("1500.00"),
        monthly_expenses: eur("1300.00"),
        dependants: 0,
    };
    let three = [
        ("2026-12-01", "100.00"),
        ("2027-01-01", "100.00"),
        ("2027-02-01", "100.00"),
    ];
    let good = gate.decide(&plan(&three, Some(statement), "20.00"), &case, &system(NOW));
    assert_eq!(
        good.decision.verdict,
        Verdict::AllowWithChanges,
        "{:?}",
        good.decision
    );
    assert_eq!(
        good.decision.changes[0].to, "0.00 EUR",
        "house policy: no plan fee"
    );
    assert!(
        good.decision
            .reasons
            .iter()
            .any(|r| r.message_key == "plan.debt_advice")
    );
    // 60 % of €200 disposable is €120: one €300 instalment is too much.
    let lump = gate.decide(
        &plan(&[("2026-12-01", "300.00")], Some(statement), "0.00"),
        &case,
        &system(NOW),
    );
    assert_eq!(lump.decision.verdict, Verdict::Deny);
    assert_eq!(
        lump.decision.denials().next().map(|r| r.message_key),
        Some("plan.unaffordable")
    );
    let no_statement = gate.decide(&plan(&three, None, "0.00"), &case, &system(NOW));
    assert_eq!(
        no_statement
            .decision
            .denials()
            .next()
            .map(|r| r.message_key),
        Some("plan.needs_statement")
    );
    let short = gate.decide(
        &plan(&[("2026-12-01", "100.00")], Some(statement), "0.00"),
        &case,
        &system(NOW),
    );
    assert_eq!(
        short.decision.denials().next().map(|r| r.message_key),
        Some("plan.invalid")
    );
}

#[test]
fn legal_steps_need_four_eyes_a_demand_and_its_time_to_pay() {
    let gate = gate();
    let mut case = finnish("2000.00");
    let escalate = |second: Option<&str>| Proposal::EscalateToLegal {
        second_approver: second.map(str::to_owned),
    };
    let by_system = gate.decide(&escalate(Some("agent-2")), &case, &system(NOW));
    assert_eq!(
        by_system.decision.denials().next().map(|r| r.message_key),
        Some("four_eyes.agent_needed")
    );
    let alone = gate.decide(&escalate(Some("agent-1")), &case, &agent(NOW, false));
    assert!(
        alone
            .decision
            .denials()
            .any(|r| r.message_key == "four_eyes.second_approver")
    );
    let no_demand = gate.decide(&escalate(Some("agent-2")), &case, &agent(NOW, false));
    assert_eq!(
        no_demand.decision.denials().next().map(|r| r.message_key),
        Some("escalation.no_demand")
    );
    case.first_demand_sent_at = Some(at("2026-11-20T10:00:00Z"));
    let running = gate.decide(&escalate(Some("agent-2")), &case, &agent(NOW, false));
    assert_eq!(
        running.decision.denials().next().map(|r| r.message_key),
        Some("escalation.demand_period_running")
    );
    case.first_demand_sent_at = Some(at("2026-10-20T10:00:00Z"));
    let allowed = gate.decide(&escalate(Some("agent-2")), &case, &agent(NOW, false));
    assert_eq!(
        allowed.decision.verdict,
        Verdict::Allow,
        "{:?}",
        allowed.decision
    );
    assert_eq!(
        allowed.approved.map(|a| a.action().clone()),
        Some(ApprovedAction::Escalation)
    );
}

#[test]
fn vulnerable_customers_are_served_only_by_trained_agents() {
    let gate = gate();
    let mut case = finnish("200.00");
    case.vulnerable = true;
    let untrained = gate.decide(&call(NOW), &case, &agent(NOW, false));
    assert_eq!(
        rule_ids(&untrained, Outcome::Denied),
        ["HOUSE-vulnerability-trained-only"]
    );
    let trained = gate.decide(&call(NOW), &case, &agent(NOW, true));
    assert_ne!(trained.decision.verdict, Verdict::Deny);
}

#[test]
fn malformed_proposals_are_refused_with_a_reason() {
    let gate = gate();
    let negative = gate.decide(
        &fee(FeeKind::Reminder, Money::from_minor(-500, Currency::EUR)),
        &finnish("200.00"),
        &system(NOW),
    );
    assert_eq!(negative.decision.verdict, Verdict::Deny);
    assert_eq!(rule_ids(&negative, Outcome::Denied), ["GATE-input"]);
    let sek = Money::from_minor(500, Currency::parse("SEK").unwrap());
    assert_eq!(
        gate.decide(
            &fee(FeeKind::Reminder, sek),
            &finnish("200.00"),
            &system(NOW)
        )
        .decision
        .verdict,
        Verdict::Deny
    );
}
