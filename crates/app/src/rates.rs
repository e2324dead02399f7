//! Published late-payment rates: a compliance officer records a half-year's statutory rate
//! from its notice (`reilu rules add-rate`) without editing a pack; the store keeps it with a
//! journal entry; every App built by the command line merges the recorded rates into its
//! gate's rule book as law rules ([`App::with_published_rates`]), so the gate accrues with
//! them. A listing of every late rate, packs' and published, and the warning of a coming day
//! without one are here too.

use std::sync::Arc;

use chrono::NaiveDate;
use reilu_core::MarketCode;
use reilu_rules::Gate;
use reilu_rules::pack::{
    AppliesTo, Confidence, Parameter, PublishedRate, RATE_WARNING_DAYS, RateGap, RuleBook, Source,
    Value, late_rate_gaps, parse_rate_percent,
};
use reilu_store::{NewPublishedRate, PublishedRateRow, Store, StoreError};
use serde::Serialize;

use crate::{App, AppError, AppResult};

/// A rate as an officer enters it.
#[derive(Debug, Clone)]
pub struct AddRate<'a> {
    pub market: &'a str,
    /// `consumer`, `business` or `all`.
    pub applies_to: &'a str,
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    /// A yearly percentage, e.g. `9.50`.
    pub percent: &'a str,
    pub citation: &'a str,
    pub by: &'a str,
}

/// One late rate of a market, from a pack or published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateListing {
    pub market: String,
    pub applies_to: &'static str,
    pub effective_from: NaiveDate,
    /// Inclusive; None while in force with no end.
    pub effective_to: Option<NaiveDate>,
    /// `9.50`.
    pub percent: String,
    pub rate_bp: u32,
    /// The rule id the gate cites.
    pub rule_id: String,
    pub citation: String,
    /// `high`, or `confirm` where the pack's authors could not check the primary source.
    pub confidence: Confidence,
    /// `pack` or `published`.
    pub source: &'static str,
    /// Who recorded a published rate.
    pub recorded_by: Option<String>,
}

/// A published rate once recorded, with its journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateAdded {
    #[serde(flatten)]
    pub rate: RateListing,
    pub journal_seq: i64,
}

impl<S: Store> App<S> {
    /// This App with every rate the store holds merged into its gate's rule book. A recorded
    /// rate that no longer fits the packs (a pack released since then encodes the same
    /// half-year, or the market's law was withdrawn) is left out with a warning in the log:
    /// the reviewed pack wins, and one stale row must not stop the platform from starting.
    pub async fn with_published_rates(mut self) -> AppResult<Self> {
        let rows = self.store.published_rates().await?;
        if rows.is_empty() {
            return Ok(self);
        }
        let book = merge_published(self.gate.book().clone(), &rows)?;
        let gate = Gate::new(book).map_err(|error| AppError::Invalid(error.to_string()))?;
        self.gate = Arc::new(gate);
        Ok(self)
    }

    /// Records a published rate after checking it against this App's rule book (the packs
    /// and the rates recorded when the App was built; the store checks again, under its lock,
    /// against rates recorded since).
    pub async fn add_published_rate(&self, input: &AddRate<'_>) -> AppResult<RateAdded> {
        let rate = self.published_rate(input)?;
        self.gate
            .book()
            .check_published_rate(&rate)
            .map_err(|error| AppError::Invalid(error.to_string()))?;
        let new = NewPublishedRate {
            id: rate.rule_id(),
            market: rate.market.to_string(),
            applies_to: rate.applies_to.as_str().to_owned(),
            effective_from: rate.effective_from.to_string(),
            effective_to: rate.effective_to.to_string(),
            rate_bp: i64::from(rate.rate_bp),
            citation: rate.citation.trim().to_owned(),
            recorded_by: rate.recorded_by.trim().to_owned(),
        };
        let journal_seq = self
            .store
            .insert_published_rate(&new, self.now_ms())
            .await
            .map_err(|error| match error {
                StoreError::Conflict(message) => AppError::Invalid(message),
                other => AppError::Store(other),
            })?;
        Ok(RateAdded {
            rate: published_listing(&rate, &new.citation, &new.recorded_by),
            journal_seq,
        })
    }

    fn published_rate(&self, input: &AddRate<'_>) -> AppResult<PublishedRate> {
        let invalid = |message: String| AppError::Invalid(message);
        let code = input.market.trim().to_ascii_uppercase();
        let market = self
            .markets
            .get(&code)
            .map_err(|error| invalid(error.to_string()))?;
        let applies_to = AppliesTo::parse(input.applies_to).ok_or_else(|| {
            invalid(format!(
                "'{}' is not consumer, business or all",
                input.applies_to
            ))
        })?;
        let rate_bp = parse_rate_percent(input.percent).map_err(|e| invalid(e.to_string()))?;
        Ok(PublishedRate {
            market: market.code,
            applies_to,
            effective_from: input.from,
            effective_to: input.to,
            rate_bp,
            citation: input.citation.trim().to_owned(),
            recorded_by: input.by.trim().to_owned(),
        })
    }

    /// Every late rate, packs' and published, of one market or all, by market, start and
    /// customer kind.
    pub async fn late_rates(&self, market: Option<&str>) -> AppResult<Vec<RateListing>> {
        let wanted = market
            .map(|code| MarketCode::parse(&code.trim().to_ascii_uppercase()))
            .transpose()
            .map_err(|error| AppError::Invalid(error.to_string()))?;
        let book = self.gate.book();
        let mut listings: Vec<RateListing> = book
            .market_packs()
            .filter(|(code, _)| wanted.is_none_or(|wanted| wanted == **code))
            .flat_map(|(code, pack)| pack.rules.iter().map(move |rule| (*code, rule)))
            .filter_map(|(code, rule)| pack_listing(code, rule))
            .collect();
        for row in self.store.published_rates().await? {
            if wanted.is_none_or(|wanted| wanted.as_str() == row.rate.market) {
                listings.push(row_listing(&row)?);
            }
        }
        listings.sort_by(|a, b| {
            (&a.market, a.effective_from, a.applies_to).cmp(&(
                &b.market,
                b.effective_from,
                b.applies_to,
            ))
        });
        Ok(listings)
    }

    /// Markets and customer kinds whose late rates run out within 30 days of `today`, or
    /// have run out, in this App's rule book.
    pub fn rate_warnings(&self, today: NaiveDate) -> Vec<RateGap> {
        late_rate_gaps(self.gate.book(), today, RATE_WARNING_DAYS)
    }
}

/// The book with the recorded rates that fit it; those that no longer do are logged and left
/// out (see [`App::with_published_rates`]).
pub fn merge_published(mut book: RuleBook, rows: &[PublishedRateRow]) -> AppResult<RuleBook> {
    for row in rows {
        let rate = rate_from_row(row)?;
        if let Err(error) = book.check_published_rate(&rate) {
            tracing::warn!(rate = %row.rate.id, %error, "a published late rate is left out");
            continue;
        }
        book = book
            .with_published_rates(vec![rate])
            .map_err(|error| AppError::Invalid(error.to_string()))?;
    }
    Ok(book)
}

fn rate_from_row(row: &PublishedRateRow) -> AppResult<PublishedRate> {
    let corrupt = |what: &str| {
        AppError::Store(StoreError::Corrupt(format!(
            "published rate {}: {what}",
            row.rate.id
        )))
    };
    let date = |text: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| corrupt("a date is not YYYY-MM-DD"))
    };
    Ok(PublishedRate {
        market: MarketCode::parse(&row.rate.market).map_err(|_| corrupt("market"))?,
        applies_to: AppliesTo::parse(&row.rate.applies_to).ok_or_else(|| corrupt("applies_to"))?,
        effective_from: date(&row.rate.effective_from)?,
        effective_to: date(&row.rate.effective_to)?,
        rate_bp: u32::try_from(row.rate.rate_bp).map_err(|_| corrupt("rate"))?,
        citation: row.rate.citation.clone(),
        recorded_by: row.rate.recorded_by.clone(),
    })
}

fn row_listing(row: &PublishedRateRow) -> AppResult<RateListing> {
    let rate = rate_from_row(row)?;
    Ok(published_listing(
        &rate,
        &row.rate.citation,
        &row.rate.recorded_by,
    ))
}

fn published_listing(rate: &PublishedRate, citation: &str, by: &str) -> RateListing {
    RateListing {
        market: rate.market.to_string(),
        applies_to: rate.applies_to.as_str(),
        effective_from: rate.effective_from,
        effective_to: Some(rate.effective_to),
        percent: percent_text(rate.rate_bp),
        rate_bp: rate.rate_bp,
        rule_id: rate.rule_id(),
        citation: citation.to_owned(),
        confidence: Confidence::High,
        source: "published",
        recorded_by: Some(by.to_owned()),
    }
}

fn pack_listing(market: MarketCode, rule: &reilu_rules::pack::Rule) -> Option<RateListing> {
    let Value::Percent(rate_bp) = rule.value else {
        return None;
    };
    (rule.parameter == Parameter::InterestLateRate && rule.source == Source::Law).then(|| {
        RateListing {
            market: market.to_string(),
            applies_to: rule.applies_to.as_str(),
            effective_from: rule.effective_from,
            effective_to: rule.effective_to,
            percent: percent_text(rate_bp),
            rate_bp,
            rule_id: rule.id.to_string(),
            citation: rule.citation.to_string(),
            confidence: rule.confidence,
            source: "pack",
            recorded_by: None,
        }
    })
}

/// 950 → "9.50".
fn percent_text(bp: u32) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}
