//! `reilu remit --date D [--out DIR]`: pay clients what was collected for them.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;

use crate::commands::print_json;
use crate::context::{Target, open_app};

#[derive(Args)]
pub struct RemitArgs {
    /// The run date (the requested execution date of the transfers).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: NaiveDate,
    /// Where the bank files and reports go.
    #[arg(long, default_value = "remittances", value_name = "DIR")]
    out: PathBuf,
    #[arg(long)]
    json: bool,
}

pub async fn run(target: &Target, args: RemitArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let summary = app.remit(args.date, &args.out).await?;
    if args.json {
        print_json(&summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "remittance run {}: {} payment(s) made now, {} in all for the date",
        summary.run_date,
        summary.paid_now,
        summary.lines.len()
    )?;
    for line in &summary.lines {
        writeln!(
            out,
            "  {}  collected {}  commission {}  paid {}  to {}",
            line.client_id, line.owed, line.commission, line.paid, line.creditor_iban
        )?;
    }
    for file in &summary.files {
        writeln!(out, "  wrote {}", file.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
