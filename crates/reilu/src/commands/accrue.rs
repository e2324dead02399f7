//! `reilu accrue --date D [--json]`: accrue late interest on every open case up to D.

use std::io::Write;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use reilu_app::interest::AccrualSummary;

use crate::commands::print_json;
use crate::context::{Target, open_app};

#[derive(Args)]
pub struct AccrueArgs {
    /// Accrue for the days before this date: `[last accrued, D)`.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: NaiveDate,
    #[arg(long)]
    json: bool,
}

pub async fn run(target: &Target, args: AccrueArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let bar = crate::commands::spinner("accruing interest");
    let summary = app
        .accrue_interest(args.date, &|so_far| {
            bar.set_message(format!(
                "{} cases, {} accrued, {} refused",
                so_far.cases_considered, so_far.accrued, so_far.denied
            ));
        })
        .await;
    bar.finish_and_clear();
    let summary = summary?;
    if args.json {
        print_json(&summary)?;
    } else {
        print_summary(&summary)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(summary: &AccrualSummary) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "interest run to {}: {} open case(s) considered",
        summary.run_date, summary.cases_considered
    )?;
    writeln!(out, "  accrued now:       {}", summary.accrued)?;
    for total in &summary.totals {
        writeln!(out, "    {}", total.amount)?;
    }
    writeln!(out, "  already accrued:   {}", summary.up_to_date)?;
    writeln!(out, "  not yet overdue:   {}", summary.not_yet_due)?;
    writeln!(out, "  nothing owed:      {}", summary.nothing_owed)?;
    if summary.accrued_elsewhere > 0 {
        writeln!(
            out,
            "  accrued by another run meanwhile: {}",
            summary.accrued_elsewhere
        )?;
    }
    writeln!(out, "  refused:           {}", summary.denied)?;
    for (reason, count) in &summary.denied_by_reason {
        writeln!(out, "    {reason}: {count}")?;
    }
    if summary.stopped_at_missing_rate > 0 {
        writeln!(
            out,
            "  accrued only up to a day without a rate: {}",
            summary.stopped_at_missing_rate
        )?;
    }
    for gap in &summary.rate_warnings {
        writeln!(out, "warning: {}", crate::commands::rates::gap_text(gap))?;
    }
    Ok(())
}
