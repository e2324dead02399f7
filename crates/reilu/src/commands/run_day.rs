//! `reilu run-day [--date D] [--strategies DIR] [--json]`: take every open case one day
//! forward — interest, then each case's next strategy step through the gate.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use reilu_app::daily_run::{RunDayOutcome, RunDaySummary};
use reilu_strategy::StrategySet;

use crate::commands::print_json;
use crate::context::{Target, open_app};
use reilu_store::Store;

#[derive(Args)]
pub struct RunDayArgs {
    /// The day to run (default today, UTC); a day that has not come is refused.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,
    /// Strategy files to use instead of the built-in ones (see strategies/README.md).
    #[arg(long, value_name = "DIR")]
    strategies: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub async fn run(target: &Target, args: RunDayArgs) -> anyhow::Result<ExitCode> {
    let strategies = match &args.strategies {
        Some(dir) => StrategySet::load_dir(dir)?,
        None => StrategySet::builtin()?,
    };
    let app = open_app(target).await?;
    let date = args.date.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let open_cases = u64::try_from(app.store().count_open_cases().await?).unwrap_or(0);
    let bar = crate::commands::progress_bar(open_cases, "cases");
    bar.set_message("interest first");
    let outcome = app
        .run_day(&strategies, date, &|so_far| {
            let steps: u64 = so_far
                .markets
                .values()
                .flat_map(|day| day.steps.values())
                .sum();
            bar.set_position(so_far.cases_considered);
            bar.set_message(format!("{steps} steps carried out"));
        })
        .await;
    bar.finish_and_clear();
    match outcome? {
        RunDayOutcome::Ran(summary) if args.json => print_json(&summary)?,
        RunDayOutcome::Ran(summary) => print_summary(&summary)?,
        RunDayOutcome::AlreadyFinished { run_date, summary } => {
            if args.json {
                println!("{summary}");
            } else {
                println!("the run of {run_date} finished before: nothing was done again");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(summary: &RunDaySummary) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "run of {} ({}): {} open case(s)",
        summary.run_date, summary.state, summary.cases_considered
    )?;
    let interest = &summary.interest;
    write!(out, "  interest accrued on {} case(s)", interest.accrued)?;
    for total in &interest.totals {
        write!(out, ", {}", total.amount)?;
    }
    writeln!(out)?;
    if interest.denied > 0 {
        let reasons: Vec<String> = interest
            .denied_by_reason
            .iter()
            .map(|(reason, count)| format!("{reason} {count}"))
            .collect();
        writeln!(
            out,
            "  interest refused on {} case(s): {}",
            interest.denied,
            reasons.join(", ")
        )?;
    }
    for gap in &interest.rate_warnings {
        writeln!(out, "warning: {}", crate::commands::rates::gap_text(gap))?;
    }
    for (market, day) in &summary.markets {
        writeln!(out, "  {market}: {} case(s)", day.cases)?;
        let list = |map: &std::collections::BTreeMap<String, u64>| {
            map.iter()
                .map(|(key, count)| format!("{key} {count}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !day.steps.is_empty() {
            writeln!(out, "    steps:    {}", list(&day.steps))?;
            writeln!(out, "    channels: {}", list(&day.channels))?;
        }
        for (currency, fee) in &day.fees {
            writeln!(
                out,
                "    fees:     {} charged, {}",
                fee.count,
                money_text(fee.amount_minor, currency)
            )?;
        }
        if day.changed > 0 {
            writeln!(out, "    changed by the gate: {}", day.changed)?;
        }
        if day.denied > 0 {
            writeln!(
                out,
                "    denied:   {} ({})",
                day.denied,
                list(&day.denied_by_rule)
            )?;
        }
        writeln!(
            out,
            "    waiting {}, path done {}, paused {}, for an agent {}",
            day.waiting, day.finished, day.paused, day.for_agents
        )?;
    }
    Ok(())
}

/// An amount in minor units as `12.34 EUR`.
pub(crate) fn money_text(amount_minor: i64, currency: &str) -> String {
    match reilu_core::Currency::parse(currency) {
        Ok(parsed) => reilu_core::Money::from_minor(amount_minor, parsed).to_string(),
        Err(_) => format!("{amount_minor} {currency} (minor units)"),
    }
}
