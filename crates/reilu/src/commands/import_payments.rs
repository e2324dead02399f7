//! `reilu import payments FILE.xml`: bank payments from a camt.053 statement or a camt.054
//! notification.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::commands::print_json;
use crate::context::{Target, open_app};

#[derive(Args)]
pub struct PaymentsArgs {
    /// The camt.053.001.02/.08 or camt.054.001.02/.08 file.
    file: PathBuf,
    #[arg(long)]
    json: bool,
}

pub async fn run(target: &Target, args: PaymentsArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let summary = app
        .import_payments(reilu_app::payments::camt_file_source(args.file.clone()))
        .await?;
    if args.json {
        print_json(&summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} entries: {} matched and posted, {} returns booked as corrections, {} unmatched (queued with the reason), {} ignored (our own transfers), {} recorded before",
        summary.entries,
        summary.matched,
        summary.corrected,
        summary.unmatched,
        summary.ignored,
        summary.already_recorded
    )?;
    for payment in app.store_unmatched(20).await? {
        writeln!(
            out,
            "  unmatched {} {} on {}: {}",
            payment.bank_reference, payment.amount, payment.account_iban, payment.reason
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
