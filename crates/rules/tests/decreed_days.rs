//! Working days moved by decree (HU, LV): a decreed rest day is a no-contact day, a decreed
//! working Saturday an ordinary Saturday, and the calendar says up to which year the decrees
//! are known.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use reilu_core::{CustomerKind, Money};
use reilu_rules::calendar::{DayKind, decreed_days, holidays};
use reilu_rules::model::{Actor, Channel, ContactPurpose, Context, Proposal, Recipient};

#[path = "gate_support.rs"]
mod support;

/// Decides a payment call at `local` (the market's time) and gives the local time it goes out
/// and the rules that moved it.
fn call(market: &str, currency: &str, local: &str) -> (String, Vec<String>) {
    let currency = reilu_core::Currency::parse(currency).unwrap();
    let principal = Money::from_minor(50_000, currency);
    let case = support::case_view(market, CustomerKind::Consumer, principal, "2025-06-01");
    let at = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
    let at = case
        .time_zone
        .from_local_datetime(&at)
        .single()
        .unwrap()
        .with_timezone(&Utc);
    let proposal = Proposal::Contact {
        channel: Channel::Phone,
        at,
        recipient: Recipient::Customer,
        purpose: ContactPurpose::Payment,
    };
    let context = Context {
        now: support::at("2025-12-01T00:00:00Z"),
        actor: Actor::System,
    };
    let outcome = support::gate().decide(&proposal, &case, &context);
    let sent = support::approved_at(&outcome).unwrap();
    let movers = outcome
        .decision
        .reasons
        .iter()
        .map(|r| r.rule_id.to_string())
        .collect();
    let local = sent.with_timezone(&case.time_zone).format("%Y-%m-%d %H:%M");
    (local.to_string(), movers)
}

#[test]
fn no_call_on_a_decreed_rest_day() {
    // HU: Friday 2 January 2026 is a rest day (10/2025. (IV. 30.) NGM rendelet): the call
    // moves to the Saturday morning (the house calls on Saturdays, 08:00-20:00).
    let (at, movers) = call("HU", "HUF", "2026-01-02 10:00");
    assert_eq!(at, "2026-01-03 08:00");
    assert!(
        movers.contains(&"HOUSE-contact-no-house-days".to_owned()),
        "{movers:?}"
    );
    // LV: Monday 22 June 2026 (Cabinet order for 2026), then Midsummer Eve and Day.
    assert_eq!(call("LV", "EUR", "2026-06-22 10:00").0, "2026-06-25 08:00");
    assert_eq!(call("HU", "HUF", "2026-08-21 12:00").0, "2026-08-22 08:00");
}

#[test]
fn a_decreed_working_saturday_is_an_ordinary_saturday() {
    // HU: Saturday 10 January 2026 is worked in place of 2 January; a call goes out as on any
    // Saturday (the house's Saturday hours), unchanged.
    let (at, movers) = call("HU", "HUF", "2026-01-10 10:00");
    assert_eq!(at, "2026-01-10 10:00");
    assert_eq!(movers, ["HOUSE-contact-hours"]);
    assert_eq!(
        call("HU", "HUF", "2026-01-10 21:00").0,
        "2026-01-12 08:00",
        "Sunday is closed"
    );
}

#[test]
fn the_calendar_lists_decreed_rest_days_and_says_how_far_decrees_are_known() {
    let hu = decreed_days("HU", 2026).unwrap().unwrap();
    assert_eq!(
        (hu.known_from, hu.known_until, hu.known),
        (1991, 2026, true)
    );
    assert!(
        hu.source
            .unwrap()
            .starts_with("10/2025. (IV. 30.) NGM rendelet")
    );
    let day = |text| support::date(text);
    assert_eq!(
        hu.rest_days,
        [day("2026-01-02"), day("2026-08-21"), day("2026-12-24")]
    );
    assert_eq!(
        hu.working_saturdays,
        [day("2026-01-10"), day("2026-08-08"), day("2026-12-12")]
    );
    let listed = holidays("HU", 2026).unwrap();
    let bridge = listed.iter().find(|h| h.date == day("2026-08-21")).unwrap();
    assert_eq!(bridge.kind, DayKind::NoContactDay);
    let later = decreed_days("HU", 2027).unwrap().unwrap();
    assert!(!later.known && later.rest_days.is_empty() && later.source.is_none());
    let none_moved = decreed_days("HU", 2023).unwrap().unwrap();
    assert!(none_moved.known && none_moved.rest_days.is_empty());
    assert_eq!(decreed_days("LV", 2026).unwrap().unwrap().known_until, 2026);
    assert_eq!(
        decreed_days("FI", 2026).unwrap(),
        None,
        "FI moves no days by decree"
    );
}
