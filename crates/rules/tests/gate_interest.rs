//! Late interest, statutory or contractual: which rate applies on each day, the caps, the day
//! count (Actual/365 Fixed) and the rounding (half up, once). Every expected amount is worked
//! out by hand in its row from the statute's rate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "gate_support.rs"]
mod support;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use reilu_core::{CustomerKind, Markets, Money};
use reilu_rules::model::*;
use reilu_rules::pack::{
    AppliesTo, PublishedRate, PublishedRateError, RATE_WARNING_DAYS, RateGap, RuleBook,
    first_day_without_late_rate, late_rate_gaps, parse_rate_percent,
};
use reilu_rules::{ApprovedAction, Gate, GateOutcome, Outcome, Verdict};
use support::{approved_amount, at, date};

use CustomerKind::{Business, Consumer};

const NOW: &str = "2026-11-25T10:00:00Z";

fn gate() -> &'static Gate {
    static GATE: std::sync::OnceLock<Gate> = std::sync::OnceLock::new();
    GATE.get_or_init(support::gate)
}

fn money(market: &str, major: &str) -> Money {
    let currency = Markets::builtin().unwrap().get(market).unwrap().currency;
    Money::parse_major(major, currency).unwrap()
}

/// One accrual to decide: the case's terms and the period `[from, to)`.
struct Row {
    what: &'static str,
    market: &'static str,
    kind: CustomerKind,
    principal: &'static str,
    due: &'static str,
    contractual_bp: Option<u32>,
    statutory_claims: bool,
    from: &'static str,
    to: &'static str,
    /// The amount, or None for a refusal.
    expected: Option<&'static str>,
    /// Message keys of the reasons, in order.
    keys: &'static [&'static str],
}

fn decide(row: &Row) -> GateOutcome {
    let mut case = support::case_view(
        row.market,
        row.kind,
        money(row.market, row.principal),
        row.due,
    );
    case.contractual_rate_bp = row.contractual_bp;
    case.statutory_claims = row.statutory_claims;
    let proposal = Proposal::AccrueInterest {
        from: date(row.from),
        to: date(row.to),
    };
    let context = Context {
        now: at(NOW),
        actor: Actor::System,
    };
    gate().decide(&proposal, &case, &context)
}

fn keys(outcome: &GateOutcome) -> Vec<&'static str> {
    outcome
        .decision
        .reasons
        .iter()
        .map(|r| r.message_key)
        .collect()
}

const ROWS: &[Row] = &[
    Row {
        // Korkolaki § 4 (1): 9.50 % in 2026 H1; § 4 (2) needs a higher agreed rate.
        // 1,000.00 × 9.5 % × 31 / 365 = 8.0685 → 8.07.
        what: "FI consumer: contractual 8 % below the statutory 9.5 %, statutory applies",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2025-12-31",
        contractual_bp: Some(800),
        statutory_claims: false,
        from: "2026-01-01",
        to: "2026-02-01",
        expected: Some("8.07"),
        keys: &["interest.contractual_not_higher", "interest.rate"],
    },
    Row {
        // 12 % is above 9.5 % and under every cap (law 15 %, house 20 % and 9.5 + 5 = 14.5 %).
        // 1,000.00 × 12 % × 31 / 365 = 10.1918 → 10.19.
        what: "FI consumer: contractual 12 % above the statutory rate, uncapped",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2025-12-31",
        contractual_bp: Some(1200),
        statutory_claims: false,
        from: "2026-01-01",
        to: "2026-02-01",
        expected: Some("10.19"),
        keys: &["interest.contractual"],
    },
    Row {
        // 2024 H1: statutory 11.5 %, so the house margin allows 16.5 %; kuluttajansuojalaki
        // 7:17 a allows 15 % (from 1 Oct 2023): the law binds. 1,000.00 × 15 % × 31 / 365 =
        // 12.7397 → 12.74.
        what: "FI consumer: contractual 18 % capped by law at 15 %",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2023-12-31",
        contractual_bp: Some(1800),
        statutory_claims: false,
        from: "2024-01-01",
        to: "2024-02-01",
        expected: Some("12.74"),
        keys: &["interest.contractual", "interest.capped_by_law"],
    },
    Row {
        // Korkolaki § 2 (1): a business's agreed rate applies; no law cap, the house's 20 %.
        // 1,000.00 × 20 % × 31 / 365 = 16.9863 → 16.99.
        what: "FI business: contractual 25 % capped by the house at 20 %",
        market: "FI",
        kind: Business,
        principal: "1000.00",
        due: "2025-12-31",
        contractual_bp: Some(2500),
        statutory_claims: false,
        from: "2026-01-01",
        to: "2026-02-01",
        expected: Some("16.99"),
        keys: &["interest.contractual", "interest.capped_by_house"],
    },
    Row {
        // 2026 H1: 9.5 % + 5 points = 14.5 %, stricter than the law's 15 % and the house's 20 %.
        // 1,000.00 × 14.5 % × 31 / 365 = 12.3151 → 12.32.
        what: "FI consumer: contractual 18 % capped by the house margin at 14.5 %",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2025-12-31",
        contractual_bp: Some(1800),
        statutory_claims: false,
        from: "2026-01-01",
        to: "2026-02-01",
        expected: Some("12.32"),
        keys: &["interest.contractual", "interest.capped_over_statutory"],
    },
    Row {
        // Across the statutory change of 1 Jul 2025: 10.5 % in June (the agreed 10 % is not
        // higher: statutory), 9.5 % from July (the agreed 10 % is higher: contractual).
        // 1,000.00 × (30 × 10.5 % + 31 × 10 %) / 365 = 6.25 / 365 × 1000 = 17.1233 → 17.12.
        what: "FI consumer: across a statutory change the contractual rate starts to apply",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2025-05-31",
        contractual_bp: Some(1000),
        statutory_claims: false,
        from: "2025-06-01",
        to: "2025-08-01",
        expected: Some("17.12"),
        keys: &[
            "interest.contractual_not_higher",
            "interest.rate",
            "interest.contractual",
        ],
    },
    Row {
        // Räntelag 1 §: the agreed rate applies; the house margin follows the statutory rate:
        // 11 % + 5 = 16 % in 2025 H1, 10 % + 5 = 15 % in 2025 H2.
        // 10,000 kr × (30 × 16 % + 31 × 15 %) / 365 = 94,500 / 365 = 258.9041 → 258.90.
        what: "SE consumer: contractual 18 % capped over a statutory change",
        market: "SE",
        kind: Consumer,
        principal: "10000.00",
        due: "2025-01-01",
        contractual_bp: Some(1800),
        statutory_claims: false,
        from: "2025-06-01",
        to: "2025-08-01",
        expected: Some("258.90"),
        // One pair per half-year: the statutory rate and so the cap differ.
        keys: &[
            "interest.contractual",
            "interest.capped_over_statutory",
            "interest.contractual",
            "interest.capped_over_statutory",
        ],
    },
    Row {
        // Korkolaki § 4 (2): in a consumer contract the higher agreed rate runs at most 180
        // days after the due date (2025-12-31 + 180 = 2026-06-29), then 9.5 % statutory.
        // 1,000.00 × (29 × 12 % + 1 × 9.5 %) / 365 = 3.575 / 365 × 1000 = 9.7945 → 9.79.
        what: "FI consumer: the contractual rate ends 180 days after the due date",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2025-12-31",
        contractual_bp: Some(1200),
        statutory_claims: false,
        from: "2026-06-01",
        to: "2026-07-01",
        expected: Some("9.79"),
        keys: &[
            "interest.contractual",
            "interest.contractual_period_over",
            "interest.rate",
        ],
    },
    Row {
        // Räntelag 1 §: a lower agreed rate replaces the 6 § rate too. 3.65 % on 50.00 kr for
        // one day is 50 × 0.0365 / 365 = 0.005 kr exactly: half a öre rounds up to 0.01.
        what: "SE consumer: contractual 3.65 % below the statutory rate, half a minor unit rounds up",
        market: "SE",
        kind: Consumer,
        principal: "50.00",
        due: "2026-01-31",
        contractual_bp: Some(365),
        statutory_claims: false,
        from: "2026-02-01",
        to: "2026-02-02",
        expected: Some("0.01"),
        keys: &["interest.contractual"],
    },
    Row {
        // Statutory 10 % (2025 H2) on 18.25 kr for one day: 18.25 × 0.10 / 365 = 0.005 kr: up.
        what: "SE: statutory, exactly half a minor unit rounds up",
        market: "SE",
        kind: Consumer,
        principal: "18.25",
        due: "2025-08-31",
        contractual_bp: None,
        statutory_claims: false,
        from: "2025-09-01",
        to: "2025-09-02",
        expected: Some("0.01"),
        keys: &["interest.rate"],
    },
    Row {
        // 18.24 × 0.10 / 365 = 0.004997 kr: just under half, rounds down to nothing.
        what: "SE: statutory, just under half a minor unit rounds down",
        market: "SE",
        kind: Consumer,
        principal: "18.24",
        due: "2025-08-31",
        contractual_bp: None,
        statutory_claims: false,
        from: "2025-09-01",
        to: "2025-09-02",
        expected: Some("0.00"),
        keys: &["interest.rate"],
    },
    Row {
        // Actual/365 Fixed: 2024 has 366 days, each earning 1/365 of the yearly rate.
        // 1,000.00 × 11.5 % × 366 / 365 = 115.3151 → 115.32 (not 115.00).
        what: "FI consumer: a leap year earns 366/365 of the yearly rate",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2023-12-31",
        contractual_bp: None,
        statutory_claims: false,
        from: "2024-01-01",
        to: "2025-01-01",
        expected: Some("115.32"),
        keys: &["interest.rate", "interest.rate"],
    },
    Row {
        // 29 February earns a day like any other: 1,000.00 × 11.5 % / 365 = 0.3151 → 0.32.
        what: "FI consumer: one day, 29 February",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2023-12-31",
        contractual_bp: None,
        statutory_claims: false,
        from: "2024-02-29",
        to: "2024-03-01",
        expected: Some("0.32"),
        keys: &["interest.rate"],
    },
    Row {
        // BGB § 288 (1): 1.27 % + 5 = 6.27 % in 2026 H1; the German pack encodes no rule for
        // contractual interest, so the agreed 12 % is not charged (as fees: no basis, no charge).
        // 1,000.00 × 6.27 % × 31 / 365 = 5.3252 → 5.33.
        what: "DE consumer: no contractual-interest rule encoded, statutory applies",
        market: "DE",
        kind: Consumer,
        principal: "1000.00",
        due: "2025-12-31",
        contractual_bp: Some(1200),
        statutory_claims: false,
        from: "2026-01-01",
        to: "2026-02-01",
        expected: Some("5.33"),
        keys: &["interest.contractual_no_legal_basis", "interest.rate"],
    },
    Row {
        // Austria's law is not encoded: no statutory rate, so no interest at all, contractual or not.
        what: "AT (house only): nothing is charged",
        market: "AT",
        kind: Consumer,
        principal: "1000.00",
        due: "2025-12-31",
        contractual_bp: Some(800),
        statutory_claims: false,
        from: "2026-01-01",
        to: "2026-02-01",
        expected: None,
        keys: &["interest.no_rate"],
    },
    Row {
        // A case whose other claims carry no rate: the lower statutory 9.5 % on the whole case.
        // 1,000.00 × 9.5 % × 31 / 365 = 8.0685 → 8.07.
        what: "FI consumer: claims without a rate make the statutory rate the case's rate",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2025-12-31",
        contractual_bp: Some(1200),
        statutory_claims: true,
        from: "2026-01-01",
        to: "2026-02-01",
        expected: Some("8.07"),
        keys: &["interest.lowest_of_claims", "interest.rate"],
    },
    Row {
        // ... but where the agreed rate is the lower one (as agreed, SE), it stays.
        // 10,000 kr × 3.65 % × 31 / 365 = 31.00 exactly.
        what: "SE consumer: a lower agreed rate stays the case's rate beside statutory claims",
        market: "SE",
        kind: Consumer,
        principal: "10000.00",
        due: "2025-12-31",
        contractual_bp: Some(365),
        statutory_claims: true,
        from: "2026-01-01",
        to: "2026-02-01",
        expected: Some("31.00"),
        keys: &["interest.contractual"],
    },
    Row {
        // One day at 9.5 %: 1,000.00 × 0.095 / 365 = 0.2603 → 0.26.
        what: "FI consumer: one day",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2025-12-31",
        contractual_bp: None,
        statutory_claims: false,
        from: "2026-01-01",
        to: "2026-01-02",
        expected: Some("0.26"),
        keys: &["interest.rate"],
    },
    Row {
        // Korkolaki § 3: nothing for the time before the claim falls due; interest from the
        // day after the due date.
        what: "FI: a period that starts on the due date is refused",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2026-01-01",
        contractual_bp: None,
        statutory_claims: false,
        from: "2026-01-01",
        to: "2026-01-02",
        expected: None,
        keys: &["interest.before_due"],
    },
    Row {
        // 2026 H2 has no statutory rate in the packs: not even a contractual rate accrues there,
        // as its caps are measured against the statutory one. The days before it are approved
        // (June at the agreed 12 %: 1,000.00 × 12 % × 30 / 365 = 9.8630 → 9.86), and the
        // approval ends on 1 July.
        what: "FI consumer: a contractual rate accrues only up to the first day without a statutory rate",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2026-05-31",
        contractual_bp: Some(1200),
        statutory_claims: false,
        from: "2026-06-01",
        to: "2026-08-01",
        expected: Some("9.86"),
        keys: &["interest.contractual", "interest.no_rate_from"],
    },
    Row {
        // The very first day has no rate: nothing to approve, refused naming the day.
        what: "FI consumer: a period starting on a day without a statutory rate is refused",
        market: "FI",
        kind: Consumer,
        principal: "1000.00",
        due: "2026-05-31",
        contractual_bp: None,
        statutory_claims: false,
        from: "2026-07-01",
        to: "2026-08-01",
        expected: None,
        keys: &["interest.no_rate"],
    },
];

#[test]
fn which_rate_applies_the_caps_the_day_count_and_the_rounding() {
    for row in ROWS {
        let outcome = decide(row);
        let expected = row.expected.map(|major| money(row.market, major));
        assert_eq!(
            approved_amount(&outcome),
            expected,
            "{}: {:?}",
            row.what,
            outcome.decision
        );
        // Only a stop at a day without a rate changes an accrual (its `to`).
        let verdict = match expected {
            None => Verdict::Deny,
            Some(_) if row.keys.contains(&"interest.no_rate_from") => Verdict::AllowWithChanges,
            Some(_) => Verdict::Allow,
        };
        assert_eq!(outcome.decision.verdict, verdict, "{}", row.what);
        assert_eq!(keys(&outcome), row.keys, "{}", row.what);
    }
}

#[test]
fn reasons_name_the_rule_the_rate_and_the_cap() {
    let capped = decide(&ROWS[4]);
    let reason = capped
        .decision
        .reasons
        .iter()
        .find(|r| r.message_key == "interest.capped_over_statutory")
        .unwrap();
    assert_eq!(reason.rule_id.as_ref(), "HOUSE-interest-consumer-margin");
    assert_eq!(reason.outcome, Outcome::Applied);
    assert_eq!(
        reason.params,
        vec![
            ("contractual", "18.00".to_owned()),
            ("cap", "14.50".to_owned()),
            ("margin", "5.00".to_owned()),
            ("statutory", "9.50".to_owned()),
        ]
    );
    let by_law = decide(&ROWS[2]);
    let law = by_law
        .decision
        .reasons
        .iter()
        .find(|r| r.message_key == "interest.capped_by_law")
        .unwrap();
    assert_eq!(law.rule_id.as_ref(), "FI-interest-cap-consumer-2023");
    assert!(law.citation.contains("7 luku 17 a"), "{}", law.citation);
    let contractual = by_law.decision.reasons.first().unwrap();
    assert_eq!(
        contractual.rule_id.as_ref(),
        "FI-interest-contractual-consumer"
    );
    assert!(contractual.citation.contains("Korkolaki 633/1982 § 4 (2)"));
}

#[test]
fn every_reason_renders_in_every_language() {
    let messages = reilu_rules::messages::Messages::builtin().unwrap();
    for row in ROWS {
        let outcome = decide(row);
        for reason in &outcome.decision.reasons {
            for language in ["en", "fi", "sv"] {
                let text = messages.render(language, reason);
                assert!(
                    !text.contains('{') && text != reason.message_key,
                    "{} ({language}): {text}",
                    row.what
                );
            }
        }
    }
}

/// The statutory late rates of the encoded packs in basis points, from the statutes (FI
/// Korkolaki § 4 / § 4 a, SE räntelag 6 §, DE BGB § 288), by half-year from 2023 H1 to 2026
/// H1: an oracle written apart from the packs.
fn statutory_bp(market: &str, kind: CustomerKind, day: NaiveDate) -> u32 {
    let half = usize::try_from((day.year() - 2023) * 2).unwrap() + usize::from(day.month() > 6);
    let table: [u32; 7] = match (market, kind) {
        ("FI", Consumer) => [950, 1100, 1150, 1150, 1050, 950, 950],
        ("FI", Business) => [1050, 1200, 1250, 1250, 1150, 1050, 1050],
        ("SE", _) => [1050, 1150, 1200, 1200, 1100, 1000, 1000],
        ("DE", Consumer) => [662, 812, 862, 837, 727, 627, 627],
        ("DE", Business) => [1062, 1212, 1262, 1237, 1127, 1027, 1027],
        _ => unreachable!(),
    };
    table[half]
}

/// The highest yearly rate law and house allow on a day: the statutory rate, or a contractual
/// one up to the house's 20 % ceiling and, for consumers, the statutory rate + 5 points.
fn max_allowed_bp(market: &str, kind: CustomerKind, day: NaiveDate) -> u32 {
    let statutory = statutory_bp(market, kind, day);
    let house = match kind {
        Consumer => 2000.min(statutory + 500),
        Business => 2000,
    };
    statutory.max(house)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Accrued interest never exceeds principal × the highest allowed rate × days / 365,
    /// rounded up, day by day — whatever the contract says.
    #[test]
    fn accrued_interest_never_exceeds_the_highest_allowed_rate(
        market in prop::sample::select(vec!["FI", "SE", "DE"]),
        business in any::<bool>(),
        principal_minor in 1_i64..1_000_000_000,
        contractual_bp in prop::option::of(0_u32..5_000),
        statutory_claims in any::<bool>(),
        start_offset in 0_i64..1_270,
        days in 1_i64..400,
        days_after_due in 1_i64..60,
    ) {
        let kind = if business { Business } else { Consumer };
        let first = date("2023-01-01") + chrono::Duration::days(start_offset);
        let end = (first + chrono::Duration::days(days)).min(date("2026-07-01"));
        prop_assume!(first < end);
        let principal = Money::from_minor(
            principal_minor,
            Markets::builtin().unwrap().get(market).unwrap().currency,
        );
        let due = first - chrono::Duration::days(days_after_due);
        let mut case = support::case_view(market, kind, principal, &due.to_string());
        case.contractual_rate_bp = contractual_bp;
        case.statutory_claims = statutory_claims;
        let proposal = Proposal::AccrueInterest { from: first, to: end };
        let context = Context { now: at(NOW), actor: Actor::System };
        let outcome = gate().decide(&proposal, &case, &context);
        if let Some(accrued) = approved_amount(&outcome) {
            let mut ceiling: i128 = 0;
            let mut day = first;
            while day < end {
                ceiling += i128::from(principal_minor) * i128::from(max_allowed_bp(market, kind, day));
                day = day.succ_opt().unwrap();
            }
            let divisor: i128 = 10_000 * 365;
            let bound = (ceiling + divisor - 1) / divisor;
            prop_assert!(
                i128::from(accrued.amount_minor()) <= bound,
                "{market} {kind:?} {first}..{end} at {contractual_bp:?}: {} > {bound}",
                accrued.amount_minor()
            );
            prop_assert!(accrued.amount_minor() >= 0);
        }
    }
}

/// Accrued day by day, with each day's rounding remainder carried into the next, interest adds
/// up to what one accrual over the same days gives; without the carry a small claim would
/// round to nothing every day and a larger one would gain a little every day.
#[test]
fn daily_accruals_carry_their_rounding_and_add_up_to_one_accrual() {
    let context = Context {
        now: at(NOW),
        actor: Actor::System,
    };
    // FI 2026 H1: 9.50 %. 20.00 € earns 2,000 × 950 = 1,900,000 of the 3,650,000 that make a
    // cent each day (0.52 ¢); 1,000.00 € earns 26.03 ¢ a day.
    for (principal, first, last) in [
        ("20.00", "2026-01-01", "2026-06-30"),
        ("1000.00", "2026-01-01", "2026-06-30"),
    ] {
        let mut case = support::case_view("FI", Consumer, money("FI", principal), "2025-12-01");
        let (start, end) = (date(first), date(last));
        let mut daily_total_minor = 0_i64;
        let mut day = start;
        while day < end {
            let next = day.succ_opt().unwrap();
            let proposal = Proposal::AccrueInterest {
                from: day,
                to: next,
            };
            let outcome = gate().decide(&proposal, &case, &context);
            let Some(approved) = outcome.approved.as_ref() else {
                panic!("{principal} on {day}: {:?}", keys(&outcome));
            };
            let ApprovedAction::Interest {
                amount,
                carry_minor_bp_days,
                ..
            } = approved.action()
            else {
                panic!("not interest");
            };
            daily_total_minor += amount.amount_minor();
            case.interest_carry_minor_bp_days = *carry_minor_bp_days;
            // The carry never reaches half a cent, in either direction.
            assert!(
                carry_minor_bp_days.unsigned_abs() <= 3_650_000 / 2,
                "{carry_minor_bp_days}"
            );
            day = next;
        }
        let mut fresh = support::case_view("FI", Consumer, money("FI", principal), "2025-12-01");
        fresh.interest_carry_minor_bp_days = 0;
        let once = gate().decide(
            &Proposal::AccrueInterest {
                from: start,
                to: end,
            },
            &fresh,
            &context,
        );
        let once_minor = approved_amount(&once).map(|m| m.amount_minor()).unwrap();
        assert_eq!(
            daily_total_minor, once_minor,
            "{principal}: daily vs once over {first}..{last}"
        );
    }
    // 20.00 × 9.5 % × 180 / 365 = 0.937 → 94 cents; 1,000.00 × 9.5 % × 180 / 365 = 46.849 → 46.85.
}

fn context() -> Context {
    Context {
        now: at(NOW),
        actor: Actor::System,
    }
}

fn accrue_on(gate: &Gate, case: &CaseView, from: &str, to: &str) -> GateOutcome {
    let proposal = Proposal::AccrueInterest {
        from: date(from),
        to: date(to),
    };
    gate.decide(&proposal, case, &context())
}

/// The approved period's end, if approved.
fn approved_to(outcome: &GateOutcome) -> Option<NaiveDate> {
    match outcome.approved.as_ref().map(|a| a.action().clone()) {
        Some(ApprovedAction::Interest { to, .. }) => Some(to),
        _ => None,
    }
}

/// A proposal reaching days without a rate is approved up to the first of them: `to` is
/// changed to that day, and the reason names it.
#[test]
fn an_accrual_stops_at_the_first_day_without_a_rate() {
    let case = support::case_view("FI", Consumer, money("FI", "1000.00"), "2026-05-31");
    let outcome = accrue_on(gate(), &case, "2026-06-01", "2026-11-26");
    assert_eq!(outcome.decision.verdict, Verdict::AllowWithChanges);
    assert_eq!(approved_to(&outcome), Some(date("2026-07-01")));
    // June at 9.5 %: 1,000.00 × 9.5 % × 30 / 365 = 7.8082 → 7.81; nothing for July on.
    assert_eq!(approved_amount(&outcome), Some(money("FI", "7.81")));
    let change = outcome.decision.changes.first().unwrap();
    assert_eq!(
        (change.field, change.from.as_str(), change.to.as_str()),
        ("to", "2026-11-26", "2026-07-01")
    );
    let reason = outcome
        .decision
        .reasons
        .iter()
        .find(|r| r.message_key == "interest.no_rate_from")
        .unwrap();
    assert_eq!(reason.outcome, Outcome::Changed);
    assert_eq!(
        reason.params,
        vec![
            ("date", "2026-07-01".to_owned()),
            ("market", "FI".to_owned())
        ]
    );
}

/// A case whose principal was halved by a payment on 16 January: the second half of the
/// month earns half the interest of the first.
#[test]
fn interest_runs_on_the_principal_as_it_stood_each_day() {
    let mut case = support::case_view("FI", Consumer, money("FI", "500.00"), "2025-12-31");
    case.principal_history = vec![
        PrincipalChange {
            on: date("2025-11-20"),
            principal: money("FI", "1000.00"),
        },
        PrincipalChange {
            on: date("2026-01-16"),
            principal: money("FI", "500.00"),
        },
    ];
    // 2026 H1 9.5 %: 15 days on 1,000.00 and 15 on 500.00:
    // (1,000.00 × 15 + 500.00 × 15) × 9.5 % / 365 = 2,137.5 / 365 = 5.8562 → 5.86.
    let outcome = accrue_on(gate(), &case, "2026-01-01", "2026-01-31");
    assert_eq!(approved_amount(&outcome), Some(money("FI", "5.86")));
    // Each half alone: 3.9041 → 3.90 at 1,000.00, 1.9521 → 1.95 at 500.00: half.
    let first = accrue_on(gate(), &case, "2026-01-01", "2026-01-16");
    let second = accrue_on(gate(), &case, "2026-01-16", "2026-01-31");
    assert_eq!(approved_amount(&first), Some(money("FI", "3.90")));
    assert_eq!(approved_amount(&second), Some(money("FI", "1.95")));
    // Without the history, today's 500.00 throughout: 500.00 × 9.5 % × 30 / 365 = 3.90.
    case.principal_history.clear();
    let today_only = accrue_on(gate(), &case, "2026-01-01", "2026-01-31");
    assert_eq!(approved_amount(&today_only), Some(money("FI", "3.90")));
}

#[test]
fn days_before_the_history_starts_run_on_its_earliest_principal() {
    let mut case = support::case_view("FI", Consumer, money("FI", "0.00"), "2025-12-31");
    // Paid in full on 11 January: interest is still owed for the ten days before.
    case.principal_history = vec![
        PrincipalChange {
            on: date("2026-01-05"),
            principal: money("FI", "1000.00"),
        },
        PrincipalChange {
            on: date("2026-01-11"),
            principal: money("FI", "0.00"),
        },
    ];
    // 10 days on 1,000.00 at 9.5 %: 2.6027 → 2.60.
    let outcome = accrue_on(gate(), &case, "2026-01-01", "2026-01-31");
    assert_eq!(approved_amount(&outcome), Some(money("FI", "2.60")));
}

#[test]
fn a_principal_history_out_of_order_or_currency_is_refused() {
    let mut case = support::case_view("FI", Consumer, money("FI", "500.00"), "2025-12-31");
    case.principal_history = vec![
        PrincipalChange {
            on: date("2026-01-16"),
            principal: money("FI", "500.00"),
        },
        PrincipalChange {
            on: date("2026-01-01"),
            principal: money("FI", "1000.00"),
        },
    ];
    let outcome = accrue_on(gate(), &case, "2026-01-01", "2026-01-31");
    assert_eq!(keys(&outcome), vec!["interest.invalid_history"]);
    assert!(outcome.approved.is_none());
    case.principal_history = vec![PrincipalChange {
        on: date("2026-01-01"),
        principal: money("SE", "1000.00"),
    }];
    let outcome = accrue_on(gate(), &case, "2026-01-01", "2026-01-31");
    assert_eq!(keys(&outcome), vec!["interest.invalid_history"]);
}

fn published(market: &str, applies_to: &str, from: &str, to: &str, percent: &str) -> PublishedRate {
    PublishedRate {
        market: reilu_core::MarketCode::parse(market).unwrap(),
        applies_to: AppliesTo::parse(applies_to).unwrap(),
        effective_from: date(from),
        effective_to: date(to),
        rate_bp: parse_rate_percent(percent).unwrap(),
        citation: "Suomen Pankki: viitekorko 1.7.–31.12.2026".into(),
        recorded_by: "Compliance Officer".into(),
    }
}

fn builtin_book() -> RuleBook {
    RuleBook::builtin(&Markets::builtin().unwrap()).unwrap()
}

#[test]
fn a_published_rate_is_a_law_rule_the_gate_accrues_with() {
    let book = builtin_book()
        .with_published_rates(vec![published(
            "FI",
            "consumer",
            "2026-07-01",
            "2026-12-31",
            "9.50",
        )])
        .unwrap();
    let gate = Gate::new(book).unwrap();
    let case = support::case_view("FI", Consumer, money("FI", "1000.00"), "2026-05-31");
    // 1,000.00 × 9.5 % × 31 / 365 = 8.0685 → 8.07.
    let outcome = accrue_on(&gate, &case, "2026-07-01", "2026-08-01");
    assert_eq!(outcome.decision.verdict, Verdict::Allow);
    assert_eq!(approved_amount(&outcome), Some(money("FI", "8.07")));
    let reason = outcome.decision.reasons.first().unwrap();
    assert_eq!(reason.rule_id.as_ref(), "PUB-FI-2026-07-01-consumer");
    assert_eq!(reason.source, reilu_rules::pack::Source::Law);
    assert_eq!(
        reason.citation.as_ref(),
        "Suomen Pankki: viitekorko 1.7.–31.12.2026"
    );
    // Across the half-years: June from the pack, July from the published rate, no stop.
    let across = accrue_on(&gate, &case, "2026-06-01", "2026-08-01");
    assert_eq!(across.decision.verdict, Verdict::Allow);
    assert_eq!(approved_to(&across), Some(date("2026-08-01")));
    // A consumer rate says nothing of business customers.
    let business = support::case_view("FI", Business, money("FI", "1000.00"), "2026-05-31");
    let refused = accrue_on(&gate, &business, "2026-07-01", "2026-08-01");
    assert_eq!(keys(&refused), vec!["interest.no_rate"]);
}

#[test]
fn a_published_rate_must_fit_the_market_law_and_overlap_nothing() {
    use PublishedRateError as E;
    let check = |rate: PublishedRate| builtin_book().with_published_rates(vec![rate]).err();
    let overlap = check(published("FI", "all", "2026-01-01", "2026-06-30", "9.50"));
    assert!(
        matches!(&overlap, Some(E::Overlap { rule_id, .. }) if rule_id == "FI-interest-2026H1-consumer"),
        "{overlap:?}"
    );
    assert!(matches!(
        check(published(
            "FI",
            "consumer",
            "2026-07-01",
            "2026-12-30",
            "9.50"
        )),
        Some(E::NotHalfYear { .. })
    ));
    assert!(matches!(
        check(published(
            "FI",
            "consumer",
            "2026-07-02",
            "2026-12-31",
            "9.50"
        )),
        Some(E::NotHalfYear { .. })
    ));
    assert!(matches!(
        check(published(
            "FI",
            "consumer",
            "2026-01-01",
            "2026-12-31",
            "9.50"
        )),
        Some(E::NotHalfYear { .. })
    ));
    assert!(matches!(
        check(published(
            "AT",
            "consumer",
            "2026-07-01",
            "2026-12-31",
            "9.50"
        )),
        Some(E::NotEncoded(_))
    ));
    let mut no_citation = published("FI", "consumer", "2026-07-01", "2026-12-31", "9.50");
    no_citation.citation = "  ".into();
    assert_eq!(check(no_citation), Some(E::NoCitation));
    let mut nobody = published("FI", "consumer", "2026-07-01", "2026-12-31", "9.50");
    nobody.recorded_by = String::new();
    assert_eq!(check(nobody), Some(E::NoRecorder));
    // Two published rates overlap as well: `all` covers the consumer rate's days.
    let twice = builtin_book().with_published_rates(vec![
        published("FI", "consumer", "2026-07-01", "2026-12-31", "9.50"),
        published("FI", "all", "2026-07-01", "2026-12-31", "9.50"),
    ]);
    assert!(matches!(twice, Err(E::Overlap { .. })), "{twice:?}");
    // Consumer and business rates of the same half-year do not.
    let both = builtin_book().with_published_rates(vec![
        published("FI", "consumer", "2026-07-01", "2026-12-31", "9.50"),
        published("FI", "business", "2026-07-01", "2026-12-31", "10.50"),
    ]);
    assert!(both.is_ok(), "{both:?}");
}

#[test]
fn the_first_day_without_a_rate_is_warned_of_thirty_days_ahead() {
    let book = builtin_book();
    let fi = reilu_core::MarketCode::parse("FI").unwrap();
    assert_eq!(
        first_day_without_late_rate(&book, fi, Consumer),
        Some(date("2026-07-01"))
    );
    let gaps = late_rate_gaps(&book, date("2026-12-07"), RATE_WARNING_DAYS);
    let fi_consumer = gaps
        .iter()
        .find(|gap| gap.market == fi && gap.customer_kind == Consumer)
        .unwrap();
    assert_eq!(fi_consumer.first_day_without_rate, date("2026-07-01"));
    assert_eq!(fi_consumer.days_from_today, -159);
    // GB charges no statutory rate here at all, and house-only markets none: no gap to warn of.
    let markets: Vec<String> = gaps.iter().map(|gap| gap.market.to_string()).collect();
    assert!(!markets.contains(&"GB".to_owned()), "{markets:?}");
    assert!(!markets.contains(&"AT".to_owned()), "{markets:?}");
    for market in ["FI", "SE", "NO", "DK", "DE", "NL"] {
        assert!(
            markets.contains(&market.to_owned()),
            "{market}: {markets:?}"
        );
    }
    // With 2026 H2 published, FI consumers run out on 1 January 2027: warned of from 2 December.
    let book = book
        .with_published_rates(vec![published(
            "FI",
            "consumer",
            "2026-07-01",
            "2026-12-31",
            "9.50",
        )])
        .unwrap();
    let is_fi_consumer = |gap: &RateGap| gap.market == fi && gap.customer_kind == Consumer;
    let soon = late_rate_gaps(&book, date("2026-12-07"), RATE_WARNING_DAYS);
    let gap = soon.iter().find(|gap| is_fi_consumer(gap)).unwrap();
    assert_eq!(
        (gap.first_day_without_rate, gap.days_from_today),
        (date("2027-01-01"), 25)
    );
    let early = late_rate_gaps(&book, date("2026-12-01"), RATE_WARNING_DAYS);
    assert!(
        !early.iter().any(is_fi_consumer),
        "31 days ahead: {early:?}"
    );
    let edge = late_rate_gaps(&book, date("2026-12-02"), RATE_WARNING_DAYS);
    assert!(edge.iter().any(is_fi_consumer), "30 days ahead: {edge:?}");
}

#[test]
fn a_published_percentage_has_at_most_two_decimals_and_a_plausible_size() {
    for bad in ["0", "0.00", "25.01", "9.505", "-1", "nine", ""] {
        assert!(parse_rate_percent(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_rate_percent("25"), Ok(2500));
    assert_eq!(parse_rate_percent("9.5"), Ok(950));
}
