//! `reilu demo --cases N --seed S`: a deterministic synthetic portfolio.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use reilu_app::demo::DemoPortfolio;
use reilu_formats::claim_row::{CLAIM_COLUMNS, RawClaim};

use crate::commands::print_json;
use crate::context::{Target, open_or_create_app};

#[derive(Args)]
pub struct DemoArgs {
    /// Cases to generate (each has one to three claims).
    #[arg(long, default_value_t = 1000)]
    cases: u64,
    /// The same seed gives the same portfolio.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The date claim ages count back from (default 2026-11-01, fixed for reproducibility).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
    /// Write the claims as a claim file instead of loading them.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Write a camt.054 notification paying --cases cases already in the store from
    /// --first-case on (by their RF references): euro into the client-money account given with --bank-iban,
    /// other currencies into the demo's client-money account of theirs.
    #[arg(long, value_name = "FILE")]
    payments: Option<PathBuf>,
    #[arg(long, default_value = "FI2112345600000785", value_name = "IBAN")]
    bank_iban: String,
    /// With --payments: the case number the paid cases start from (the first case is 100000).
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    first_case: i64,
    #[arg(long)]
    json: bool,
}

pub async fn run(target: &Target, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let portfolio = DemoPortfolio::new(args.seed, args.cases, args.as_of);
    if let Some(path) = &args.csv {
        let rows = write_claim_file(&portfolio, path, u64::MAX)?;
        println!("wrote {rows} claims to {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let app = open_or_create_app(target).await?;
    if let Some(path) = &args.payments {
        let count = i64::try_from(args.cases)?;
        let cases = args.first_case..args.first_case.saturating_add(count);
        let written = write_payments_file(&app, path, &args.bank_iban, cases, args.seed).await?;
        println!("wrote {written} payments to {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let summary = app.load_demo(&portfolio).await?;
    if args.json {
        print_json(&summary)?;
    } else {
        println!(
            "demo portfolio (seed {}, {} cases): {} clients created, {} claims placed, {} already there, {} rejected",
            args.seed,
            args.cases,
            summary.clients_created,
            summary.claims_accepted,
            summary.claims_already_there,
            summary.claims_rejected
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes at most `rows_max` of the portfolio's claims as a claim file; returns the count.
pub fn write_claim_file(
    portfolio: &DemoPortfolio,
    path: &PathBuf,
    rows_max: u64,
) -> anyhow::Result<u64> {
    let mut writer = csv::Writer::from_path(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    writer.write_record(CLAIM_COLUMNS.iter().map(|(column, _)| *column))?;
    let mut rows = 0_u64;
    for (_, claim) in portfolio.claims() {
        if rows >= rows_max {
            break;
        }
        writer.write_record(claim_fields(&claim))?;
        rows += 1;
    }
    writer.flush()?;
    Ok(rows)
}

fn text(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or("")
}

fn claim_fields(claim: &RawClaim) -> [&str; 22] {
    [
        text(&claim.client_claim_ref),
        text(&claim.market),
        text(&claim.customer_type),
        text(&claim.customer_national_id),
        text(&claim.customer_name),
        text(&claim.customer_address_line1),
        text(&claim.customer_postcode),
        text(&claim.customer_city),
        text(&claim.customer_country),
        text(&claim.customer_email),
        text(&claim.customer_phone),
        text(&claim.customer_language),
        text(&claim.currency),
        text(&claim.principal),
        text(&claim.invoice_date),
        text(&claim.due_date),
        text(&claim.interest_rate_pct),
        text(&claim.creditor_fees),
        text(&claim.description),
        text(&claim.arose_on),
        text(&claim.reminder_fee_agreed),
        text(&claim.jurisdiction),
    ]
}

/// Payments for existing cases: each pays part or all of what its case owes, by RF reference.
///
/// The file is written on a blocking thread while the cases are read, 500 at a time (their
/// balances in one query, their owners in another), and handed over through a bounded
/// channel, so memory stays flat in the number of cases. (Before, one balance query per case
/// and every entry held until the end: 600,000 cases took 128 s and 587 MiB.)
async fn write_payments_file(
    app: &reilu_app::App<reilu_store::SqlStore>,
    path: &PathBuf,
    bank_iban: &str,
    cases: std::ops::Range<i64>,
    seed: u64,
) -> anyhow::Result<u64> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let (sender, mut receiver) =
        tokio::sync::mpsc::channel::<reilu_formats::camt::BankEntry>(4_096);
    let message_id = format!("DEMO-{seed}");
    let writer = tokio::task::spawn_blocking(move || {
        let entries = std::iter::from_fn(move || receiver.blocking_recv());
        reilu_formats::camt::synth::write_camt054(file, &message_id, entries)
    });
    let sent = send_payments(app, &sender, bank_iban, cases, seed).await;
    drop(sender);
    writer
        .await
        .map_err(|error| anyhow::anyhow!("the file writer stopped: {error}"))?
        .with_context(|| format!("cannot write {}", path.display()))?;
    sent
}

/// The client-money account a demo payment in `currency` goes to: EUR into the account
/// asked for, other currencies into the demo's account of theirs (an account is kept in one
/// currency).
fn account_for<'a>(currency: &str, bank_iban: &'a str) -> &'a str {
    match currency {
        "EUR" => bank_iban,
        code => reilu_app::demo::demo_client_money_account(code).unwrap_or(bank_iban),
    }
}

/// Sends one payment per case to the writer, account by account (the writer starts a
/// notification whenever the account changes, and each account gets one), in case order
/// within an account; returns how many. One pass finds the accounts, then one pass per
/// account reads the cases again: a handful of passes of two queries per 500 cases, where
/// holding every entry to sort them grew with the number of cases.
async fn send_payments(
    app: &reilu_app::App<reilu_store::SqlStore>,
    sender: &tokio::sync::mpsc::Sender<reilu_formats::camt::BankEntry>,
    bank_iban: &str,
    cases: std::ops::Range<i64>,
    seed: u64,
) -> anyhow::Result<u64> {
    use reilu_store::Store;
    let numbers: Vec<i64> = cases.collect();
    let mut accounts = std::collections::BTreeSet::new();
    for chunk in numbers.chunks(500) {
        for (_, _, _, currency) in app.store().case_owners(chunk).await? {
            accounts.insert(account_for(&currency, bank_iban).to_owned());
        }
    }
    let mut count = 0_u64;
    for account in &accounts {
        for chunk in numbers.chunks(500) {
            let owners: Vec<_> = app
                .store()
                .case_owners(chunk)
                .await?
                .into_iter()
                .filter(|(_, _, _, currency)| account_for(currency, bank_iban) == account)
                .collect();
            if owners.is_empty() {
                continue;
            }
            let owed_by_case = app.store().cases_owed(chunk).await?;
            for (case_number, _, market, currency) in owners {
                let owed = owed_by_case.get(&case_number).copied().unwrap_or(0);
                let entry = demo_payment(account, case_number, &market, &currency, owed, seed)?;
                // The writer only stops early on an I/O error, which its result reports.
                if sender.send(entry).await.is_err() {
                    return Ok(count);
                }
                count += 1;
            }
        }
    }
    Ok(count)
}

/// One case's demo payment: deterministic in the seed, most pay in part, some in full, a few
/// too much.
fn demo_payment(
    account: &str,
    case_number: i64,
    market: &str,
    currency: &str,
    owed_minor: i64,
    seed: u64,
) -> anyhow::Result<reilu_formats::camt::BankEntry> {
    use reilu_formats::camt::{BankEntry, Direction, EntryStatus};
    let currency = reilu_core::Currency::parse(currency)?;
    let share = (u64::try_from(case_number)?.wrapping_mul(2_654_435_761) ^ seed) % 130;
    let amount_minor = (i128::from(owed_minor) * i128::from(share.max(5)) / 100).max(1);
    let references = reilu_formats::reference::for_case(market, u64::try_from(case_number)?);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    Ok(BankEntry {
        account_iban: account.to_owned(),
        bank_reference: format!("DEMO{seed}-{case_number}"),
        amount: reilu_core::Money::from_minor(i64::try_from(amount_minor)?, currency),
        direction: Direction::Credit,
        reversal: false,
        status: EntryStatus::Booked,
        booking_date: Some(day),
        value_date: Some(day),
        structured_reference: Some(references.rf),
        unstructured: Vec::new(),
        end_to_end_id: None,
        return_reason: None,
        debtor_name: None,
        debtor_iban: None,
    })
}
