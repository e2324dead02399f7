//! `reilu bench ledger`: durable ledger postings per second (payments recorded through the
//! store: idempotency check, allocation, postings, entries, balances, bank entries, journal,
//! committed in batches) against the limit — the same rows inserted plainly in the same
//! batches into the same kind of database.

use std::time::Instant;

use reilu_core::{Currency, Money};
use reilu_store::test_support::{TestStore, postgres_test_store, sqlite_test_store};
use reilu_store::{BankEntryRecord, NewPosting, PaymentInstruction, PaymentTarget, Store};
use serde::Serialize;

/// Payments per transaction, as the import writes them.
const BATCH: usize = 2000;

#[derive(Serialize, Debug)]
pub struct LedgerBenchRow {
    pub backend: String,
    pub postings: usize,
    pub ledger_per_second: f64,
    pub plain_per_second: f64,
    pub ratio_percent: f64,
}

fn bank_entry(index: usize) -> BankEntryRecord {
    BankEntryRecord {
        payer_sealed: None,
        account_iban: "FI2112345600000785".into(),
        bank_reference: format!("BENCH-{index:09}"),
        message_id: "BENCH".into(),
        direction: "credit".into(),
        reversal: false,
        amount_minor: 1_000 + i64::try_from(index % 9_000).unwrap_or(0),
        currency: "EUR".into(),
        booking_date: Some("2026-11-24".into()),
        structured_reference: None,
        unstructured: "bench".into(),
        unstructured_sealed: None,
        end_to_end_id: Some(format!("E2E-BENCH-{index:09}")),
    }
}

fn plain_posting(entry: &BankEntryRecord) -> anyhow::Result<NewPosting> {
    let posting = reilu_ledger::payment_unmatched(
        &entry.account_iban,
        Money::from_minor(entry.amount_minor, Currency::EUR),
    )?;
    // As the durable path: the bank entry's key, not the posting's, makes it happen once.
    Ok(NewPosting::from_ledger(
        &posting,
        0,
        "bench",
        "bench".into(),
    ))
}

async fn run_one(
    name: &str,
    ledger: TestStore,
    plain: TestStore,
    postings: usize,
) -> anyhow::Result<LedgerBenchRow> {
    let started = Instant::now();
    for start in (0..postings).step_by(BATCH) {
        let batch: Vec<PaymentInstruction> = (start..(start + BATCH).min(postings))
            .map(|index| PaymentInstruction {
                entry: bank_entry(index),
                target: PaymentTarget::Unmatched,
                reason: "bench".into(),
            })
            .collect();
        ledger.store.record_payments(&batch, "bench", 0).await?;
    }
    let ledger_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    for start in (0..postings).step_by(BATCH) {
        let entries: Vec<BankEntryRecord> = (start..(start + BATCH).min(postings))
            .map(bank_entry)
            .collect();
        let rows = entries
            .iter()
            .map(plain_posting)
            .collect::<anyhow::Result<Vec<_>>>()?;
        reilu_store::bench_limit::insert_plain_rows(
            &plain.store,
            i64::try_from(start)? + 1,
            &rows,
            &entries,
        )
        .await?;
    }
    let plain_seconds = started.elapsed().as_secs_f64();
    let check = ledger.store.check_ledger().await?;
    anyhow::ensure!(
        check.problems.is_empty(),
        "the benchmark's ledger does not check out: {:?}",
        check.problems
    );
    let ledger_per_second = postings as f64 / ledger_seconds;
    let plain_per_second = postings as f64 / plain_seconds;
    Ok(LedgerBenchRow {
        backend: name.into(),
        postings,
        ledger_per_second,
        plain_per_second,
        ratio_percent: 100.0 * ledger_per_second / plain_per_second,
    })
}

/// Runs on SQLite, and on PostgreSQL when `postgres_url` names a server (fresh databases).
pub async fn ledger(
    postings: usize,
    postgres_url: Option<&str>,
) -> anyhow::Result<Vec<LedgerBenchRow>> {
    let mut rows = vec![
        run_one(
            "sqlite",
            sqlite_test_store().await?,
            sqlite_test_store().await?,
            postings,
        )
        .await?,
    ];
    if let Some(url) = postgres_url {
        rows.push(
            run_one(
                "postgres",
                postgres_test_store(url).await?,
                postgres_test_store(url).await?,
                postings,
            )
            .await?,
        );
    }
    Ok(rows)
}
