//! `reilu rules calendar | explain | check`: the gate's data, for people.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use reilu_core::{CustomerKind, Markets};
use reilu_rules::calendar;
use reilu_rules::explain::{explain, explain_json};
use reilu_rules::messages::Messages;
use reilu_rules::pack::{Parameter, RateGap, RuleBook, Source};
use reilu_rules::scenario::parse_scenario;
use serde::Serialize;

use crate::commands::{print_json, rates};
use crate::context::Target;

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Public holidays and house no-contact days of a market in a year (1990–2100).
    Calendar(CalendarArgs),
    /// Decide one proposal for a described case and explain the verdict.
    Explain(ExplainArgs),
    /// Validate every pack; per market, which parameters are law, house policy, or missing.
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Record a published late-payment rate for a market's half-year, with its citation
    /// (journaled; the gate uses it from the next command on).
    AddRate(rates::AddRateArgs),
    /// Every late-payment rate, from the packs and published, per market.
    Rates(rates::RatesArgs),
}

#[derive(Args)]
pub struct CalendarArgs {
    #[arg(long)]
    market: String,
    #[arg(long)]
    year: i32,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ExplainArgs {
    /// The scenario file (see rules/README.md).
    scenario: PathBuf,
    #[arg(long)]
    json: bool,
    /// Language of the messages: fi, sv or en (default: the scenario's, else en).
    #[arg(long)]
    lang: Option<String>,
}

/// The rule packs: from `--rules DIR` if given, else the ones built in.
pub fn load_book(target: &Target, markets: &Markets) -> anyhow::Result<RuleBook> {
    match &target.rules {
        Some(dir) => RuleBook::load_dir(dir, markets)
            .with_context(|| format!("the rule packs in {}", dir.display())),
        None => Ok(RuleBook::builtin(markets)?),
    }
}

pub async fn run(target: &Target, command: RulesCommand) -> anyhow::Result<ExitCode> {
    let markets = Markets::builtin()?;
    match command {
        RulesCommand::Calendar(args) => calendar_command(&args),
        RulesCommand::Explain(args) => explain_command(
            rates::book_at_hand(target, &markets).await?,
            &markets,
            &args,
        ),
        RulesCommand::Check { json } => check_command(
            &rates::book_at_hand(target, &markets).await?,
            &markets,
            json,
        ),
        RulesCommand::AddRate(args) => rates::add_rate(target, args).await,
        RulesCommand::Rates(args) => rates::rates(target, args).await,
    }
}

fn calendar_command(args: &CalendarArgs) -> anyhow::Result<ExitCode> {
    let days = calendar::holidays(&args.market.to_ascii_uppercase(), args.year)?;
    if args.json {
        print_json(&days)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    for day in &days {
        let kind = match day.kind {
            calendar::DayKind::PublicHoliday => "public holiday",
            calendar::DayKind::NoContactDay => "no-contact day (house)",
        };
        writeln!(
            out,
            "{}  {:<10} {:<24} {}",
            day.date,
            day.date.format("%A"),
            kind,
            day.name
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn explain_command(
    book: RuleBook,
    markets: &Markets,
    args: &ExplainArgs,
) -> anyhow::Result<ExitCode> {
    let gate = reilu_rules::Gate::new(book)?;
    let messages = Messages::builtin()?;
    let text = std::fs::read_to_string(&args.scenario)
        .with_context(|| format!("cannot read {}", args.scenario.display()))?;
    let scenario = parse_scenario(&text, markets)?;
    let language = args
        .lang
        .clone()
        .or(scenario.language.clone())
        .unwrap_or_else(|| "en".into());
    if !reilu_rules::messages::LANGUAGES.contains(&language.as_str()) {
        anyhow::bail!("--lang must be one of fi, sv, en");
    }
    let outcome = gate.decide(&scenario.proposal, &scenario.case, &scenario.context);
    if args.json {
        print_json(&explain_json(&outcome.decision, &messages, &language))?;
    } else {
        write!(
            std::io::stdout().lock(),
            "{}",
            explain(&outcome.decision, &messages, &language)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize, Default)]
struct Coverage {
    status: String,
    law: Vec<String>,
    house: Vec<String>,
    missing: Vec<String>,
    unconfirmed: Vec<String>,
    /// The first day without a late rate, per customer kind, where it is within 30 days of
    /// today or past.
    late_rate_gaps: Vec<RateGap>,
}

fn check_command(book: &RuleBook, markets: &Markets, json: bool) -> anyhow::Result<ExitCode> {
    let mut gaps = rates::gaps_by_market(book, chrono::Utc::now().date_naive());
    let mut report: BTreeMap<String, Coverage> = BTreeMap::new();
    for market in markets.iter() {
        let Some(pack) = book.market_pack(market.code) else {
            continue;
        };
        let status = serde_json::to_value(pack.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut coverage = Coverage {
            status,
            unconfirmed: pack.unconfirmed.clone(),
            late_rate_gaps: gaps.remove(market.code.as_str()).unwrap_or_default(),
            ..Coverage::default()
        };
        for parameter in Parameter::all() {
            let sources: Vec<Source> = [CustomerKind::Consumer, CustomerKind::Business]
                .into_iter()
                .flat_map(|kind| {
                    pack.rules
                        .iter()
                        .chain(book.house().rules.iter())
                        .filter(move |rule| {
                            rule.parameter == parameter && rule.applies_to_kind(kind)
                        })
                        .map(|rule| rule.source)
                })
                .collect();
            let bucket = if sources.contains(&Source::Law) {
                &mut coverage.law
            } else if sources.contains(&Source::House) {
                &mut coverage.house
            } else {
                &mut coverage.missing
            };
            bucket.push(parameter.name());
        }
        report.insert(market.code.to_string(), coverage);
    }
    if json {
        print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "All rule packs are valid ({} markets and the house policy).",
        report.len()
    )?;
    for (market, coverage) in &report {
        writeln!(out, "\n{market} ({})", coverage.status)?;
        writeln!(out, "  law:     {}", coverage.law.join(", "))?;
        writeln!(out, "  house:   {}", coverage.house.join(", "))?;
        writeln!(out, "  missing: {}", coverage.missing.join(", "))?;
        for note in &coverage.unconfirmed {
            writeln!(out, "  unconfirmed: {note}")?;
        }
        for gap in &coverage.late_rate_gaps {
            writeln!(out, "  warning: {}", rates::gap_text(gap))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
