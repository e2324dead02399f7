//! Public holidays and the house's no-contact days per market, computed for any year.
//!
//! Nothing here is a table of dates: each market is a table of rule descriptors
//! (`markets/`) — fixed date, Easter offset, weekday-on-or-after, last weekday, with the
//! years each is in force and how a weekend moves or replaces it — and one engine
//! (`engine.rs`) interprets them. Only genuine one-off days (royal events, anniversaries,
//! days moved by a one-off act) are single-year rules.
//!
//! Two kinds of day: [`DayKind::PublicHoliday`] is the market's national statutory public
//! holiday; [`DayKind::NoContactDay`] is house policy (see `markets/mod.rs` for the list
//! and the reasons): Reilu does not contact customers on either.

mod decrees;
mod easter;
mod engine;
mod lookup;
mod markets;
mod rule;

pub use easter::{easter_sunday_gregorian, easter_sunday_orthodox};
pub use lookup::Calendars;

use chrono::NaiveDate;

use engine::Day;

/// The first year the calendars are maintained for.
pub const YEAR_MIN: i32 = 1990;
/// The last year the calendars are maintained for.
pub const YEAR_MAX: i32 = 2100;

/// What kind of day a holiday is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A national statutory public holiday.
    PublicHoliday,
    /// Not a national public holiday, but the house never contacts customers on it.
    NoContactDay,
}

/// One holiday or no-contact day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    /// English name; two feasts of the same kind on one date are joined with "; ".
    pub name: String,
    pub kind: DayKind,
}

/// Why a calendar cannot be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("unknown market {0:?}: calendars exist for {markets}", markets = markets_list())]
    UnknownMarket(String),
    #[error("year {0} is outside the supported {YEAR_MIN}..={YEAR_MAX}")]
    YearOutOfRange(i32),
}

/// The supported market codes, in alphabetical order.
pub fn markets() -> impl Iterator<Item = &'static str> {
    markets::MARKETS.iter().map(|(code, _)| *code)
}

fn markets_list() -> String {
    markets().collect::<Vec<_>>().join(" ")
}

/// Every holiday and no-contact day of the market in the year, sorted by date. A date that
/// is both a public holiday and a house day is listed once, as public holiday; two feasts
/// of the same kind on one date are one entry with both names.
pub fn holidays(market: &str, year: i32) -> Result<Vec<Holiday>, CalendarError> {
    let index = market_index(market)?;
    check_year(year)?;
    Ok(merge(&market_days(index, year)))
}

/// The name of a weekday a decree made a rest day.
const DECREED_REST_DAY: &str = "Rest day by decree (a Saturday is worked instead)";

/// The engine's days of the market in `year` with the decreed rest days among them, as house
/// no-contact days (see `decrees.rs` for why), sorted as `engine::evaluate` sorts.
fn market_days(index: usize, year: i32) -> Vec<Day> {
    let (code, rules) = markets::MARKETS[index];
    let mut days = engine::evaluate(rules, year);
    let decreed = decrees::of_market(code)
        .iter()
        .filter(|decree| decree.year == year)
        .flat_map(|decree| decree.moves.iter())
        .filter_map(|moved| NaiveDate::from_ymd_opt(year, moved.rest.0, moved.rest.1));
    days.extend(decreed.map(|date| Day {
        date,
        name: DECREED_REST_DAY,
        kind: DayKind::NoContactDay,
    }));
    days.sort_by_key(|day| (day.date, engine::rank(day.kind)));
    days
}

/// What is known of a market's working days moved by decree in a year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecreedDays {
    /// The first and last year whose decrees are encoded.
    pub known_from: i32,
    pub known_until: i32,
    /// Whether the year's decree is known (within `known_from..=known_until`).
    pub known: bool,
    /// The decree or order, when known.
    pub source: Option<&'static str>,
    /// Weekdays made rest days (no-contact days).
    pub rest_days: Vec<NaiveDate>,
    /// Saturdays made working days (contact as on any Saturday).
    pub working_saturdays: Vec<NaiveDate>,
}

/// The decreed days of `market` in `year`; None for a market whose working days are not moved
/// by decree (all but HU and LV).
pub fn decreed_days(market: &str, year: i32) -> Result<Option<DecreedDays>, CalendarError> {
    market_index(market)?;
    check_year(year)?;
    let decrees = decrees::of_market(market);
    let (Some(first), Some(last)) = (decrees.first(), decrees.last()) else {
        return Ok(None);
    };
    let decree = decrees.iter().find(|decree| decree.year == year);
    let dates = |pick: fn(&decrees::Move) -> (u32, u32)| -> Vec<NaiveDate> {
        decree
            .iter()
            .flat_map(|decree| decree.moves.iter())
            .filter_map(|moved| {
                let (month, day) = pick(moved);
                NaiveDate::from_ymd_opt(year, month, day)
            })
            .collect()
    };
    Ok(Some(DecreedDays {
        known_from: first.year,
        known_until: last.year,
        known: decree.is_some(),
        source: decree.map(|decree| decree.source),
        rest_days: dates(|moved| moved.rest),
        working_saturdays: dates(|moved| moved.worked),
    }))
}

fn market_index(market: &str) -> Result<usize, CalendarError> {
    markets::market_index(market).ok_or_else(|| CalendarError::UnknownMarket(market.to_owned()))
}

fn check_year(year: i32) -> Result<(), CalendarError> {
    if (YEAR_MIN..=YEAR_MAX).contains(&year) {
        Ok(())
    } else {
        Err(CalendarError::YearOutOfRange(year))
    }
}

/// Collapses the engine's sorted entries to one per date: the public entries if any (house
/// entries on that date dropped), else the house entries; names joined in rule order.
fn merge(days: &[Day]) -> Vec<Holiday> {
    let mut out: Vec<Holiday> = Vec::with_capacity(days.len());
    for day in days {
        match out.last_mut() {
            Some(prev) if prev.date == day.date => {
                // Sorted public-first: a house entry after a public one is dropped.
                if prev.kind == day.kind && !prev.name.split("; ").any(|n| n == day.name) {
                    prev.name.push_str("; ");
                    prev.name.push_str(day.name);
                }
            }
            _ => out.push(Holiday {
                date: day.date,
                name: day.name.to_owned(),
                kind: day.kind,
            }),
        }
    }
    out
}

/// The first entry of `date` in `days` (the public one when there is one).
fn first_on(days: &[Day], date: NaiveDate) -> Option<&Day> {
    days.iter().find(|d| d.date == date)
}
