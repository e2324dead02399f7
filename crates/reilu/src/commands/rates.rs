//! `reilu rules add-rate | rates`: published late-payment rates, for compliance officers; and
//! the rule book "at hand" that `rules check` and `rules explain` decide with.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use reilu_app::rates::{AddRate, RateListing, merge_published};
use reilu_core::Markets;
use reilu_rules::pack::{RATE_WARNING_DAYS, RateGap, RuleBook, late_rate_gaps};
use reilu_store::{SqlStore, Store};

use crate::commands::print_json;
use crate::commands::rules::load_book;
use crate::context::{DATABASE_FILE_NAME, Target, open_app};

#[derive(Args)]
pub struct AddRateArgs {
    /// The market, e.g. FI.
    #[arg(long)]
    market: String,
    /// Which customers the rate is for.
    #[arg(long, value_enum)]
    applies_to: AppliesToArg,
    /// The first day: 1 January or 1 July (the law fixes the rate per half-year).
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: NaiveDate,
    /// The last day, inclusive: 30 June or 31 December.
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: NaiveDate,
    /// The yearly rate in percent, at most two decimals, e.g. 9.50.
    #[arg(long)]
    percent: String,
    /// The notice the rate is published in (decisions cite it).
    #[arg(long)]
    citation: String,
    /// Who records the rate (journaled).
    #[arg(long, value_name = "NAME")]
    by: String,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum AppliesToArg {
    Consumer,
    Business,
    All,
}

impl AppliesToArg {
    fn as_str(self) -> &'static str {
        match self {
            AppliesToArg::Consumer => "consumer",
            AppliesToArg::Business => "business",
            AppliesToArg::All => "all",
        }
    }
}

#[derive(Args)]
pub struct RatesArgs {
    /// Only this market's rates.
    #[arg(long)]
    market: Option<String>,
    #[arg(long)]
    json: bool,
}

pub async fn add_rate(target: &Target, args: AddRateArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let input = AddRate {
        market: &args.market,
        applies_to: args.applies_to.as_str(),
        from: args.from,
        to: args.to,
        percent: &args.percent,
        citation: &args.citation,
        by: &args.by,
    };
    let added = app.add_published_rate(&input).await?;
    if args.json {
        print_json(&added)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rate = &added.rate;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Recorded {}: {} {} customers, {} to {}, {} % a year (journal entry {}).",
        rate.rule_id,
        rate.market,
        rate.applies_to,
        rate.effective_from,
        rate.effective_to
            .map(|to| to.to_string())
            .unwrap_or_default(),
        rate.percent,
        added.journal_seq
    )?;
    writeln!(out, "  citation: {}", rate.citation)?;
    writeln!(
        out,
        "  The gate uses it from the next command on; a running `reilu serve` after a restart."
    )?;
    Ok(ExitCode::SUCCESS)
}

pub async fn rates(target: &Target, args: RatesArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let listed = app.late_rates(args.market.as_deref()).await?;
    if args.json {
        print_json(&listed)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    for rate in &listed {
        writeln!(out, "{}", listing_line(rate))?;
    }
    let gaps = app.rate_warnings(chrono::Utc::now().date_naive());
    for gap in &gaps {
        writeln!(out, "warning: {}", gap_text(gap))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn listing_line(rate: &RateListing) -> String {
    let to = rate
        .effective_to
        .map_or_else(|| "(open)".to_owned(), |to| to.to_string());
    let confidence = serde_json::to_value(rate.confidence)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    let by = rate
        .recorded_by
        .as_deref()
        .map(|by| format!(", recorded by {by}"))
        .unwrap_or_default();
    format!(
        "{} {:<8} {} – {:<10} {:>6} %  {} ({}, {}{by})  {}",
        rate.market,
        rate.applies_to,
        rate.effective_from,
        to,
        rate.percent,
        rate.rule_id,
        rate.source,
        confidence,
        rate.citation
    )
}

/// `FI consumer: no late-payment rate from 2026-07-01 (159 days ago)`.
pub fn gap_text(gap: &RateGap) -> String {
    let when = match gap.days_from_today {
        0 => "today".to_owned(),
        days if days < 0 => format!("{} days ago", -days),
        days => format!("in {days} days"),
    };
    format!(
        "{} {}: no late-payment rate from {} ({when}); interest stops there until one is recorded (`reilu rules add-rate`)",
        gap.market,
        gap.customer_kind.as_str(),
        gap.first_day_without_rate
    )
}

/// The coming (or past) days without a late rate, per market, as of `today`.
pub fn gaps_by_market(book: &RuleBook, today: NaiveDate) -> BTreeMap<String, Vec<RateGap>> {
    let mut by_market: BTreeMap<String, Vec<RateGap>> = BTreeMap::new();
    for gap in late_rate_gaps(book, today, RATE_WARNING_DAYS) {
        by_market
            .entry(gap.market.to_string())
            .or_default()
            .push(gap);
    }
    by_market
}

/// The rule book `rules check` and `rules explain` decide with: the packs, and the published
/// rates of the store when one is at hand — a `--database-url`, or the SQLite file in
/// `--data` — so that they see what the gate of every other command sees. Without a store, the
/// packs alone (no store is created for it).
pub async fn book_at_hand(target: &Target, markets: &Markets) -> anyhow::Result<RuleBook> {
    let book = load_book(target, markets)?;
    let has_url = target
        .database_url
        .as_deref()
        .is_some_and(|url| !url.trim().is_empty());
    if !has_url && !target.data.join(DATABASE_FILE_NAME).exists() {
        return Ok(book);
    }
    let url = target.database_url();
    let journal_key = crate::context::master_key(&target.data)?.journal_key();
    let store = SqlStore::connect(&url, journal_key)
        .await
        .with_context(|| format!("the store at {}", reilu_store::redact_url(&url)))?;
    let rows = store.published_rates().await;
    store.close().await;
    Ok(merge_published(book, &rows?)?)
}
