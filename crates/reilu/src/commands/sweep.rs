//! `reilu sweep --date D --to IBAN --name NAME [--out DIR]`: move the company's own money
//! (collected costs, commission kept) out of the client-money accounts.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use reilu_app::sweep::CompanyAccount;

use crate::commands::print_json;
use crate::context::{Target, open_app};

#[derive(Args)]
pub struct SweepArgs {
    /// The run date (the requested execution date of the transfers).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: NaiveDate,
    /// The company's own account (IBAN) the money goes to.
    #[arg(long, value_name = "IBAN")]
    to: String,
    /// The company's name, as the payee of the transfer.
    #[arg(long, value_name = "NAME")]
    name: String,
    /// Where the bank files go.
    #[arg(long, default_value = "remittances", value_name = "DIR")]
    out: PathBuf,
    #[arg(long)]
    json: bool,
}

pub async fn run(target: &Target, args: SweepArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let company = CompanyAccount {
        name: args.name,
        iban: args.to,
    };
    let summary = app.sweep(args.date, &company, &args.out).await?;
    if args.json {
        print_json(&summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    if summary.lines.is_empty() {
        writeln!(
            out,
            "sweep {}: nothing of the company's to move",
            summary.run_date
        )?;
    }
    for line in &summary.lines {
        let what = if line.to_company {
            "the company's money"
        } else {
            "paid back into client money (swept before, then taken back by a return)"
        };
        let when = if line.swept_now {
            "now"
        } else {
            "earlier on this date"
        };
        writeln!(
            out,
            "sweep {}: {} from {} to {}: {what} ({when})",
            summary.run_date, line.amount, line.from_iban, line.to_iban
        )?;
    }
    for file in &summary.files {
        writeln!(out, "  wrote {}", file.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
