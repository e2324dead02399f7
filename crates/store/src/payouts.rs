//! Runs of money out (remittances, sweeps, refunds): a run's postings, its records and the
//! exact bytes of its bank files are written in one transaction, or nothing is. The files
//! are put in place by the application after the commit (see `reilu_app::payout` for the
//! protocol), which then records that it did (`payout_publications`).

use sqlx::Row;

use crate::ledger::write_postings;
use crate::models::{NewJournalEntry, NewPosting, Remittance};
use crate::{SqlStore, StoreError, StoreResult, journal};

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// One bank file of a run: its name in the output folder, its SHA-256 and its bytes sealed
/// by the vault (a refund file names a customer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayoutFile {
    pub name: String,
    pub sha256: String,
    pub sealed: Vec<u8>,
}

/// How a balance the run was planned on must stand when it is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Unchanged: the amounts paid were computed from it.
    Exactly(i64),
    /// At least this much: a bank account must still hold what leaves it.
    AtLeast(i64),
}

/// A kept balance (not a receivable) the run depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceGuard {
    pub account: String,
    pub currency: String,
    pub guard: Guard,
}

/// Money paid back to a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefund {
    pub end_to_end_id: String,
    /// `unmatched` (a queued payment sent back) or `overpayment`.
    pub kind: String,
    /// The bank entry refunded or whose payer is paid: account and bank reference.
    pub entry: Option<(String, String)>,
    pub case_number: Option<i64>,
    pub currency: String,
    pub amount_minor: i64,
    /// Our account the refund leaves from.
    pub debtor_iban: String,
    /// The payee's name and IBAN, sealed by the vault.
    pub payee_sealed: Vec<u8>,
    /// Index of its posting in the run's postings.
    pub posting: usize,
}

/// A queued bank entry resolved by the run (refunded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResolution {
    pub account_iban: String,
    pub bank_reference: String,
    /// `assigned` or `refunded`.
    pub resolution: String,
    pub case_number: Option<i64>,
    /// Index of its posting in the run's postings.
    pub posting: usize,
}

/// A run to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayoutRun {
    /// Unique: `remittance:2026-11-25`, `sweep:2026-11-25`, `refund:…`.
    pub key: String,
    /// `remittance`, `sweep` or `refund`.
    pub kind: String,
    pub run_date: String,
    pub actor: String,
    pub at_ms: i64,
    pub files: Vec<NewPayoutFile>,
    pub postings: Vec<NewPosting>,
    pub guards: Vec<BalanceGuard>,
    /// Each with the index of its posting.
    pub remittances: Vec<(Remittance, usize)>,
    pub refunds: Vec<NewRefund>,
    pub resolutions: Vec<NewResolution>,
    /// What the run did, for the journal (the store adds the run's own entry after them).
    pub journal: Vec<NewJournalEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunRecorded {
    Recorded {
        posting_ids: Vec<i64>,
    },
    /// A run with this key was recorded before: nothing was written.
    AlreadyRecorded,
}

/// A recorded run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutRunRow {
    pub key: String,
    pub kind: String,
    pub run_date: String,
    pub recorded_at_ms: i64,
    /// When its files were put in place; None while they wait for it.
    pub published_at_ms: Option<i64>,
}

/// A recorded run's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutFileRow {
    pub name: String,
    pub sha256: String,
    pub sealed: Vec<u8>,
}

pub(crate) async fn record(store: &SqlStore, run: &NewPayoutRun) -> StoreResult<RunRecorded> {
    let mut transaction = store.pool().begin().await?;
    // The journal's head first: it serialises this run with every other writer, so the
    // guards below read balances nobody changes before the commit.
    let head = journal::lock_head(&mut transaction, store.journal(journal::MAIN)).await?;
    let earlier = sqlx::query("SELECT 1 FROM payout_runs WHERE run_key = $1")
        .bind(&run.key)
        .fetch_optional(&mut *transaction)
        .await?;
    if earlier.is_some() {
        transaction.rollback().await?;
        return Ok(RunRecorded::AlreadyRecorded);
    }
    check_guards(&mut transaction, &run.guards).await?;
    for resolution in &run.resolutions {
        crate::unmatched::check_still_queued(
            &mut transaction,
            &resolution.account_iban,
            &resolution.bank_reference,
        )
        .await?;
    }
    insert_run(&mut transaction, run).await?;
    let posting_ids = write_postings(
        &mut transaction,
        &run.postings,
        store.backend(),
        store.keyring().key(),
    )
    .await?;
    let posting_of = |index: usize| {
        posting_ids.get(index).copied().ok_or_else(|| {
            StoreError::Conflict(format!("the run names posting {index}, which it lacks"))
        })
    };
    for (remittance, index) in &run.remittances {
        insert_remittance(&mut transaction, remittance, posting_of(*index)?, run).await?;
    }
    for refund in &run.refunds {
        insert_refund(
            &mut transaction,
            refund,
            posting_of(refund.posting)?,
            &run.key,
        )
        .await?;
    }
    for resolution in &run.resolutions {
        crate::unmatched::insert_resolution(
            &mut transaction,
            resolution,
            posting_of(resolution.posting)?,
            &run.actor,
            run.at_ms,
        )
        .await?;
    }
    let mut entries = run.journal.clone();
    entries.push(run_entry(run, &posting_ids));
    journal::write_many(&mut transaction, head, &entries, store.backend()).await?;
    transaction.commit().await?;
    Ok(RunRecorded::Recorded { posting_ids })
}

/// The run's own journal entry: its files (name and SHA-256) and postings.
fn run_entry(run: &NewPayoutRun, posting_ids: &[i64]) -> NewJournalEntry {
    let files: Vec<serde_json::Value> = run
        .files
        .iter()
        .map(|file| serde_json::json!({ "name": file.name, "sha256": file.sha256 }))
        .collect();
    let payload = serde_json::json!({
        "kind": run.kind, "run_date": run.run_date, "files": files, "posting_ids": posting_ids,
    });
    NewJournalEntry {
        at_ms: run.at_ms,
        actor: run.actor.clone(),
        kind: "payout.recorded".into(),
        subject: format!("payout:{}", run.key),
        payload: payload.to_string(),
    }
}

/// Refuses the run when a balance it was planned on has moved (a payment imported, another
/// run recorded since): the caller plans again from the new balances.
async fn check_guards(transaction: &mut Tx, guards: &[BalanceGuard]) -> StoreResult<()> {
    for guard in guards {
        let row = sqlx::query(
            "SELECT balance_minor FROM account_balances WHERE account = $1 AND currency = $2",
        )
        .bind(&guard.account)
        .bind(&guard.currency)
        .fetch_optional(&mut **transaction)
        .await?;
        let balance_minor: i64 = match row {
            Some(row) => row.try_get(0)?,
            None => 0,
        };
        let holds = match guard.guard {
            Guard::Exactly(minor) => balance_minor == minor,
            Guard::AtLeast(minor) => balance_minor >= minor,
        };
        if !holds {
            return Err(StoreError::Conflict(format!(
                "{} {} moved to {balance_minor} minor units while the run was prepared; nothing was paid, run it again",
                guard.account, guard.currency
            )));
        }
    }
    Ok(())
}

async fn insert_run(transaction: &mut Tx, run: &NewPayoutRun) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO payout_runs (run_key, kind, run_date, actor, recorded_at_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&run.key)
    .bind(&run.kind)
    .bind(&run.run_date)
    .bind(&run.actor)
    .bind(run.at_ms)
    .execute(&mut **transaction)
    .await?;
    for file in &run.files {
        let taken = sqlx::query("SELECT run_key FROM payout_files WHERE file_name = $1")
            .bind(&file.name)
            .fetch_optional(&mut **transaction)
            .await?;
        if let Some(row) = taken {
            let other: String = row.try_get(0)?;
            return Err(StoreError::Conflict(format!(
                "the file name {} belongs to the run {other} already",
                file.name
            )));
        }
        sqlx::query(
            "INSERT INTO payout_files (run_key, file_name, sha256, sealed_content) VALUES ($1, $2, $3, $4)",
        )
        .bind(&run.key)
        .bind(&file.name)
        .bind(&file.sha256)
        .bind(file.sealed.clone())
        .execute(&mut **transaction)
        .await?;
    }
    Ok(())
}

async fn insert_remittance(
    transaction: &mut Tx,
    remittance: &Remittance,
    posting_id: i64,
    run: &NewPayoutRun,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO remittances (run_date, client_id, currency, owed_minor, commission_minor, paid_minor, debtor_iban, \
         creditor_iban, posting_id, created_at_ms, run_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&remittance.run_date)
    .bind(&remittance.client_id)
    .bind(&remittance.currency)
    .bind(remittance.owed_minor)
    .bind(remittance.commission_minor)
    .bind(remittance.paid_minor)
    .bind(&remittance.debtor_iban)
    .bind(&remittance.creditor_iban)
    .bind(posting_id)
    .bind(run.at_ms)
    .bind(&run.key)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

async fn insert_refund(
    transaction: &mut Tx,
    refund: &NewRefund,
    posting_id: i64,
    run_key: &str,
) -> StoreResult<()> {
    let (account_iban, bank_reference) = match &refund.entry {
        Some((account, reference)) => (Some(account.clone()), Some(reference.clone())),
        None => (None, None),
    };
    sqlx::query(
        "INSERT INTO refunds (run_key, end_to_end_id, kind, account_iban, bank_reference, case_number, currency, \
         amount_minor, debtor_iban, payee_sealed, posting_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(run_key)
    .bind(&refund.end_to_end_id)
    .bind(&refund.kind)
    .bind(account_iban)
    .bind(bank_reference)
    .bind(refund.case_number)
    .bind(&refund.currency)
    .bind(refund.amount_minor)
    .bind(&refund.debtor_iban)
    .bind(refund.payee_sealed.clone())
    .bind(posting_id)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

const RUN_COLUMNS: &str = "r.run_key, r.kind, r.run_date, r.recorded_at_ms, p.published_at_ms \
     FROM payout_runs r LEFT JOIN payout_publications p ON p.run_key = r.run_key";

fn run_from_row(row: &sqlx::any::AnyRow) -> StoreResult<PayoutRunRow> {
    Ok(PayoutRunRow {
        key: row.try_get(0)?,
        kind: row.try_get(1)?,
        run_date: row.try_get(2)?,
        recorded_at_ms: row.try_get(3)?,
        published_at_ms: row.try_get(4)?,
    })
}

pub(crate) async fn run(store: &SqlStore, key: &str) -> StoreResult<Option<PayoutRunRow>> {
    let row = sqlx::query(&format!("SELECT {RUN_COLUMNS} WHERE r.run_key = $1"))
        .bind(key)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(run_from_row).transpose()
}

/// Runs recorded whose files were never put in place, oldest first.
pub(crate) async fn unpublished(store: &SqlStore) -> StoreResult<Vec<PayoutRunRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {RUN_COLUMNS} WHERE p.run_key IS NULL ORDER BY r.recorded_at_ms, r.run_key"
    ))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(run_from_row).collect()
}

pub(crate) async fn files(store: &SqlStore, key: &str) -> StoreResult<Vec<PayoutFileRow>> {
    let rows = sqlx::query(
        "SELECT file_name, sha256, sealed_content FROM payout_files WHERE run_key = $1 ORDER BY file_name",
    )
    .bind(key)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PayoutFileRow {
                name: row.try_get(0)?,
                sha256: row.try_get(1)?,
                sealed: row.try_get(2)?,
            })
        })
        .collect()
}

/// Records that a run's files are in place; a second time changes nothing.
pub(crate) async fn publish(store: &SqlStore, key: &str, at_ms: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO payout_publications (run_key, published_at_ms) VALUES ($1, $2) ON CONFLICT (run_key) DO NOTHING",
    )
    .bind(key)
    .bind(at_ms)
    .execute(store.pool())
    .await?;
    Ok(())
}
