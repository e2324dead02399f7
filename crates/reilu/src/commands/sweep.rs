//! `reilu sweep --date D [--to IBAN] [--name NAME] [--out DIR]`: move the company's own
//! money (collected costs, commission kept) out of the client-money accounts, to its own
//! configured accounts.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use reilu_app::sweep::SweepTo;

use crate::commands::print_json;
use crate::context::{Target, open_app};

#[derive(Args)]
pub struct SweepArgs {
    /// The run date (the requested execution date of the transfers).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: NaiveDate,
    /// A configured company account its currency goes to (default: each currency to the one
    /// open company account configured for it).
    #[arg(long, value_name = "IBAN")]
    to: Option<String>,
    /// The company's name as the payee (default: the account's configured name).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Where the bank files go.
    #[arg(long, default_value = "remittances", value_name = "DIR")]
    out: PathBuf,
    #[arg(long)]
    json: bool,
}

pub async fn run(target: &Target, args: SweepArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let company = SweepTo {
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
