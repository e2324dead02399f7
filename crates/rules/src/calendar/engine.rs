//! The one engine that turns a market's rule table into the days of a year.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::DayKind;
use super::easter::{easter_sunday_gregorian, easter_sunday_orthodox};
use super::rule::{Rule, Shift, Substitute, Trigger, When};

/// One computed day, before same-date entries are merged for the public API. Names are
/// `'static` (they live in the rule tables), so look-ups never allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Day {
    pub(crate) date: NaiveDate,
    pub(crate) name: &'static str,
    pub(crate) kind: DayKind,
}

/// Public holidays sort before house days on the same date; the public API keeps only the
/// public entry for such a date.
pub(crate) const fn rank(kind: DayKind) -> u8 {
    match kind {
        DayKind::PublicHoliday => 0,
        DayKind::NoContactDay => 1,
    }
}

/// Every day the rules give in `year`, sorted by (date, kind), rule order kept within a
/// date; a date may carry several entries. Days that a shift or substitute would push into
/// another year are dropped (none of the tables produces one: no substitutable holiday
/// falls late enough in December).
pub(crate) fn evaluate(rules: &[Rule], year: i32) -> Vec<Day> {
    let mut days: Vec<Day> = Vec::with_capacity(rules.len() + 4);
    // Two phases: statutory holidays and their substitutes first, so that a house day can
    // never push a statutory substitute to a later date; then house days, whose substitutes
    // avoid every day already placed.
    for kind in [DayKind::PublicHoliday, DayKind::NoContactDay] {
        for rule in rules.iter().filter(|r| r.kind == kind && r.applies(year)) {
            if let Some(date) = date_of(rule, year) {
                days.push(Day {
                    date,
                    name: rule.name,
                    kind,
                });
            }
        }
        place_substitutes(rules, year, kind, &mut days);
    }
    days.retain(|d| d.date.year() == year);
    days.sort_by_key(|d| (d.date, rank(d.kind)));
    days
}

/// The date a rule gives in `year`, after its shift; `None` if the rule names a date that
/// does not exist (never for the shipped tables).
pub(crate) fn date_of(rule: &Rule, year: i32) -> Option<NaiveDate> {
    let date = base_date(rule.when, year)?;
    match rule.shift {
        Shift::None => Some(date),
        Shift::SundayToSaturday if date.weekday() == Weekday::Sun => date.pred_opt(),
        Shift::SundayToSaturday => Some(date),
    }
}

fn base_date(when: When, year: i32) -> Option<NaiveDate> {
    match when {
        When::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
        When::Easter(offset) => add_days(easter_sunday_gregorian(year)?, offset),
        When::Orthodox(offset) => add_days(easter_sunday_orthodox(year)?, offset),
        When::OnOrAfter {
            month,
            day,
            weekday,
        } => on_or_after(NaiveDate::from_ymd_opt(year, month, day)?, weekday),
        When::Last { month, weekday } => {
            let next_month = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(year, month + 1, 1)?
            };
            // The last `weekday` of the month is the first one on or after the 7th-last day.
            on_or_after(next_month.checked_sub_days(Days::new(7))?, weekday)
        }
        When::FridayOrMonday { month, day } => {
            let date = NaiveDate::from_ymd_opt(year, month, day)?;
            if date.weekday() == Weekday::Fri {
                Some(date)
            } else {
                on_or_after(date, Weekday::Mon)
            }
        }
    }
}

fn add_days(date: NaiveDate, offset: i64) -> Option<NaiveDate> {
    let magnitude = Days::new(offset.unsigned_abs());
    if offset >= 0 {
        date.checked_add_days(magnitude)
    } else {
        date.checked_sub_days(magnitude)
    }
}

fn on_or_after(date: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let ahead = (7 + weekday.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
    date.checked_add_days(Days::new(u64::from(ahead)))
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Adds the substitute days of `kind` owed in `year`, in order of the original dates.
fn place_substitutes(rules: &[Rule], year: i32, kind: DayKind, days: &mut Vec<Day>) {
    let mut owed: Vec<(NaiveDate, Substitute)> = rules
        .iter()
        .filter(|r| r.applies(year))
        .filter_map(|r| {
            let sub = r.substitute.filter(|s| s.kind == kind && s.from <= year)?;
            Some((date_of(r, year)?, sub))
        })
        .collect();
    owed.sort_by_key(|(date, _)| *date);
    for (date, sub) in owed {
        let taken = days.iter().filter(|d| d.date == date).count() > 1;
        let due = match sub.trigger {
            Trigger::Weekend => is_weekend(date),
            Trigger::Sunday => date.weekday() == Weekday::Sun,
            Trigger::WeekendOrTaken => is_weekend(date) || taken,
        };
        if !due {
            continue;
        }
        let mut candidate = date.succ_opt();
        while let Some(d) = candidate {
            if !is_weekend(d) && !days.iter().any(|x| x.date == d) {
                break;
            }
            candidate = d.succ_opt();
        }
        if let Some(date) = candidate {
            days.push(Day {
                date,
                name: sub.name,
                kind: sub.kind,
            });
        }
    }
}
