//! `reilu payments …`: the unmatched queue (bank entries that matched no case, with why),
//! worked by assigning an entry to its case or refunding it, and overpayments refunded.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use reilu_app::payout::StopAfter;
use reilu_app::unmatched::{EntryRef, Payer, RefundSummary};

use crate::commands::account::actor;
use crate::commands::print_json;
use crate::context::{Target, open_app};

/// The most entries one listing shows; the queue is by booking date, oldest first.
const UNMATCHED_LIMIT_MAX: i64 = 10_000;

#[derive(Subcommand)]
pub enum PaymentsCommand {
    /// The unmatched queue by booking date, oldest first: money that matched no case, with
    /// the reason.
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
    /// Allocate a queued payment to a case, as a matched payment would have been.
    Assign(AssignArgs),
    /// Send a queued payment back to its payer (a pain.001 file).
    Refund(RefundArgs),
    /// Pay back what cases hold beyond their debt, to their payers (a pain.001 file).
    RefundOverpayments(OverpaymentArgs),
}

/// The queued entry: its bank reference, and its account when several have it.
#[derive(Args)]
pub struct EntryArgs {
    /// The entry's bank reference, as `payments unmatched` shows it.
    entry: String,
    /// The account the entry is on, if its reference is on several.
    #[arg(long, value_name = "IBAN")]
    account: Option<String>,
}

impl EntryArgs {
    fn entry_ref(&self) -> EntryRef {
        EntryRef {
            bank_reference: self.entry.clone(),
            account_iban: self.account.clone(),
        }
    }
}

#[derive(Args)]
pub struct AssignArgs {
    #[command(flatten)]
    entry: EntryArgs,
    /// The case the payment is for.
    #[arg(long, value_name = "N")]
    case: i64,
    /// Who assigns it, for the journal (default: `cli:` and the login name).
    #[arg(long)]
    by: Option<String>,
    #[arg(long)]
    json: bool,
}

/// A payee the operator gives instead of the payer on record.
#[derive(Args)]
pub struct PayeeArgs {
    /// The payee's name (with --iban).
    #[arg(long, requires = "iban")]
    name: Option<String>,
    /// The payee's IBAN (with --name).
    #[arg(long, requires = "name")]
    iban: Option<String>,
}

impl PayeeArgs {
    fn payee(&self) -> anyhow::Result<Option<Payer>> {
        match (&self.name, &self.iban) {
            (Some(name), Some(iban)) => Ok(Some(Payer::given(name, iban)?)),
            _ => Ok(None),
        }
    }
}

#[derive(Args)]
pub struct RefundArgs {
    #[command(flatten)]
    entry: EntryArgs,
    /// Refund to this payee instead of the payer the statement named (needed when it named
    /// none).
    #[command(flatten)]
    payee: PayeeArgs,
    #[arg(long)]
    by: Option<String>,
    /// Where the bank file goes.
    #[arg(long, default_value = "refunds", value_name = "DIR")]
    out: PathBuf,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct OverpaymentArgs {
    /// The run date (the requested execution date of the transfers).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: NaiveDate,
    /// Refund this case only, to the payee given with --name and --iban.
    #[arg(long, value_name = "N", requires = "name")]
    case: Option<i64>,
    #[command(flatten)]
    payee: PayeeArgs,
    #[arg(long)]
    by: Option<String>,
    /// Where the bank file goes.
    #[arg(long, default_value = "refunds", value_name = "DIR")]
    out: PathBuf,
    #[arg(long)]
    json: bool,
}

pub async fn run(target: &Target, command: PaymentsCommand) -> anyhow::Result<ExitCode> {
    match command {
        PaymentsCommand::Unmatched {
            limit,
            reader,
            purpose,
            json,
        } => unmatched(target, limit, reader.zip(purpose), json).await,
        PaymentsCommand::Assign(args) => assign(target, args).await,
        PaymentsCommand::Refund(args) => {
            let payee = args.payee.payee()?;
            let app = open_app(target).await?;
            let summary = app
                .refund_unmatched(
                    &args.entry.entry_ref(),
                    payee,
                    &actor(args.by),
                    &args.out,
                    StopAfter::Never,
                )
                .await?;
            print_refunds(&summary, args.json)
        }
        PaymentsCommand::RefundOverpayments(args) => {
            let only = match (args.case, args.payee.payee()?) {
                (Some(case), Some(payee)) => Some((case, payee)),
                (Some(_), None) => anyhow::bail!("--case needs the payee: --name and --iban"),
                (None, Some(_)) => anyhow::bail!("--name and --iban go with --case"),
                (None, None) => None,
            };
            let app = open_app(target).await?;
            let summary = app
                .refund_overpayments(
                    args.date,
                    only,
                    &actor(args.by),
                    &args.out,
                    StopAfter::Never,
                )
                .await?;
            print_refunds(&summary, args.json)
        }
    }
}

/// `reader`: who reads the remittance texts and why (else they are shown masked).
async fn unmatched(
    target: &Target,
    limit: i64,
    reader: Option<(String, String)>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if !(1..=UNMATCHED_LIMIT_MAX).contains(&limit) {
        anyhow::bail!("--limit takes 1 to {UNMATCHED_LIMIT_MAX}, not {limit}");
    }
    let app = open_app(target).await?;
    let queue = match reader {
        Some((reader, purpose)) => app.store_unmatched_read(limit, &reader, &purpose).await?,
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

async fn assign(target: &Target, args: AssignArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let summary = app
        .assign_unmatched(&args.entry.entry_ref(), args.case, &actor(args.by))
        .await?;
    if args.json {
        print_json(&summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    let parts: Vec<String> = summary
        .allocated
        .iter()
        .map(|(component, amount)| format!("{component} {amount}"))
        .collect();
    writeln!(
        out,
        "bank entry {} on {} ({}) assigned to case {}: {}; overpaid {} (posting {})",
        summary.bank_reference,
        summary.account_iban,
        summary.amount,
        summary.case_number,
        if parts.is_empty() {
            "nothing owed".to_owned()
        } else {
            parts.join(", ")
        },
        summary.overpaid,
        summary.posting_id
    )?;
    Ok(ExitCode::SUCCESS)
}

fn print_refunds(summary: &RefundSummary, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        print_json(summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    if !summary.refunded_now {
        writeln!(
            out,
            "{}: nothing refunded now{}",
            summary.run_key,
            if summary.files.is_empty() {
                ""
            } else {
                " (recorded before: its file is written again)"
            }
        )?;
    }
    for refund in &summary.refunds {
        let what = match (refund.case_number, &refund.bank_reference) {
            (Some(case), _) => format!("overpayment of case {case}"),
            (None, Some(reference)) => format!("bank entry {reference}"),
            (None, None) => String::new(),
        };
        writeln!(
            out,
            "refunded {} from {}: {what} ({})",
            refund.amount, refund.from_iban, refund.end_to_end_id
        )?;
    }
    for skipped in &summary.skipped {
        writeln!(
            out,
            "not refunded: case {} ({}): {}",
            skipped.case_number, skipped.amount, skipped.reason
        )?;
    }
    for file in &summary.files {
        writeln!(out, "  wrote {}", file.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
