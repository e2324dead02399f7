//! Properties the gate keeps for any input: no allowed fee above its cap, no allowed contact
//! outside the window or on a forbidden day, the frequency cap over any sequence, and no
//! payment contact while a dispute or pause runs. Each has a positive side too, so that a gate
//! that denies (or moves) everything fails: a fee within every cap is approved as proposed, a
//! contact in the window on an ordinary day goes out unchanged, every contact of a sequence is
//! placed, and a case whose hold has ended (or a service contact) is contacted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use proptest::prelude::*;
use reilu_core::{Currency, CustomerKind, Markets, Money};
use reilu_rules::model::*;
use reilu_rules::pack::{Parameter, Source, Value};
use reilu_rules::{ApprovedAction, Gate, Verdict};

#[path = "gate_support.rs"]
mod support;

fn gate() -> &'static Gate {
    static GATE: OnceLock<Gate> = OnceLock::new();
    GATE.get_or_init(|| Gate::builtin(&Markets::builtin().unwrap()).unwrap())
}

const MARKETS: [&str; 4] = ["FI", "SE", "DE", "AT"];

fn case(market: &str, principal_minor: i64) -> CaseView {
    let currency = Markets::builtin().unwrap().get(market).unwrap().currency;
    let principal = Money::from_minor(principal_minor, currency);
    let mut case = support::case_view(market, CustomerKind::Consumer, principal, "2026-06-01");
    // Where a reminder fee needs an agreement (SE), there is one: no fee is refused for that.
    case.reminder_fee_agreed = true;
    case
}

/// The most a fee may be, read from the packs independently of the gate's code: the strictest
/// of the law's and the house's caps on the fee, the house's share of the principal, and what
/// is left under every cap on all costs together. None when no law caps the fee (no legal
/// basis: no fee at all).
fn fee_ceiling_minor(case: &CaseView, fee: FeeKind, on: NaiveDate) -> Option<i64> {
    let book = gate().book();
    let rules = |parameter| book.rules(case.market, case.customer_kind, parameter, on);
    let principal = case.original_principal.amount_minor();
    let charged: i64 = case
        .fee_history
        .iter()
        .map(|record| record.amount.amount_minor())
        .sum();
    let cap = |value: &Value| match value {
        Value::Cap(cap) => Some(cap.for_principal(principal)),
        _ => None,
    };
    let share = |value: &Value| match value {
        Value::Percent(bp) => Some(principal * i64::from(*bp) / 10_000),
        _ => None,
    };
    // Where the law's cap is a multiple of a full fee by the case's stage (DE: RVG VV 2300),
    // a case with no demand on record is at the first step.
    let first_factor_bp = rules(Parameter::FeeFactors(fee))
        .find_map(|rule| match &rule.value {
            Value::Factors(steps) => steps.first().map(|step| i64::from(step.factor_bp)),
            _ => None,
        })
        .unwrap_or(10_000);
    let law: Vec<i64> = rules(Parameter::Fee(fee))
        .filter(|rule| rule.source == Source::Law)
        .filter_map(|rule| cap(&rule.value))
        .map(|cap| cap * first_factor_bp / 10_000)
        .collect();
    let mut ceilings = law.clone();
    ceilings.extend(
        rules(Parameter::Fee(fee))
            .filter(|rule| rule.source == Source::House)
            .filter_map(|rule| cap(&rule.value)),
    );
    ceilings
        .extend(rules(Parameter::FeeMaxPercentOfPrincipal).filter_map(|rule| share(&rule.value)));
    ceilings.extend(
        rules(Parameter::FeeTotal)
            .filter_map(|rule| cap(&rule.value))
            .map(|total| total - charged),
    );
    ceilings.extend(
        rules(Parameter::FeeTotalMaxPercentOfPrincipal)
            .filter_map(|rule| share(&rule.value))
            .map(|total| total - charged),
    );
    (!law.is_empty()).then(|| ceilings.into_iter().min().unwrap_or(0).max(0))
}

fn instant(minutes_from_start: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-07-01T00:00:00Z")
        .unwrap()
        .to_utc()
        + Duration::minutes(minutes_from_start)
}

fn context(now: DateTime<Utc>) -> Context {
    Context {
        now,
        actor: Actor::System,
    }
}

const FEE_KINDS: [FeeKind; 4] = [
    FeeKind::Reminder,
    FeeKind::Demand,
    FeeKind::RepeatDemand,
    FeeKind::CollectionCosts,
];
const CHANNELS: [Channel; 4] = [Channel::Email, Channel::Sms, Channel::Phone, Channel::Visit];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_allowed_fee_exceeds_its_caps(
        market in 0..MARKETS.len(),
        principal_minor in 1_i64..5_000_000,
        kind in 0..FEE_KINDS.len(),
        amount_minor in 1_i64..100_000,
        charged_minor in 0_i64..20_000,
    ) {
        let mut case = case(MARKETS[market], principal_minor);
        let currency = case.original_principal.currency();
        if charged_minor > 0 {
            case.fee_history.push(FeeRecord { kind: FeeKind::Reminder, amount: Money::from_minor(charged_minor, currency), at: instant(0) });
        }
        let proposal = Proposal::ChargeFee { fee: FEE_KINDS[kind], amount: Money::from_minor(amount_minor, currency) };
        let now = instant(60 * 24 * 150);
        let outcome = gate().decide(&proposal, &case, &context(now));
        if let Some(ApprovedAction::Fee { amount, .. }) = outcome.approved.as_ref().map(|a| a.action().clone()) {
            prop_assert!(amount.amount_minor() <= amount_minor, "never more than proposed");
            prop_assert!(amount.amount_minor() > 0);
            prop_assert!(amount.amount_minor() <= principal_minor, "house: no fee above the principal");
            prop_assert!(charged_minor + amount.amount_minor() <= principal_minor / 2, "house: total costs at most half the principal");
            let law_caps: Vec<i64> = gate().book()
                .rules(case.market, CustomerKind::Consumer, reilu_rules::pack::Parameter::Fee(FEE_KINDS[kind]), now.date_naive())
                .filter_map(|rule| match &rule.value { reilu_rules::pack::Value::Cap(cap) => Some(cap.for_principal(principal_minor)), _ => None })
                .collect();
            prop_assert!(!law_caps.is_empty(), "a fee needs a law cap");
            prop_assert!(law_caps.iter().all(|cap| amount.amount_minor() <= *cap), "within every law cap");
        }
    }

    #[test]
    fn no_allowed_contact_lands_outside_the_window_or_on_a_forbidden_day(
        market in 0..MARKETS.len(),
        minutes in 0_i64..(60 * 24 * 540),
        channel in 0..CHANNELS.len(),
    ) {
        let case = case(MARKETS[market], 50_000);
        let proposed = instant(minutes);
        let proposal = Proposal::Contact { channel: CHANNELS[channel], at: proposed, recipient: Recipient::Customer, purpose: ContactPurpose::Payment };
        let outcome = gate().decide(&proposal, &case, &context(instant(0)));
        let Some(ApprovedAction::Contact { at, .. }) = outcome.approved.as_ref().map(|a| a.action().clone()) else {
            return Err(TestCaseError::fail(format!("a plain contact is never denied: {:?}", outcome.decision)));
        };
        prop_assert!(at >= proposed, "a contact is only ever moved later");
        let local = at.with_timezone(&case.time_zone);
        prop_assert!(local.time() >= NaiveTime::from_hms_opt(8, 0, 0).unwrap(), "{local}");
        prop_assert!(local.time() < NaiveTime::from_hms_opt(20, 0, 0).unwrap(), "{local}");
        prop_assert!(local.weekday() != Weekday::Sun, "{local}");
        prop_assert!(gate().calendars().kind_of(MARKETS[market], local.date_naive()).is_none(), "{local} is a holiday or house day");
    }

    #[test]
    fn a_fee_within_every_cap_is_approved_as_proposed(
        market in 0..MARKETS.len(),
        principal_minor in 1_i64..5_000_000,
        kind in 0..FEE_KINDS.len(),
        permille in 1_i64..=1000,
        charged_minor in 0_i64..20_000,
    ) {
        let mut case = case(MARKETS[market], principal_minor);
        let currency = case.original_principal.currency();
        if charged_minor > 0 {
            case.fee_history.push(FeeRecord { kind: FeeKind::Reminder, amount: Money::from_minor(charged_minor, currency), at: instant(0) });
        }
        // 150 days after the last fee and 180 after the due date: no rule on timing objects.
        let now = instant(60 * 24 * 150);
        let ceiling = fee_ceiling_minor(&case, FEE_KINDS[kind], now.date_naive());
        let amount_minor = ceiling.map_or(1, |ceiling| (ceiling * permille / 1000).max(1));
        let proposal = Proposal::ChargeFee { fee: FEE_KINDS[kind], amount: Money::from_minor(amount_minor, currency) };
        let outcome = gate().decide(&proposal, &case, &context(now));
        match ceiling {
            Some(ceiling) if ceiling > 0 => {
                prop_assert_eq!(outcome.decision.verdict, Verdict::Allow, "{} {:?}: {} within {}: {:?}", MARKETS[market], FEE_KINDS[kind], amount_minor, ceiling, outcome.decision);
                prop_assert_eq!(support::approved_amount(&outcome), Some(Money::from_minor(amount_minor, currency)));
            }
            _ => prop_assert_eq!(outcome.decision.verdict, Verdict::Deny, "no legal basis or nothing left: {:?}", outcome.decision),
        }
    }

    #[test]
    fn a_contact_in_the_window_on_an_ordinary_day_goes_out_unchanged(
        market in 0..MARKETS.len(),
        day in 1_i64..540,
        minute_of_day in (8_i64 * 60)..(20 * 60),
        channel in 0..CHANNELS.len(),
    ) {
        let case = case(MARKETS[market], 50_000);
        let date = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap() + Duration::days(day);
        prop_assume!(date.weekday() != Weekday::Sun);
        prop_assume!(gate().calendars().kind_of(MARKETS[market], date).is_none());
        let local = date.and_time(NaiveTime::MIN) + Duration::minutes(minute_of_day);
        let proposed = case.time_zone.from_local_datetime(&local).single().unwrap().to_utc();
        let proposal = Proposal::Contact { channel: CHANNELS[channel], at: proposed, recipient: Recipient::Customer, purpose: ContactPurpose::Payment };
        let outcome = gate().decide(&proposal, &case, &context(instant(0)));
        prop_assert_eq!(outcome.decision.verdict, Verdict::Allow, "{}: {:?}", local, outcome.decision);
        prop_assert_eq!(support::approved_at(&outcome), Some(proposed));
    }

    #[test]
    fn no_letter_goes_out_on_a_sunday_or_a_forbidden_day(market in 0..MARKETS.len(), minutes in 0_i64..(60 * 24 * 540)) {
        let case = case(MARKETS[market], 50_000);
        let proposal = Proposal::Contact { channel: Channel::Letter, at: instant(minutes), recipient: Recipient::Customer, purpose: ContactPurpose::Payment };
        let outcome = gate().decide(&proposal, &case, &context(instant(0)));
        let Some(ApprovedAction::Contact { at, .. }) = outcome.approved.as_ref().map(|a| a.action().clone()) else {
            return Err(TestCaseError::fail(format!("{:?}", outcome.decision)));
        };
        let local = at.with_timezone(&case.time_zone);
        prop_assert!(local.weekday() != Weekday::Sun, "{local}");
        prop_assert!(gate().calendars().kind_of(MARKETS[market], local.date_naive()).is_none(), "{local}");
    }

    #[test]
    fn the_frequency_cap_holds_over_any_sequence_of_proposals(
        gaps_minutes in proptest::collection::vec(0_i64..(60 * 30), 1..25),
        channels in proptest::collection::vec(0..CHANNELS.len(), 25),
    ) {
        let mut case = case("FI", 50_000);
        let mut clock = instant(0);
        for (index, gap) in gaps_minutes.iter().enumerate() {
            clock += Duration::minutes(*gap);
            let proposal = Proposal::Contact { channel: CHANNELS[channels[index]], at: clock, recipient: Recipient::Customer, purpose: ContactPurpose::Payment };
            let outcome = gate().decide(&proposal, &case, &context(clock));
            // A contact over the cap is moved, never dropped: every proposal is placed.
            let Some(ApprovedAction::Contact { at, channel, .. }) = outcome.approved.as_ref().map(|a| a.action().clone()) else {
                return Err(TestCaseError::fail(format!("proposal {index} not placed: {:?}", outcome.decision)));
            };
            case.contact_history.push(ContactRecord { at, channel });
            clock = clock.max(at);
        }
        prop_assert_eq!(case.contact_history.len(), gaps_minutes.len());
        let mut times: Vec<DateTime<Utc>> = case.contact_history.iter().map(|record| record.at).collect();
        times.sort_unstable();
        for (index, start) in times.iter().enumerate() {
            let in_window = times[index..].iter().take_while(|t| **t < *start + Duration::days(7)).count();
            prop_assert!(in_window <= 3, "{in_window} contacts in the 7 days from {start}");
        }
    }

    #[test]
    fn a_case_on_hold_is_never_contacted_about_payment(
        hold in 0..3_usize,
        minutes in 0_i64..(60 * 24 * 90),
        channel in 0..CHANNELS.len(),
    ) {
        let kinds = [HoldKind::Dispute, HoldKind::VulnerabilityPause, HoldKind::BreathingSpace];
        let mut case = case("FI", 50_000);
        case.holds.push(Hold { kind: kinds[hold], since: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(), until: None });
        let proposal = Proposal::Contact { channel: CHANNELS[channel], at: instant(minutes), recipient: Recipient::Customer, purpose: ContactPurpose::Payment };
        let outcome = gate().decide(&proposal, &case, &context(instant(minutes)));
        prop_assert!(outcome.approved.is_none());
        prop_assert_eq!(outcome.decision.verdict, reilu_rules::Verdict::Deny);
        // The hold is what denies: a service contact goes out, and so does the payment contact
        // once the hold has ended.
        let service = Proposal::Contact { channel: CHANNELS[channel], at: instant(minutes), recipient: Recipient::Customer, purpose: ContactPurpose::Service };
        let outcome = gate().decide(&service, &case, &context(instant(minutes)));
        prop_assert!(outcome.approved.is_some(), "service contact on hold: {:?}", outcome.decision);
        case.holds[0].until = Some(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
        let outcome = gate().decide(&proposal, &case, &context(instant(minutes)));
        prop_assert!(outcome.approved.is_some(), "payment contact after the hold: {:?}", outcome.decision);
    }
}

#[test]
fn the_fee_cap_property_also_covers_the_currency() {
    // Lag 1981:739 § 4: an inkassokrav costs at most 180 kronor. Proposed in SEK above it, the
    // fee is capped to exactly 180.00 SEK; proposed in euros on a Swedish case, it is refused.
    let sek = Currency::parse("SEK").unwrap();
    let case = case("SE", 1_000_000);
    assert_eq!(case.original_principal.currency(), sek);
    let now = instant(60 * 24 * 150);
    let demand = |amount| Proposal::ChargeFee {
        fee: FeeKind::Demand,
        amount,
    };
    let outcome = gate().decide(
        &demand(Money::from_minor(50_000, sek)),
        &case,
        &context(now),
    );
    assert_eq!(
        support::approved_amount(&outcome),
        Some(Money::from_minor(18_000, sek))
    );
    assert_eq!(
        fee_ceiling_minor(&case, FeeKind::Demand, now.date_naive()),
        Some(18_000)
    );
    let within = gate().decide(
        &demand(Money::from_minor(17_999, sek)),
        &case,
        &context(now),
    );
    assert_eq!(
        support::approved_amount(&within),
        Some(Money::from_minor(17_999, sek))
    );
    let eur = Currency::parse("EUR").unwrap();
    let in_euros = gate().decide(&demand(Money::from_minor(1_000, eur)), &case, &context(now));
    assert_eq!(in_euros.decision.verdict, Verdict::Deny);
}
