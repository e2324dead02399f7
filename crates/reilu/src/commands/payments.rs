//! `reilu payments unmatched`: the queue of bank entries that matched no case, with why.

use std::io::Write;
use std::process::ExitCode;

use clap::Subcommand;

use crate::commands::print_json;
use crate::context::{Target, open_app};

/// The most entries one listing shows; the queue is oldest first.
const UNMATCHED_LIMIT_MAX: i64 = 10_000;

#[derive(Subcommand)]
pub enum PaymentsCommand {
    /// The unmatched queue, oldest first: money that matched no case, with the reason.
    Unmatched {
        /// How many entries to show (1 to 10,000).
        #[arg(long, default_value_t = 100)]
        limit: i64,
        /// Who reads the remittance texts (personal data: shown masked without it; the read
        /// is journaled). Needs --purpose.
        #[arg(long, requires = "purpose")]
        reader: Option<String>,
        /// Why they are read.
        #[arg(long, requires = "reader")]
        purpose: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(target: &Target, command: PaymentsCommand) -> anyhow::Result<ExitCode> {
    let PaymentsCommand::Unmatched {
        limit,
        reader,
        purpose,
        json,
    } = command;
    if !(1..=UNMATCHED_LIMIT_MAX).contains(&limit) {
        anyhow::bail!("--limit takes 1 to {UNMATCHED_LIMIT_MAX}, not {limit}");
    }
    let app = open_app(target).await?;
    let queue = match (reader, purpose) {
        (Some(reader), Some(purpose)) => app.store_unmatched_read(limit, &reader, &purpose).await?,
        _ => app.store_unmatched(limit).await?,
    };
    if json {
        print_json(&queue)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    if queue.is_empty() {
        writeln!(out, "the unmatched queue is empty")?;
    }
    for payment in &queue {
        writeln!(
            out,
            "{}  {}  {} on {}: {}",
            payment.booking_date.as_deref().unwrap_or("(no date)"),
            payment.bank_reference,
            payment.amount,
            payment.account_iban,
            payment.reason
        )?;
        if !payment.text.is_empty() {
            writeln!(out, "    text: {}", payment.text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
