//! `reilu rules calendar | explain | check`: the gate's data, for people.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use reilu_core::{CustomerKind, Markets};
use reilu_rules::calendar;
use reilu_rules::explain::{explain_outcome, explain_outcome_json};
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

/// The calendar as `--json` prints it: the days, and what is known of days moved by decree.
#[derive(Serialize)]
struct CalendarReport {
    market: String,
    year: i32,
    days: Vec<calendar::Holiday>,
    /// None where the market's working days are not moved by decree (all but HU and LV).
    decreed: Option<calendar::DecreedDays>,
}

fn calendar_command(args: &CalendarArgs) -> anyhow::Result<ExitCode> {
    let market = args.market.to_ascii_uppercase();
    let report = CalendarReport {
        days: calendar::holidays(&market, args.year)?,
        decreed: calendar::decreed_days(&market, args.year)?,
        market,
        year: args.year,
    };
    if args.json {
        print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    for day in &report.days {
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
    if let Some(decreed) = &report.decreed {
        write_decreed(&mut out, &report.market, report.year, decreed)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What the text calendar says of days moved by decree.
fn write_decreed(
    out: &mut impl Write,
    market: &str,
    year: i32,
    decreed: &calendar::DecreedDays,
) -> anyhow::Result<()> {
    let range = format!("known for {}-{}", decreed.known_from, decreed.known_until);
    if !decreed.known {
        writeln!(
            out,
            "\nWorking days moved by decree in {market}: {range}. The decreed days for {year} are \
             not yet known: a bridge day decreed later is missing from this list."
        )?;
        return Ok(());
    }
    writeln!(out, "\nWorking days moved by decree in {market}: {range}.")?;
    writeln!(out, "{year}: {}", decreed.source.unwrap_or_default())?;
    if decreed.rest_days.is_empty() {
        writeln!(out, "  no working day moved")?;
    }
    for (rest, worked) in decreed.rest_days.iter().zip(&decreed.working_saturdays) {
        writeln!(
            out,
            "  {rest} rest day (no contact), worked on Saturday {worked} (contact as on any Saturday)"
        )?;
    }
    Ok(())
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
        print_json(&explain_outcome_json(&outcome, &messages, &language))?;
    } else {
        write!(
            std::io::stdout().lock(),
            "{}",
            explain_outcome(&outcome, &messages, &language)
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
    /// Rules (of the market's pack or the house's) the gate does not apply.
    unapplied: Vec<UnappliedRule>,
    unconfirmed: Vec<String>,
    /// The first day without a late rate, per customer kind, where it is within 30 days of
    /// today or past.
    late_rate_gaps: Vec<RateGap>,
}

#[derive(Serialize, Clone)]
struct UnappliedRule {
    rule: String,
    parameter: String,
    source: Source,
    file: String,
    line: usize,
}

impl UnappliedRule {
    fn new(rule: &reilu_rules::Unapplied) -> Self {
        UnappliedRule {
            rule: rule.rule_id.clone(),
            parameter: rule.parameter.clone(),
            source: if rule.pack == "house" {
                Source::House
            } else {
                Source::Law
            },
            file: format!("{}.toml", rule.pack.to_lowercase()),
            line: rule.line,
        }
    }
}

/// Validates every pack and proves the gate applies each rule (`Gate::unapplied_rules`): a
/// rule the gate never applies fails the check, so no pack claims what the gate does not do.
/// Also lists, per market, the first day without a late rate when it is near or past.
fn check_command(book: &RuleBook, markets: &Markets, json: bool) -> anyhow::Result<ExitCode> {
    let mut gaps = rates::gaps_by_market(book, chrono::Utc::now().date_naive());
    let gate = reilu_rules::Gate::new(book.clone())?;
    let unapplied = gate.unapplied_rules(markets);
    let mut report: BTreeMap<String, Coverage> = BTreeMap::new();
    for market in markets.iter() {
        if let Some(mut coverage) = coverage(gate.book(), market.code, &unapplied) {
            coverage.late_rate_gaps = gaps.remove(market.code.as_str()).unwrap_or_default();
            report.insert(market.code.to_string(), coverage);
        }
    }
    if json {
        print_json(&report)?;
    } else {
        print_coverage(&report)?;
    }
    if unapplied.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "error: {} rule(s) set a parameter the gate does not apply (NOT APPLIED above): {}",
        unapplied.len(),
        unapplied
            .iter()
            .map(|rule| rule.rule_id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(ExitCode::FAILURE)
}

/// One market's parameters by source. A parameter only unapplied rules set is neither law
/// nor house policy: it is listed with those rules under `unapplied`.
fn coverage(
    book: &RuleBook,
    market: reilu_core::MarketCode,
    unapplied: &[reilu_rules::Unapplied],
) -> Option<Coverage> {
    let pack = book.market_pack(market)?;
    let status = serde_json::to_value(pack.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let ours: Vec<&reilu_rules::Unapplied> = unapplied
        .iter()
        .filter(|rule| rule.pack == pack.stamp.pack || rule.pack == book.house().stamp.pack)
        .collect();
    let is_unapplied = |rule: &reilu_rules::pack::Rule| {
        let pack_of = match rule.source {
            Source::Law => &pack.stamp.pack,
            Source::House => &book.house().stamp.pack,
        };
        ours.iter()
            .any(|u| &u.pack == pack_of && u.rule_id == *rule.id)
    };
    let mut coverage = Coverage {
        status,
        unconfirmed: pack.unconfirmed.clone(),
        unapplied: ours.iter().map(|rule| UnappliedRule::new(rule)).collect(),
        ..Coverage::default()
    };
    for parameter in Parameter::all() {
        let rules: Vec<&reilu_rules::pack::Rule> = pack
            .rules
            .iter()
            .chain(book.house().rules.iter())
            .map(AsRef::as_ref)
            .filter(|rule| rule.parameter == parameter)
            .filter(|rule| {
                [CustomerKind::Consumer, CustomerKind::Business]
                    .into_iter()
                    .any(|kind| rule.applies_to_kind(kind))
            })
            .collect();
        let applied: Vec<Source> = rules
            .iter()
            .filter(|rule| !is_unapplied(rule))
            .map(|rule| rule.source)
            .collect();
        if applied.contains(&Source::Law) {
            coverage.law.push(parameter.name());
        } else if applied.contains(&Source::House) {
            coverage.house.push(parameter.name());
        } else if rules.is_empty() {
            coverage.missing.push(parameter.name());
        }
    }
    Some(coverage)
}

fn print_coverage(report: &BTreeMap<String, Coverage>) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "All rule packs load ({} markets and the house policy).",
        report.len()
    )?;
    for (market, coverage) in report {
        writeln!(out, "\n{market} ({})", coverage.status)?;
        writeln!(out, "  law:     {}", coverage.law.join(", "))?;
        writeln!(out, "  house:   {}", coverage.house.join(", "))?;
        writeln!(out, "  missing: {}", coverage.missing.join(", "))?;
        for rule in &coverage.unapplied {
            writeln!(
                out,
                "  NOT APPLIED by the gate: {} ({}, {}:{})",
                rule.parameter, rule.rule, rule.file, rule.line
            )?;
        }
        for note in &coverage.unconfirmed {
            writeln!(out, "  unconfirmed: {note}")?;
        }
        for gap in &coverage.late_rate_gaps {
            writeln!(out, "  warning: {}", rates::gap_text(gap))?;
        }
    }
    Ok(())
}
