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
    /// The camt.053 or camt.054 file (versions 001.02, .04, .06, .08).
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
    for statement in &summary.statements {
        let differs = |value: Option<i64>| value.is_some_and(|difference| difference != 0);
        if differs(statement.statement_difference_minor) {
            writeln!(
                out,
                "  statement {} of {} {}: opening + credits - debits differs from closing by {} minor units (recorded; see reilu reconcile)",
                statement.statement_id,
                statement.account,
                statement.currency,
                statement.statement_difference_minor.unwrap_or(0)
            )?;
        }
        if differs(statement.ledger_difference_minor) {
            writeln!(
                out,
                "  statement {} of {} {}: the closing balance differs from the ledger by {} minor units (recorded; see reilu reconcile)",
                statement.statement_id,
                statement.account,
                statement.currency,
                statement.ledger_difference_minor.unwrap_or(0)
            )?;
        }
    }
    for payment in app.store_unmatched(20).await? {
        writeln!(
            out,
            "  unmatched {} {} on {}: {}",
            payment.bank_reference, payment.amount, payment.account_iban, payment.reason
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
