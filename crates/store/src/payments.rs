//! Payments from bank files: each bank entry recorded once per account and bank reference,
//! allocated and posted in the same transaction as its record, so a crash between the two
//! cannot happen and a re-run skips what is already recorded.

use std::collections::HashSet;

use reilu_core::{Currency, Money};
use reilu_ledger::{Component, Posting, allocate, payment_received, payment_unmatched};
use sqlx::Row;

use crate::ledger::write_posting;
use crate::models::{
    BankEntryRecord, NewJournalEntry, NewPosting, PaymentInstruction, PaymentOutcome,
    PaymentTarget, PostingEntryRow, UnmatchedPayment,
};
use crate::{Backend, SqlStore, StoreError, StoreResult, journal};

/// A batch larger than this is a caller's bug: imports stream files in smaller chunks.
pub const PAYMENTS_PER_BATCH_MAX: usize = 20_000;

pub(crate) async fn record_payments(
    store: &SqlStore,
    batch: &[PaymentInstruction],
    actor: &str,
    at_ms: i64,
) -> StoreResult<Vec<PaymentOutcome>> {
    if batch.len() > PAYMENTS_PER_BATCH_MAX {
        return Err(StoreError::Conflict(format!(
            "a batch holds at most {PAYMENTS_PER_BATCH_MAX} payments"
        )));
    }
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction).await?;
    let recorded = already_recorded(&mut transaction, batch).await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut seen_in_batch: HashSet<(&str, &str)> = HashSet::new();
    for instruction in batch {
        let key = (
            instruction.entry.account_iban.as_str(),
            instruction.entry.bank_reference.as_str(),
        );
        if recorded.contains(&(key.0.to_owned(), key.1.to_owned())) || !seen_in_batch.insert(key) {
            outcomes.push(PaymentOutcome::AlreadyRecorded);
            continue;
        }
        outcomes
            .push(record_one(&mut transaction, instruction, actor, at_ms, store.backend()).await?);
    }
    let posted = outcomes
        .iter()
        .filter(|outcome| !matches!(outcome, PaymentOutcome::AlreadyRecorded))
        .count();
    let payload = serde_json::json!({ "entries": batch.len(), "recorded": posted });
    let entry = NewJournalEntry {
        at_ms,
        actor: actor.to_owned(),
        kind: "payments.recorded".into(),
        subject: "bank".into(),
        payload: payload.to_string(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(outcomes)
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

async fn already_recorded(
    transaction: &mut Tx,
    batch: &[PaymentInstruction],
) -> StoreResult<HashSet<(String, String)>> {
    let mut found = HashSet::new();
    let references: Vec<&str> = batch
        .iter()
        .map(|instruction| instruction.entry.bank_reference.as_str())
        .collect();
    for chunk in references.chunks(500) {
        let list: Vec<String> = (0..chunk.len())
            .map(|index| format!("${}", index + 1))
            .collect();
        let sql = format!(
            "SELECT account_iban, bank_reference FROM bank_entries WHERE bank_reference IN ({})",
            list.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for reference in chunk {
            query = query.bind(*reference);
        }
        for row in query.fetch_all(&mut **transaction).await? {
            found.insert((row.try_get(0)?, row.try_get(1)?));
        }
    }
    Ok(found)
}

async fn record_one(
    transaction: &mut Tx,
    instruction: &PaymentInstruction,
    actor: &str,
    at_ms: i64,
    backend: Backend,
) -> StoreResult<PaymentOutcome> {
    let entry = &instruction.entry;
    let currency =
        Currency::parse(&entry.currency).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let amount = Money::from_minor(entry.amount_minor, currency);
    let (posting, outcome, case_number) = match &instruction.target {
        PaymentTarget::Case {
            case_number,
            client_id,
            allocation_order,
        } => {
            let outstanding = outstanding(transaction, *case_number, currency).await?;
            let allocation =
                allocate(amount, &outstanding, allocation_order).map_err(ledger_error)?;
            let posting =
                payment_received(&entry.account_iban, *case_number, client_id, &allocation)
                    .map_err(ledger_error)?;
            (Some(posting), "matched", Some(*case_number))
        }
        PaymentTarget::Unmatched => (
            Some(payment_unmatched(&entry.account_iban, amount).map_err(ledger_error)?),
            "unmatched",
            None,
        ),
        PaymentTarget::Ignored => (None, "ignored", None),
    };
    let posting_id = match posting {
        Some(posting) => Some(
            write_posting(
                transaction,
                &to_rows(&posting, entry, actor, at_ms),
                backend,
            )
            .await?,
        ),
        None => None,
    };
    insert_entry(
        transaction,
        entry,
        outcome,
        case_number,
        posting_id,
        &instruction.reason,
        at_ms,
    )
    .await?;
    Ok(match outcome {
        "matched" => PaymentOutcome::Matched {
            posting_id: posting_id.unwrap_or(0),
            case_number: case_number.unwrap_or(0),
        },
        "unmatched" => PaymentOutcome::Unmatched {
            posting_id: posting_id.unwrap_or(0),
        },
        _ => PaymentOutcome::Ignored,
    })
}

fn ledger_error(error: reilu_ledger::LedgerError) -> StoreError {
    StoreError::Conflict(error.to_string())
}

/// What a case owes now, by component, in the payment's currency (within the transaction,
/// so an earlier payment of the same file is already counted).
async fn outstanding(
    transaction: &mut Tx,
    case_number: i64,
    currency: Currency,
) -> StoreResult<Vec<(Component, Money)>> {
    let rows = sqlx::query("SELECT account, balance_minor FROM account_balances WHERE account LIKE $1 AND currency = $2")
        .bind(format!("receivable:{case_number}:%"))
        .bind(currency.code())
        .fetch_all(&mut **transaction)
        .await?;
    let mut owed = Vec::with_capacity(rows.len());
    for row in rows {
        let account: String = row.try_get(0)?;
        let balance: i64 = row.try_get(1)?;
        if let Some(component) = account.rsplit(':').next().and_then(Component::parse) {
            owed.push((component, Money::from_minor(balance, currency)));
        }
    }
    Ok(owed)
}

fn to_rows(posting: &Posting, entry: &BankEntryRecord, actor: &str, at_ms: i64) -> NewPosting {
    NewPosting {
        kind: posting.kind().as_str().to_owned(),
        at_ms,
        corrects: None,
        idempotency_key: Some(format!(
            "bank:{}:{}",
            entry.account_iban, entry.bank_reference
        )),
        description: format!(
            "bank entry {} on {}",
            entry.bank_reference, entry.account_iban
        ),
        actor: actor.to_owned(),
        entries: posting
            .entries()
            .iter()
            .map(|line| PostingEntryRow {
                account: line.account.code(),
                currency: line.amount.currency().code().to_owned(),
                amount_minor: line.amount.amount_minor(),
            })
            .collect(),
    }
}

async fn insert_entry(
    transaction: &mut Tx,
    entry: &BankEntryRecord,
    outcome: &str,
    case_number: Option<i64>,
    posting_id: Option<i64>,
    reason: &str,
    at_ms: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO bank_entries (account_iban, bank_reference, message_id, direction, reversal, amount_minor, currency, \
         booking_date, structured_reference, unstructured, outcome, case_number, posting_id, reason, imported_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&entry.account_iban)
    .bind(&entry.bank_reference)
    .bind(&entry.message_id)
    .bind(&entry.direction)
    .bind(i64::from(entry.reversal))
    .bind(entry.amount_minor)
    .bind(&entry.currency)
    .bind(entry.booking_date.as_deref())
    .bind(entry.structured_reference.as_deref())
    .bind(&entry.unstructured)
    .bind(outcome)
    .bind(case_number)
    .bind(posting_id)
    .bind(reason)
    .bind(at_ms)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// The unmatched queue, oldest first.
pub(crate) async fn unmatched(store: &SqlStore, limit: i64) -> StoreResult<Vec<UnmatchedPayment>> {
    let rows = sqlx::query(
        "SELECT account_iban, bank_reference, amount_minor, currency, booking_date, structured_reference, unstructured, reason \
         FROM bank_entries WHERE outcome = 'unmatched' ORDER BY imported_at_ms, bank_reference LIMIT $1",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(UnmatchedPayment {
                account_iban: row.try_get(0)?,
                bank_reference: row.try_get(1)?,
                amount_minor: row.try_get(2)?,
                currency: row.try_get(3)?,
                booking_date: row.try_get(4)?,
                structured_reference: row.try_get(5)?,
                unstructured: row.try_get(6)?,
                reason: row.try_get(7)?,
            })
        })
        .collect()
}

/// Client and currency of each case, for matching payments to cases.
pub(crate) async fn case_owners(
    store: &SqlStore,
    case_numbers: &[i64],
) -> StoreResult<Vec<(i64, String, String, String)>> {
    let mut owners = Vec::with_capacity(case_numbers.len());
    for chunk in case_numbers.chunks(500) {
        let list: Vec<String> = (0..chunk.len())
            .map(|index| format!("${}", index + 1))
            .collect();
        let sql = format!(
            "SELECT case_number, client_id, market, currency FROM cases WHERE case_number IN ({})",
            list.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for number in chunk {
            query = query.bind(*number);
        }
        for row in query.fetch_all(store.pool()).await? {
            owners.push((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            ));
        }
    }
    Ok(owners)
}
