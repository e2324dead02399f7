//! Contacts: who may be contacted, about what, on which channel, when, and how often.
//!
//! A contact that breaks only a time rule (outside the hours, on a no-contact day, over a
//! frequency cap) is moved to the next slot that keeps every rule; anything else is denied.
//! The time of day does not bind letters, whose delivery time nobody controls; but a day the
//! hours close entirely (Sunday), the day rules and the frequency caps bind letters too.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use super::{Judgement, local_text};
use crate::approved::ApprovedAction;
use crate::calendar::DayKind;
use crate::decision::Change;
use crate::model::{Actor, Channel, ContactPurpose, Recipient};
use crate::pack::{Parameter, Rule, Value};

/// Slots tried before giving up: every move goes forward by at least a day's remainder or to
/// a record's expiry, so a real case finds a slot in a handful; this bounds a pathological one.
const SLOT_SEARCH_STEPS_MAX: u32 = 400;

pub(super) fn decide(
    judgement: &mut Judgement<'_>,
    channel: Channel,
    at: DateTime<Utc>,
    recipient: Recipient,
    purpose: ContactPurpose,
) -> Option<ApprovedAction> {
    check_who(judgement, recipient);
    check_agent(judgement);
    if purpose == ContactPurpose::Payment {
        judgement.deny_for_holds(Parameter::CollectionStoppedBy, "collection.hold");
        judgement.deny_if_time_barred();
    }
    if judgement.case.channels_refused.contains(&channel)
        && let Some(rule) = judgement.flag(Parameter::ContactRespectRefusals)
    {
        judgement.deny(
            rule,
            "contact.channel_refused",
            vec![("channel", channel.as_str().to_owned())],
        );
    }
    if judgement.is_denied() {
        return None;
    }
    let slot = find_slot(judgement, channel, at.max(judgement.context.now))?;
    if slot != at {
        let zone = judgement.case.time_zone;
        judgement.changes.push(Change {
            field: "at",
            from: local_text(at, zone),
            to: local_text(slot, zone),
        });
    }
    Some(ApprovedAction::Contact {
        channel,
        at: slot,
        purpose,
    })
}

fn check_who(judgement: &mut Judgement<'_>, recipient: Recipient) {
    if recipient == Recipient::ThirdParty {
        let rules: Vec<&Rule> = judgement
            .rules(Parameter::ContactThirdPartyForbidden, judgement.today)
            .filter(|r| matches!(r.value, Value::Flag(true)))
            .collect();
        for rule in rules {
            judgement.deny(rule, "contact.third_party", Vec::new());
        }
    }
}

/// Agent-level rules: conflicts of interest and vulnerability training.
pub(super) fn check_agent(judgement: &mut Judgement<'_>) {
    let Actor::Agent {
        vulnerability_trained,
        conflicted,
        ..
    } = &judgement.context.actor
    else {
        return;
    };
    let (trained, conflicted) = (*vulnerability_trained, *conflicted);
    if conflicted && let Some(rule) = judgement.flag(Parameter::ConflictedAgentBlocked) {
        judgement.deny(rule, "agent.conflicted", Vec::new());
    }
    if judgement.case.vulnerable
        && !trained
        && let Some(rule) = judgement.flag(Parameter::VulnerabilityTrainedOnly)
    {
        judgement.deny(rule, "agent.not_trained", Vec::new());
    }
}

/// Why a candidate time does not work, and the earliest time worth trying next.
struct Blocked<'r> {
    rule: &'r Rule,
    key: &'static str,
    next: DateTime<Utc>,
}

/// The earliest instant at or after `start` that keeps every day, hour and frequency rule.
fn find_slot(
    judgement: &mut Judgement<'_>,
    channel: Channel,
    start: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let mut candidate = start;
    let mut movers: Vec<(&Rule, &'static str)> = Vec::new();
    for _ in 0..SLOT_SEARCH_STEPS_MAX {
        let blocked = blocked_by_day(judgement, candidate)
            .or_else(|| blocked_by_hours(judgement, channel, candidate))
            .or_else(|| blocked_by_frequency(judgement, channel, candidate));
        match blocked {
            None => {
                record_slot_reasons(judgement, channel, candidate, &movers);
                return Some(candidate);
            }
            Some(blocked) => {
                debug_assert!(blocked.next > candidate, "every move goes forward");
                if !movers.iter().any(|(rule, _)| rule.id == blocked.rule.id) {
                    movers.push((blocked.rule, blocked.key));
                }
                candidate = blocked.next;
            }
        }
    }
    None
}

fn record_slot_reasons(
    judgement: &mut Judgement<'_>,
    channel: Channel,
    slot: DateTime<Utc>,
    movers: &[(&Rule, &'static str)],
) {
    let when = local_text(slot, judgement.case.time_zone);
    for (rule, key) in movers {
        judgement.changed(rule, key, vec![("at", when.clone())]);
    }
    // The hour window that bound the contact, so the customer sees which rule allowed it.
    if movers.is_empty() && channel != Channel::Letter {
        let date = slot.with_timezone(&judgement.case.time_zone).date_naive();
        if let Some(rule) = judgement.rules(Parameter::ContactHours, date).next() {
            judgement.applied(rule, "contact.within_hours", vec![("at", when)]);
        }
    }
}

/// A local civil time on a date as an instant; in a spring-forward gap, the first valid
/// instant after it.
fn instant_at(judgement: &Judgement<'_>, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let zone = judgement.case.time_zone;
    let local = date.and_time(time);
    match zone.from_local_datetime(&local).earliest() {
        Some(instant) => instant.with_timezone(&Utc),
        None => zone
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map_or_else(|| local.and_utc(), |instant| instant.with_timezone(&Utc)),
    }
}

fn next_day_start(judgement: &Judgement<'_>, date: NaiveDate) -> DateTime<Utc> {
    instant_at(judgement, date + Duration::days(1), NaiveTime::MIN)
}

fn blocked_by_day<'g>(judgement: &Judgement<'g>, at: DateTime<Utc>) -> Option<Blocked<'g>> {
    let date = at.with_timezone(&judgement.case.time_zone).date_naive();
    let kind = judgement
        .gate
        .calendars
        .kind_of(judgement.case.market.as_str(), date)?;
    let (parameter, key) = match kind {
        DayKind::PublicHoliday => (Parameter::ContactNoPublicHolidays, "contact.moved_holiday"),
        DayKind::NoContactDay => (Parameter::ContactNoHouseDays, "contact.moved_house_day"),
    };
    let rule = judgement
        .rules(parameter, date)
        .find(|rule| matches!(rule.value, Value::Flag(true)))?;
    Some(Blocked {
        rule,
        key,
        next: next_day_start(judgement, date),
    })
}

/// The intersection of every hour window in force for the day; None when closed.
fn window_on<'g>(
    judgement: &Judgement<'g>,
    date: NaiveDate,
) -> Result<Option<(NaiveTime, NaiveTime)>, &'g Rule> {
    let mut window: Option<(NaiveTime, NaiveTime)> = Some((
        NaiveTime::MIN,
        NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
    ));
    for rule in judgement.rules(Parameter::ContactHours, date) {
        let Value::Hours(hours) = &rule.value else {
            continue;
        };
        match (window, hours.on(date.weekday())) {
            (Some((start, end)), Some((rule_start, rule_end))) => {
                let narrowed = (start.max(rule_start), end.min(rule_end));
                if narrowed.0 >= narrowed.1 {
                    return Err(rule);
                }
                window = Some(narrowed);
            }
            _ => return Err(rule),
        }
    }
    Ok(window)
}

fn blocked_by_hours<'g>(
    judgement: &Judgement<'g>,
    channel: Channel,
    at: DateTime<Utc>,
) -> Option<Blocked<'g>> {
    let local = at.with_timezone(&judgement.case.time_zone);
    let date = local.date_naive();
    let (start, end) = match window_on(judgement, date) {
        Ok(Some(window)) => window,
        Ok(None) => return None,
        Err(closing) => {
            return Some(Blocked {
                rule: closing,
                key: "contact.moved_hours",
                next: next_day_start(judgement, date),
            });
        }
    };
    // A letter's time of day is nobody's to choose, but a closed day is closed to it too.
    if channel == Channel::Letter {
        return None;
    }
    let time = local.time();
    if time >= start && time < end {
        return None;
    }
    let binding = binding_hours_rule(judgement, date, time, start, end)?;
    let next = if time < start {
        instant_at(judgement, date, start)
    } else {
        next_day_start(judgement, date)
    };
    Some(Blocked {
        rule: binding,
        key: "contact.moved_hours",
        next,
    })
}

/// The rule whose window excludes `time` (law first, as `rules` yields it).
fn binding_hours_rule<'g>(
    judgement: &Judgement<'g>,
    date: NaiveDate,
    time: NaiveTime,
    start: NaiveTime,
    end: NaiveTime,
) -> Option<&'g Rule> {
    let mut rules = judgement.rules(Parameter::ContactHours, date);
    rules.find(|rule| match &rule.value {
        Value::Hours(hours) => hours
            .on(date.weekday())
            .is_none_or(|(rule_start, rule_end)| {
                (time < start && rule_start == start)
                    || (time >= end && rule_end == end)
                    || time < rule_start
                    || time >= rule_end
            }),
        _ => false,
    })
}

fn blocked_by_frequency<'g>(
    judgement: &Judgement<'g>,
    channel: Channel,
    at: DateTime<Utc>,
) -> Option<Blocked<'g>> {
    let date = at.with_timezone(&judgement.case.time_zone).date_naive();
    for rule in judgement.rules(Parameter::ContactFrequency, date) {
        let Value::Frequency {
            count,
            window_days,
            channels,
        } = &rule.value
        else {
            continue;
        };
        if !channels.contains(&channel) {
            continue;
        }
        let window = Duration::days(i64::from(*window_days));
        let mut in_window: Vec<DateTime<Utc>> = judgement
            .case
            .contact_history
            .iter()
            .filter(|record| {
                channels.contains(&record.channel) && record.at > at - window && record.at <= at
            })
            .map(|record| record.at)
            .collect();
        let allowed = usize::try_from(*count).unwrap_or(usize::MAX);
        if in_window.len() < allowed {
            continue;
        }
        // The attempt that must leave the window before another fits; then try just after.
        in_window.sort_unstable();
        let leaving = in_window[in_window.len() - allowed];
        let next = (leaving + window + Duration::seconds(1)).max(at + Duration::seconds(1));
        return Some(Blocked {
            rule,
            key: "contact.moved_frequency",
            next,
        });
    }
    None
}
