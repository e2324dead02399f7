//! Pre-computed calendars for the gate: one slot per day per market, so a look-up is an
//! index computation and an array read, with no allocation.

use std::ops::RangeInclusive;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use super::engine::Day;
use super::markets::{MARKETS, market_index};
use super::{CalendarError, DayKind, check_year, first_on, market_days, merge};

/// Every market's days for a range of years, built once at start.
#[derive(Debug, Clone)]
pub struct Calendars {
    /// 1 January of the first built year: slot 0.
    start: NaiveDate,
    years: RangeInclusive<i32>,
    /// Per market (in `MARKETS` order); shared, so that a copy of the calendars (one per
    /// probe of a rule, `gate::probe`) costs nothing.
    tables: Arc<[Table]>,
}

#[derive(Debug, Clone)]
struct Table {
    /// One slot per day from `start`: 0 for an ordinary day, else 1 + index into `entries`.
    slots: Vec<u16>,
    entries: Vec<(DayKind, String)>,
}

impl Calendars {
    /// Computes every market for `years` (within 1990–2100), e.g. `2020..=2035`.
    pub fn build(years: RangeInclusive<i32>) -> Result<Self, CalendarError> {
        let (first, last) = (*years.start(), *years.end());
        check_year(first)?;
        check_year(last)?;
        if first > last {
            // An empty range is a caller's mistake; name the year that is out of order.
            return Err(CalendarError::YearOutOfRange(first));
        }
        let start =
            NaiveDate::from_ymd_opt(first, 1, 1).ok_or(CalendarError::YearOutOfRange(first))?;
        let end =
            NaiveDate::from_ymd_opt(last, 12, 31).ok_or(CalendarError::YearOutOfRange(last))?;
        let len = usize::try_from((end - start).num_days() + 1).unwrap_or(0);
        let tables = (0..MARKETS.len())
            .map(|index| {
                let mut table = Table {
                    slots: vec![0; len],
                    entries: Vec::new(),
                };
                for year in first..=last {
                    for holiday in merge(&market_days(index, year)) {
                        let offset = (holiday.date - start).num_days();
                        let Ok(slot) = usize::try_from(offset) else {
                            continue;
                        };
                        table.entries.push((holiday.kind, holiday.name));
                        // At most ~40 days a year × 111 years: always fits in a u16.
                        let id = u16::try_from(table.entries.len()).unwrap_or(u16::MAX);
                        if let Some(s) = table.slots.get_mut(slot) {
                            *s = id;
                        }
                    }
                }
                table
            })
            .collect::<Vec<Table>>()
            .into();
        Ok(Self {
            start,
            years: first..=last,
            tables,
        })
    }

    /// The years pre-computed.
    pub fn years(&self) -> RangeInclusive<i32> {
        self.years.clone()
    }

    /// What kind of day `date` is in `market` (`None`: an ordinary day, or an unknown
    /// market). Dates outside the built range are computed on the fly (correct, slower,
    /// allocating); outside 1990–2100 the rules in force at the edge are extended.
    pub fn kind_of(&self, market: &str, date: NaiveDate) -> Option<DayKind> {
        let index = market_index(market)?;
        match self.slot(index, date) {
            Some(entry) => entry.map(|(kind, _)| *kind),
            None => on_the_fly(index, date).map(|d| d.kind),
        }
    }

    /// The English name of the holiday or no-contact day on `date` in `market`. Outside
    /// the built range, a date with two feasts gives the first name only.
    pub fn name_of(&self, market: &str, date: NaiveDate) -> Option<&str> {
        let index = market_index(market)?;
        match self.slot(index, date) {
            Some(entry) => entry.map(|(_, name)| name.as_str()),
            None => on_the_fly(index, date).map(|d| d.name),
        }
    }

    /// `Some(entry)` when `date` is in the built range (`entry` is `None` on an ordinary
    /// day); `None` when it is outside.
    fn slot(&self, index: usize, date: NaiveDate) -> Option<Option<&(DayKind, String)>> {
        let table = self.tables.get(index)?;
        let offset = usize::try_from((date - self.start).num_days()).ok()?;
        let id = *table.slots.get(offset)?;
        Some(
            usize::from(id)
                .checked_sub(1)
                .and_then(|i| table.entries.get(i)),
        )
    }
}

fn on_the_fly(index: usize, date: NaiveDate) -> Option<Day> {
    MARKETS.get(index)?;
    // Years beyond the maintained range still get an answer: the open-ended rules simply
    // continue (a gate must never take a holiday for an ordinary day for lack of data).
    first_on(&market_days(index, date.year()), date).copied()
}
