//! `reilu strategy check [--dir DIR]`: load and validate the treatment strategies against the
//! rule packs in use, and show per market its paths and steps.
//! `reilu strategy report [--strategies DIR] [--json]`: compare the variants' outcomes.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use reilu_core::Markets;
use reilu_strategy::{FeeBand, Segment, Step, Strategy, StrategySet};

use reilu_app::strategy_report::{MoneyTotal, StrategyReport, VariantOutcomes};

use crate::commands::print_json;
use crate::commands::rules::load_book;
use crate::context::{Target, open_app};

#[derive(Subcommand)]
pub enum StrategyCommand {
    /// Validate the strategies (built in, or every *.toml in --dir) and print their paths.
    Check(CheckArgs),
    /// Compare the champion/challenger variants: per strategy and path, each variant's cases,
    /// payments, contacts, fees, complaints and disputes.
    Report(ReportArgs),
}

#[derive(Args)]
pub struct ReportArgs {
    /// The strategy files the run used (`run-day --strategies DIR`), for the variants' shares.
    #[arg(long, value_name = "DIR")]
    strategies: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct CheckArgs {
    /// A folder of strategy files (house.toml and <market>.toml) instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub async fn run(target: &Target, command: StrategyCommand) -> anyhow::Result<ExitCode> {
    match command {
        StrategyCommand::Check(args) => check(target, &args),
        StrategyCommand::Report(args) => report(target, &args).await,
    }
}

async fn report(target: &Target, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let strategies = match &args.strategies {
        Some(dir) => StrategySet::load_dir(dir)?,
        None => StrategySet::builtin()?,
    };
    let app = open_app(target).await?;
    let report = app.strategy_report(&strategies).await?;
    if args.json {
        print_json(&report)?;
    } else {
        print_report(&mut std::io::stdout().lock(), &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn check(target: &Target, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let markets = Markets::builtin()?;
    let book = load_book(target, &markets)?;
    let loaded = match &args.dir {
        Some(dir) => StrategySet::load_dir_with(dir, &book, &markets),
        None => StrategySet::builtin_with(&book, &markets),
    };
    let set = match loaded {
        Ok(set) => set,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut out = std::io::stdout().lock();
    for code in set.own_markets() {
        print_strategy(&mut out, code.as_str(), set.for_market(code))?;
    }
    let served: Vec<&str> = markets
        .iter()
        .map(|market| market.code.as_str())
        .filter(|code| set.own_markets().iter().all(|own| own.as_str() != *code))
        .collect();
    print_strategy(
        &mut out,
        &format!("house ({})", served.join(", ")),
        set.house(),
    )?;
    Ok(ExitCode::SUCCESS)
}

fn print_strategy(out: &mut impl Write, market: &str, strategy: &Strategy) -> anyhow::Result<()> {
    writeln!(
        out,
        "{market}: {} ({}) — {}",
        strategy.id, strategy.file, strategy.title
    )?;
    if !strategy.variants.is_empty() {
        let shares: Vec<String> = strategy
            .variants
            .iter()
            .map(|variant| format!("{} {} %", variant.name, variant.share_percent))
            .collect();
        writeln!(out, "  variants: {}", shares.join(", "))?;
    }
    for path in &strategy.paths {
        writeln!(out, "  path {} [{}]", path.id, segment_text(&path.segment))?;
        print_steps(out, "    ", &path.steps)?;
        for (name, steps) in &path.variant_steps {
            writeln!(out, "    variant {name}:")?;
            print_steps(out, "      ", steps)?;
        }
    }
    writeln!(out)?;
    Ok(())
}

fn print_steps(out: &mut impl Write, indent: &str, steps: &[Step]) -> anyhow::Result<()> {
    let mut day = 0;
    for step in steps {
        day += step.after_days;
        let channel = step.channel.map_or("-", |channel| channel.as_str());
        let fee = step.fee.as_ref().map_or(String::new(), |fee| {
            let amounts: Vec<String> = fee
                .amounts_minor
                .iter()
                .map(|(currency, bands)| format!("{currency} {}", bands_text(bands)))
                .collect();
            format!(
                " fee {} {} (minor units)",
                fee.kind.as_str(),
                amounts.join(", ")
            )
        });
        writeln!(
            out,
            "{indent}+{:>3} d (day {day:>3}) {:<18} {:<13} {:<6} {} {:02}:00{fee}",
            step.after_days,
            step.id,
            step.kind.as_str(),
            channel,
            step.template,
            step.send_hour,
        )?;
    }
    Ok(())
}

/// `500` for one amount; `≤10000: 1400, ≤100000: 2400, above: 5000` for bands.
fn bands_text(bands: &[FeeBand]) -> String {
    if let [only] = bands {
        return only.amount_minor.to_string();
    }
    let parts: Vec<String> = bands
        .iter()
        .map(|band| match band.up_to_principal_minor {
            Some(top) => format!("≤{top}: {}", band.amount_minor),
            None => format!("above: {}", band.amount_minor),
        })
        .collect();
    parts.join(", ")
}

fn segment_text(segment: &Segment) -> String {
    let range = |from: i64, to: Option<i64>| match to {
        Some(to) => format!("{from}–{to}"),
        None => format!("{from}–"),
    };
    let flag = |value: Option<bool>, yes: &str, no: &str| match value {
        Some(true) => yes.to_owned(),
        Some(false) => no.to_owned(),
        None => "either".to_owned(),
    };
    let customer = match segment.customer {
        Some(reilu_core::CustomerKind::Consumer) => "consumer",
        Some(reilu_core::CustomerKind::Business) => "business",
        None => "any customer",
    };
    format!(
        "{customer}; principal {} minor; {} days past due at entry; {}; {}",
        range(segment.principal_from_minor, segment.principal_to_minor),
        range(segment.age_from_days, segment.age_to_days),
        flag(segment.vulnerable, "vulnerable", "not vulnerable"),
        flag(segment.has_plan, "with a plan", "no plan"),
    )
}

/// One table per strategy and path, a row per variant.
fn print_report(out: &mut impl Write, report: &StrategyReport) -> anyhow::Result<()> {
    if report.paths.is_empty() {
        writeln!(out, "no case has done a strategy step yet")?;
    }
    for path in &report.paths {
        writeln!(out, "{} / path {}", path.strategy, path.path)?;
        writeln!(
            out,
            "  {:<18} {:>5} {:>6} {:>6} {:>7} {:<22} {:>8} {:>9} {:<22} {:>10} {:>8} {:>12}",
            "variant",
            "share",
            "cases",
            "paid",
            "paid %",
            "paid amount",
            "contacts",
            "per case",
            "fees",
            "complaints",
            "disputes",
            "plans broken"
        )?;
        for variant in &path.variants {
            print_variant(out, variant)?;
        }
        writeln!(out)?;
    }
    writeln!(out, "plans broken: {}", report.plans_broken)?;
    Ok(())
}

fn print_variant(out: &mut impl Write, variant: &VariantOutcomes) -> anyhow::Result<()> {
    let fees = if variant.fees.is_empty() {
        "-".to_owned()
    } else {
        format!("{} ({})", variant.fees_charged, money_list(&variant.fees))
    };
    writeln!(
        out,
        "  {:<18} {:>5} {:>6} {:>6} {:>6.1}% {:<22} {:>8} {:>9.2} {:<22} {:>10} {:>8} {:>12}",
        variant.variant.as_deref().unwrap_or("(none)"),
        variant
            .share_percent
            .map_or("-".to_owned(), |share| format!("{share}%")),
        variant.cases,
        variant.paid_cases,
        variant.paid_share * 100.0,
        money_list(&variant.paid),
        variant.contacts,
        variant.contacts_per_case,
        fees,
        variant.complaints,
        variant.disputes,
        variant
            .plans_broken
            .map_or("n/a".to_owned(), |count| count.to_string()),
    )?;
    Ok(())
}

/// `EUR 12.50, SEK 100.00`, or `-` for none.
fn money_list(totals: &[MoneyTotal]) -> String {
    if totals.is_empty() {
        return "-".to_owned();
    }
    let parts: Vec<String> = totals
        .iter()
        .map(|total| match reilu_core::Currency::parse(&total.currency) {
            Ok(currency) => reilu_core::Money::from_minor(total.amount_minor, currency).to_string(),
            Err(_) => format!("{} {} (minor units)", total.amount_minor, total.currency),
        })
        .collect();
    parts.join(", ")
}
