//! The planner's answers on the shipped Finnish strategy, and the variant assignment.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, Utc};
use reilu_core::{CustomerKind, MarketCode, Markets, Money};
use reilu_rules::model::{
    Balances, CaseView, Channel, ContactPurpose, FeeKind, Hold, HoldKind, Proposal, Recipient,
};
use reilu_strategy::{CaseProgress, DoneStep, Plan, StepKind, StrategySet, variant_bucket};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn fi_case(principal_minor: i64) -> CaseView {
    let markets = Markets::builtin().unwrap();
    let principal = Money::from_minor(principal_minor, markets.get("FI").unwrap().currency);
    let zero = Money::zero(principal.currency());
    CaseView {
        market: MarketCode::parse("FI").unwrap(),
        customer_kind: CustomerKind::Consumer,
        time_zone: chrono_tz::Europe::Helsinki,
        original_principal: principal,
        balances: Balances {
            principal,
            interest: zero,
            collection_costs: zero,
            creditor_fees: zero,
        },
        due_date: date("2026-01-05"),
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

fn set() -> StrategySet {
    StrategySet::builtin().unwrap_or_else(|error| panic!("{error}"))
}

/// A case number in the champion variant (its bucket is below 80).
fn champion_case() -> i64 {
    (1..)
        .find(|&n| variant_bucket("fi-2026-12", n) < 80)
        .unwrap()
}

#[test]
fn the_first_step_waits_for_its_day_then_is_due_with_contact_and_fee() {
    let set = set();
    let case = fi_case(50_000);
    let number = champion_case();
    let progress = CaseProgress {
        case_number: number,
        has_plan: false,
        done: &[],
        promise: None,
    };
    assert_eq!(
        set.plan(&case, &progress, date("2026-01-18")),
        Plan::Waiting {
            step_id: "reminder".into(),
            on: date("2026-01-19")
        }
    );
    let Plan::Due(step) = set.plan(&case, &progress, date("2026-01-19")) else {
        panic!("the reminder is due 14 days after the due date");
    };
    assert_eq!(
        (step.path.as_str(), step.step_id.as_str()),
        ("consumer", "reminder")
    );
    assert_eq!(step.variant.as_deref(), Some("champion"));
    assert_eq!(step.kind, StepKind::Reminder);
    assert_eq!(step.channel, Some(Channel::Letter));
    // 09:00 in Helsinki in January (UTC+2) is 07:00 UTC.
    let at: DateTime<Utc> = "2026-01-19T07:00:00Z".parse().unwrap();
    assert_eq!(
        step.proposals,
        vec![
            Proposal::Contact {
                channel: Channel::Letter,
                at,
                recipient: Recipient::Customer,
                purpose: ContactPurpose::Payment,
            },
            Proposal::ChargeFee {
                fee: FeeKind::Reminder,
                amount: Money::from_minor(500, case.original_principal.currency())
            },
        ]
    );
}

#[test]
fn later_steps_count_from_the_latest_step_done_and_the_path_finishes() {
    let set = set();
    let case = fi_case(5_000);
    let number = champion_case();
    let done = vec![DoneStep {
        step_id: "reminder".into(),
        on: date("2026-01-20"),
    }];
    let progress = CaseProgress {
        case_number: number,
        has_plan: false,
        done: &done,
        promise: None,
    };
    assert_eq!(
        set.plan(&case, &progress, date("2026-01-21")),
        Plan::Waiting {
            step_id: "demand".into(),
            on: date("2026-02-04")
        }
    );
    let done = vec![
        DoneStep {
            step_id: "reminder".into(),
            on: date("2026-01-20"),
        },
        DoneStep {
            step_id: "demand".into(),
            on: date("2026-02-04"),
        },
        DoneStep {
            step_id: "call".into(),
            on: date("2026-02-19"),
        },
    ];
    let progress = CaseProgress {
        case_number: number,
        has_plan: false,
        done: &done,
        promise: None,
    };
    assert_eq!(
        set.plan(&case, &progress, date("2026-03-01")),
        Plan::Finished
    );
}

#[test]
fn an_active_hold_pauses_and_a_plan_or_vulnerability_changes_the_path() {
    let set = set();
    let mut case = fi_case(50_000);
    case.holds.push(Hold {
        kind: HoldKind::Dispute,
        since: date("2026-01-10"),
        until: None,
    });
    let progress = CaseProgress {
        case_number: 1,
        has_plan: false,
        done: &[],
        promise: None,
    };
    assert!(matches!(
        set.plan(&case, &progress, date("2026-02-01")),
        Plan::Paused { .. }
    ));
    case.holds.clear();
    case.vulnerable = true;
    let Plan::Due(step) = set.plan(&case, &progress, date("2026-02-01")) else {
        panic!()
    };
    assert_eq!(
        (step.path.as_str(), step.step_id.as_str()),
        ("vulnerable", "support-letter")
    );
    assert!(
        step.proposals
            .iter()
            .all(|p| !matches!(p, Proposal::ChargeFee { .. }))
    );
    let with_plan = CaseProgress {
        case_number: 1,
        has_plan: true,
        done: &[],
        promise: None,
    };
    let Plan::Due(step) = set.plan(&case, &with_plan, date("2026-02-01")) else {
        panic!()
    };
    assert_eq!(step.path, "plan");
}

#[test]
fn the_age_at_entry_picks_the_path() {
    let set = set();
    let case = fi_case(50_000);
    // Entering 80 days after the due date: the late path.
    let progress = CaseProgress {
        case_number: champion_case(),
        has_plan: false,
        done: &[],
        promise: None,
    };
    let Plan::Due(step) = set.plan(&case, &progress, date("2026-03-26")) else {
        panic!()
    };
    assert_eq!(step.path, "consumer-late");
    // Its age stays the one at entry: the first step done fixes it.
    let done = vec![DoneStep {
        step_id: "reminder".into(),
        on: date("2026-01-19"),
    }];
    let progress = CaseProgress {
        case_number: champion_case(),
        has_plan: false,
        done: &done,
        promise: None,
    };
    let Plan::Due(step) = set.plan(&case, &progress, date("2026-03-26")) else {
        panic!()
    };
    assert_eq!(step.path, "consumer");
}

#[test]
fn the_challenger_gets_its_overrides() {
    let set = set();
    let case = fi_case(50_000);
    let number = (1..)
        .find(|&n| variant_bucket("fi-2026-12", n) >= 80)
        .unwrap();
    assert_eq!(set.variant_of("FI", number), Some("email-reminder"));
    let progress = CaseProgress {
        case_number: number,
        has_plan: false,
        done: &[],
        promise: None,
    };
    let Plan::Due(step) = set.plan(&case, &progress, date("2026-01-19")) else {
        panic!()
    };
    assert_eq!(step.channel, Some(Channel::Email));
    assert_eq!(step.template, "reminder");
}

#[test]
fn the_variant_hash_matches_its_documented_test_vector() {
    // SHA-256("fi-2026-12:12345") begins 98311b880762769d; that as a big-endian u64 mod 100.
    assert_eq!(variant_bucket("fi-2026-12", 12345), 29);
    assert_eq!(variant_bucket("fi-2026-12", 1), 98);
    assert_eq!(variant_bucket("fi-2026-12", -7), 95);
    let set = set();
    assert_eq!(set.variant_of("FI", 12345), Some("champion"));
    assert_eq!(set.variant_of("FI", 1), Some("email-reminder"));
    // No variants: no assignment.
    assert_eq!(set.variant_of("SE", 12345), None);
}

#[test]
fn variant_shares_hold_over_100_000_case_numbers() {
    let set = set();
    let cases = 100_000;
    let challenger = (1..=cases)
        .filter(|&n| set.variant_of("FI", n) == Some("email-reminder"))
        .count();
    // 20 % of 100,000 is 20,000; a binomial standard deviation is about 126, so ±1,000
    // fails only for a broken assignment.
    assert!((19_000..=21_000).contains(&challenger), "{challenger}");
    // Stable: the same answer again.
    let again = (1..=cases)
        .filter(|&n| set.variant_of("FI", n) == Some("email-reminder"))
        .count();
    assert_eq!(challenger, again);
}

#[test]
fn a_fee_is_proposed_from_the_band_of_the_claims_principal() {
    let set = set();
    let number = champion_case();
    let done = vec![
        DoneStep {
            step_id: "reminder".into(),
            on: date("2026-01-19"),
        },
        DoneStep {
            step_id: "sms".into(),
            on: date("2026-01-26"),
        },
    ];
    let progress = CaseProgress {
        case_number: number,
        has_plan: false,
        done: &done,
        promise: None,
    };
    let fee_of = |principal_minor: i64| {
        let case = fi_case(principal_minor);
        let Plan::Due(step) = set.plan(&case, &progress, date("2026-02-05")) else {
            panic!()
        };
        assert_eq!(step.step_id, "demand");
        match step.proposals.get(1) {
            Some(Proposal::ChargeFee {
                fee: FeeKind::Demand,
                amount,
            }) => amount.amount_minor(),
            other => panic!("{other:?}"),
        }
    };
    // § 10 a: EUR 24 up to EUR 1,000, EUR 50 above.
    assert_eq!(fee_of(100_000), 2400);
    assert_eq!(fee_of(100_001), 5000);
}

#[test]
fn a_promise_to_pay_holds_the_path_until_its_day_then_is_followed_up_once_unless_kept() {
    use reilu_strategy::{PROMISE_FOLLOWUP_TEMPLATE, PromiseToPay};
    let set = set();
    let case = fi_case(50_000);
    let number = champion_case();
    let mut done = vec![DoneStep {
        step_id: "reminder".into(),
        on: date("2026-01-20"),
    }];
    let promise = PromiseToPay {
        task: 7,
        due_on: date("2026-02-20"),
        amount_minor: 10_000,
        received_minor: 0,
    };
    let plan = |done: &[DoneStep], promise: PromiseToPay, today: &str| {
        let progress = CaseProgress {
            case_number: number,
            has_plan: false,
            done,
            promise: Some(promise),
        };
        set.plan(&case, &progress, date(today))
    };
    // The path's next step (the SMS, 7 days after the reminder) waits for the promised day.
    assert_eq!(
        plan(&done, promise, "2026-02-20"),
        Plan::Waiting {
            step_id: "promise-7".into(),
            on: date("2026-02-21")
        }
    );
    // Broken: one message about it, by SMS, no fee.
    let Plan::Due(step) = plan(&done, promise, "2026-02-21") else {
        panic!("the broken promise is followed up");
    };
    assert_eq!(step.step_id, "promise-7");
    assert_eq!(step.kind, StepKind::PromiseFollowup);
    assert_eq!(step.template, PROMISE_FOLLOWUP_TEMPLATE);
    assert_eq!(step.proposals.len(), 1);
    assert!(matches!(
        step.proposals[0],
        Proposal::Contact {
            channel: Channel::Sms,
            ..
        }
    ));
    // Followed up: the path goes on from there.
    done.push(DoneStep {
        step_id: "promise-7".into(),
        on: date("2026-02-21"),
    });
    assert!(matches!(
        plan(&done, promise, "2026-02-22"),
        Plan::Waiting { ref step_id, .. } if step_id == "sms"
    ));
    // Kept (the promised amount received since the call): nothing to follow up, the path's
    // own next step is due.
    let kept = PromiseToPay {
        received_minor: 10_000,
        ..promise
    };
    let Plan::Due(step) = plan(&done[..1], kept, "2026-02-21") else {
        panic!("the path goes on");
    };
    assert_eq!(step.step_id, "sms");
    // Half paid is not kept.
    let half = PromiseToPay {
        received_minor: 5_000,
        ..promise
    };
    assert!(matches!(
        plan(&done[..1], half, "2026-02-21"),
        Plan::Due(ref step) if step.step_id == "promise-7"
    ));
}
