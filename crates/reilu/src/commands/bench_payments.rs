//! `reilu bench payments`: a camt.054 of N credit entries against an N-case portfolio,
//! entries per second parsed + matched + allocated + posted on SQLite, side by side with the
//! same file parsed only. Each of the two phases runs in a process of its own, so each peak
//! memory figure is that phase's alone.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use reilu_app::demo::DemoPortfolio;
use reilu_formats::camt::{BankEntry, Direction, EntryStatus};
use reilu_store::Store;
use serde::Serialize;

use crate::commands::bench::{Phase, PhaseArgs, PhaseReport, run_child};
use crate::commands::demo::write_claim_file;
use crate::context::{Target, open_or_create_app, sqlite_url};

#[derive(Serialize, Debug)]
pub struct PaymentsBenchReport {
    pub cases: u64,
    pub entries: u64,
    pub parse_only_per_second: f64,
    pub parse_peak_rss_mib: f64,
    pub import_per_second: f64,
    pub import_peak_rss_mib: f64,
    /// Closing the store after the import (the log copied back into the database file).
    pub import_close_seconds: f64,
    pub ratio_percent: f64,
}

/// A fresh SQLite store in `dir/store` holding every claim of a demo portfolio of `cases`
/// cases (one to three claims a case), placed as one client's file: the app, its data
/// folder and target, and the claims placed.
pub async fn demo_store(
    cases: u64,
    dir: &Path,
) -> anyhow::Result<(
    reilu_app::App<reilu_store::SqlStore>,
    std::path::PathBuf,
    Target,
    u64,
)> {
    std::fs::create_dir_all(dir)?;
    let data = dir.join("store");
    let _ = std::fs::remove_dir_all(&data);
    let target = Target {
        data: data.clone(),
        database_url: Some(sqlite_url(&data)),
        rules: None,
    };
    let app = open_or_create_app(&target).await?;
    eprintln!("placing {cases} cases…");
    let claims = dir.join("bench-claims.csv");
    write_claim_file(&DemoPortfolio::new(7, cases, None), &claims, u64::MAX)?;
    let client = app
        .add_client("Bench Oy", "FI", "FI2112345600000785")
        .await?;
    let file = std::io::BufReader::new(std::fs::File::open(&claims)?);
    let placed = app
        .import_claim_file(&client.id, "bench", file, &|_| {}, &mut |_| Ok(()))
        .await?;
    Ok((app, data, target, placed.accepted))
}

pub async fn payments(cases: u64, dir: &Path) -> anyhow::Result<PaymentsBenchReport> {
    let (app, data, target, _) = demo_store(cases, dir).await?;
    // The import refuses a statement of an account that is not ours: the file pays each
    // case into the demo's client-money account of its currency.
    app.configure_demo_accounts().await?;
    eprintln!("writing the camt.054…");
    let camt = dir.join("bench-payments.xml");
    let entries = write_payments(&app, &camt, cases).await?;
    // The import phase opens the store itself.
    drop(app);
    eprintln!("parsing only…");
    let parse = run_child("payments-phase", Phase::Parse, &camt, &data)?;
    eprintln!("importing…");
    let import = run_child("payments-phase", Phase::Import, &camt, &data)?;
    anyhow::ensure!(
        parse.rows == entries && import.rows == entries,
        "entry counts differ: {entries} written, {} parsed, {} matched",
        parse.rows,
        import.rows
    );
    let app = open_or_create_app(&target).await?;
    let check = app.store().check_ledger().await?;
    anyhow::ensure!(
        check.problems.is_empty(),
        "the ledger does not check out: {:?}",
        check.problems
    );
    Ok(PaymentsBenchReport {
        cases: entries,
        entries,
        parse_only_per_second: parse.rows_per_second,
        parse_peak_rss_mib: parse.peak_rss_mib,
        import_per_second: import.rows_per_second,
        import_peak_rss_mib: import.peak_rss_mib,
        import_close_seconds: import.close_seconds,
        ratio_percent: 100.0 * import.rows_per_second / parse.rows_per_second,
    })
}

/// One phase in this process: the file parsed only (the limit), or imported into the store
/// at `--data` (counting matched entries: every credit of the bench file pays a case).
pub async fn run_phase(target: &Target, args: &PhaseArgs) -> anyhow::Result<PhaseReport> {
    let started = Instant::now();
    match args.phase {
        Phase::Parse => {
            let input = std::io::BufReader::new(std::fs::File::open(&args.file)?);
            // Every entry built, as the import's reader builds them (the import's validation
            // pass builds none and costs less).
            let entries =
                reilu_formats::camt::read_camt(input, |_| Ok::<(), std::convert::Infallible>(()))
                    .map_err(|error| anyhow::anyhow!("{error}"))?
                    .entries;
            Ok(PhaseReport::since(args.phase, entries, started))
        }
        Phase::Import => {
            let target = Target {
                data: target.data.clone(),
                database_url: Some(sqlite_url(&target.data)),
                rules: None,
            };
            let app = open_or_create_app(&target).await?;
            let summary = app
                .import_payments(reilu_app::payments::camt_file_source(args.file.clone()))
                .await?;
            // The import is done when its transaction is committed (durable); closing the
            // store afterwards is measured on its own.
            let report = PhaseReport::since(args.phase, summary.matched, started);
            Ok(report.closing(app.store()).await)
        }
    }
}

/// The account every bench credit comes from (a valid Finnish IBAN).
const PAYER_IBAN: &str = "FI4950009420028730";

/// One credit per case, by its RF reference, in its currency, naming its payer.
async fn write_payments(
    app: &reilu_app::App<reilu_store::SqlStore>,
    path: &Path,
    cases: u64,
) -> anyhow::Result<u64> {
    let mut entries = Vec::with_capacity(usize::try_from(cases)?);
    let numbers: Vec<i64> = (0..i64::try_from(cases)?)
        .map(|offset| 100_000 + offset)
        .collect();
    for chunk in numbers.chunks(500) {
        for (case_number, _, _, currency) in app.store().case_owners(chunk).await? {
            let currency = reilu_core::Currency::parse(&currency)?;
            let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
            let account = reilu_app::demo::demo_client_money_account(currency.code())
                .context("no demo client-money account in the case's currency")?;
            entries.push(BankEntry {
                account_iban: account.into(),
                bank_reference: format!("BENCH-{case_number}"),
                amount: reilu_core::Money::from_minor(1_000 + case_number % 5_000, currency),
                direction: Direction::Credit,
                reversal: false,
                status: EntryStatus::Booked,
                booking_date: Some(day),
                value_date: Some(day),
                structured_reference: Some(
                    reilu_formats::reference::for_case("FI", u64::try_from(case_number)?).rf,
                ),
                unstructured: Vec::new(),
                // Real credit transfers carry one; it is indexed for finding returns.
                end_to_end_id: Some(format!("E2E-{case_number}")),
                return_reason: None,
                // A SEPA credit transfer names its payer (kept sealed for refunds).
                debtor_name: Some(format!("Payer {case_number}")),
                debtor_iban: Some(PAYER_IBAN.into()),
            });
        }
    }
    // One notification per account (the writer starts a new one when the account changes).
    entries.sort_by(|a, b| a.account_iban.cmp(&b.account_iban));
    let count = u64::try_from(entries.len())?;
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    reilu_formats::camt::synth::write_camt054(file, "BENCH", entries)?;
    Ok(count)
}
