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
    Ok(merge(&engine::evaluate(markets::MARKETS[index].1, year)))
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
