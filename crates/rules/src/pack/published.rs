//! Published late-payment rates recorded outside the packs — by a compliance officer, kept in
//! the store — and merged into the rule book as law rules, so a half-year's rate can be added
//! the day its notice is published without a new release. Each is checked against the book
//! before it is merged: the market's law must be encoded, the period must be one of the
//! periods that law fixes its rate for, the rate must be plausible, and no other late rate of
//! the same market and customer kind may cover any of its days.
//!
//! Also here: the first day a market has no late rate, for the warning given 30 days ahead.

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate};
use reilu_core::{CustomerKind, MarketCode};
use serde::Serialize;

use super::load::percent_to_bp;
use super::{AppliesTo, Confidence, Owner, PackStatus, Parameter, Rule, RuleBook, Source, Value};
use crate::model::Principle;

/// The highest late rate accepted, in basis points. Statutory late rates are a reference rate
/// plus 5 to 9 points; a figure above 25 % a year is a typing error, not a notice.
pub const PUBLISHED_RATE_BP_MAX: u32 = 2_500;
/// How far ahead a coming day without a late rate is warned of.
pub const RATE_WARNING_DAYS: i64 = 30;

/// A statutory late rate as published for one period (a central bank's or ministry's notice),
/// recorded by a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedRate {
    pub market: MarketCode,
    pub applies_to: AppliesTo,
    pub effective_from: NaiveDate,
    /// Inclusive.
    pub effective_to: NaiveDate,
    pub rate_bp: u32,
    pub citation: String,
    pub recorded_by: String,
}

impl PublishedRate {
    /// The id of the law rule it becomes; unique, as rates of a market and kind never overlap.
    pub fn rule_id(&self) -> String {
        format!(
            "PUB-{}-{}-{}",
            self.market,
            self.effective_from,
            self.applies_to.as_str()
        )
    }
}

/// Why a published rate cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishedRateError {
    #[error("{0} has no rule pack: it is not a market Reilu serves")]
    UnknownMarket(MarketCode),
    #[error(
        "the law of {0} is not encoded (house policy only): a late rate alone gives no legal basis to charge interest there"
    )]
    NotEncoded(MarketCode),
    #[error(
        "{from} to {to} is not a calendar half-year: the late rate of {market} is fixed per half-year (1 January–30 June or 1 July–31 December)"
    )]
    NotHalfYear {
        market: MarketCode,
        from: NaiveDate,
        to: NaiveDate,
    },
    #[error(
        "'{0}' is not a yearly rate from 0.01 to 25.00 with at most two decimals, e.g. \"9.50\""
    )]
    Percent(String),
    #[error("a published rate needs its citation: the notice it comes from")]
    NoCitation,
    #[error("a published rate needs the name of who records it")]
    NoRecorder,
    #[error(
        "{market} already has a late rate for {applies_to} customers from {from} to {to} ({rule_id}); rates of one market and customer kind may not overlap"
    )]
    Overlap {
        market: MarketCode,
        applies_to: &'static str,
        from: NaiveDate,
        to: String,
        rule_id: String,
    },
}

impl AppliesTo {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "all" => Some(AppliesTo::All),
            "consumer" => Some(AppliesTo::Consumer),
            "business" => Some(AppliesTo::Business),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AppliesTo::All => "all",
            AppliesTo::Consumer => "consumer",
            AppliesTo::Business => "business",
        }
    }

    fn overlaps(self, other: AppliesTo) -> bool {
        self == AppliesTo::All || other == AppliesTo::All || self == other
    }
}

/// "9.50" → 950 basis points, within the plausible range.
pub fn parse_rate_percent(text: &str) -> Result<u32, PublishedRateError> {
    match percent_to_bp(text) {
        Some(bp) if (1..=PUBLISHED_RATE_BP_MAX).contains(&bp) => Ok(bp),
        _ => Err(PublishedRateError::Percent(text.to_owned())),
    }
}

impl RuleBook {
    /// The book with these published rates added as law rules. Each is checked against the
    /// book as it stands with the ones before it, so two published rates cannot overlap either.
    pub fn with_published_rates(
        mut self,
        rates: Vec<PublishedRate>,
    ) -> Result<Self, PublishedRateError> {
        for rate in rates {
            self.check_published_rate(&rate)?;
            let rule = Rule {
                id: Arc::from(rate.rule_id()),
                parameter: Parameter::InterestLateRate,
                applies_to: rate.applies_to,
                // A published rate is the whole market's.
                jurisdictions: Vec::new(),
                principle: Principle::ProportionateCosts,
                citation: Arc::from(rate.citation.trim()),
                effective_from: rate.effective_from,
                effective_to: Some(rate.effective_to),
                // The officer records the figure from the published notice itself.
                confidence: Confidence::High,
                source: Source::Law,
                value: Value::Percent(rate.rate_bp),
                line: 0,
            };
            self.index
                .entry((Owner::Market(rate.market), Parameter::InterestLateRate))
                .or_default()
                .push(Arc::new(rule));
        }
        Ok(self)
    }

    /// Whether `rate` could be added to this book, and why not.
    pub fn check_published_rate(&self, rate: &PublishedRate) -> Result<(), PublishedRateError> {
        let pack = self
            .market_pack(rate.market)
            .ok_or(PublishedRateError::UnknownMarket(rate.market))?;
        if pack.status != PackStatus::Encoded {
            return Err(PublishedRateError::NotEncoded(rate.market));
        }
        if !is_calendar_half_year(rate.effective_from, rate.effective_to) {
            return Err(PublishedRateError::NotHalfYear {
                market: rate.market,
                from: rate.effective_from,
                to: rate.effective_to,
            });
        }
        if !(1..=PUBLISHED_RATE_BP_MAX).contains(&rate.rate_bp) {
            let text = format!("{}.{:02}", rate.rate_bp / 100, rate.rate_bp % 100);
            return Err(PublishedRateError::Percent(text));
        }
        if rate.citation.trim().is_empty() {
            return Err(PublishedRateError::NoCitation);
        }
        if rate.recorded_by.trim().is_empty() {
            return Err(PublishedRateError::NoRecorder);
        }
        match self.overlapping_late_rate(rate) {
            Some(rule) => Err(PublishedRateError::Overlap {
                market: rate.market,
                applies_to: rule.applies_to.as_str(),
                from: rule.effective_from,
                to: rule
                    .effective_to
                    .map_or_else(|| "(open)".to_owned(), |to| to.to_string()),
                rule_id: rule.id.to_string(),
            }),
            None => Ok(()),
        }
    }

    /// A law late-rate rule of the market, from a pack or published, that shares a day and a
    /// customer kind with `rate`.
    fn overlapping_late_rate(&self, rate: &PublishedRate) -> Option<&Rule> {
        self.index
            .get(&(Owner::Market(rate.market), Parameter::InterestLateRate))?
            .iter()
            .map(Arc::as_ref)
            .find(|rule| {
                rule.source == Source::Law
                    && rule.applies_to.overlaps(rate.applies_to)
                    && rule.effective_from <= rate.effective_to
                    && rule.effective_to.is_none_or(|to| rate.effective_from <= to)
            })
    }
}

/// The law of every encoded market fixes its late rate per calendar half-year (Korkolaki § 12,
/// räntelagen 9 §, forsinkelsesrenteloven § 3, renteloven § 5, BGB § 247, BW 6:120), so a
/// published rate covers exactly one.
pub fn is_calendar_half_year(from: NaiveDate, to: NaiveDate) -> bool {
    let first_half = from.month() == 1 && (to.month(), to.day()) == (6, 30);
    let second_half = from.month() == 7 && (to.month(), to.day()) == (12, 31);
    from.day() == 1 && from.year() == to.year() && (first_half || second_half)
}

/// A market and customer kind whose late rate runs out soon, or has run out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateGap {
    pub market: MarketCode,
    pub customer_kind: CustomerKind,
    /// The first day, from the market's earliest encoded rate on, that has no late rate.
    pub first_day_without_rate: NaiveDate,
    /// Negative when the day has passed.
    pub days_from_today: i64,
}

/// The first day without a law late rate for a market's customers of a kind, counted from
/// the first day any rate is encoded (earlier days are before the law was encoded, not a
/// gap); None when the market has no late rate at all (its law charges none, or is not
/// encoded) or its rates run with no end.
pub fn first_day_without_late_rate(
    book: &RuleBook,
    market: MarketCode,
    kind: CustomerKind,
) -> Option<NaiveDate> {
    let rules: Vec<&Rule> = book
        .rules_any_date(market, kind, Parameter::InterestLateRate)
        .filter(|rule| rule.source == Source::Law && matches!(rule.value, Value::Percent(_)))
        .collect();
    let mut day = rules.iter().map(|rule| rule.effective_from).min()?;
    loop {
        // Of the rules in force on `day`, the one that lasts longest; None if there is none.
        let covering = rules
            .iter()
            .filter(|rule| rule.in_force_on(day))
            .map(|rule| rule.effective_to)
            .max_by_key(|to| to.unwrap_or(NaiveDate::MAX));
        match covering {
            None => return Some(day),
            Some(None) => return None,
            Some(Some(last)) => day = last.succ_opt()?,
        }
    }
}

/// Every encoded market and customer kind whose first day without a late rate is at most
/// `within_days` after `today` (or already past), by market then kind.
pub fn late_rate_gaps(book: &RuleBook, today: NaiveDate, within_days: i64) -> Vec<RateGap> {
    let mut markets: Vec<MarketCode> = book
        .market_packs()
        .filter(|(_, pack)| pack.status == PackStatus::Encoded)
        .map(|(code, _)| *code)
        .collect();
    markets.sort_unstable();
    let horizon = today + Duration::days(within_days);
    let mut gaps = Vec::new();
    for market in markets {
        for kind in [CustomerKind::Consumer, CustomerKind::Business] {
            let Some(day) = first_day_without_late_rate(book, market, kind) else {
                continue;
            };
            if day <= horizon {
                gaps.push(RateGap {
                    market,
                    customer_kind: kind,
                    first_day_without_rate: day,
                    days_from_today: (day - today).num_days(),
                });
            }
        }
    }
    gaps
}
