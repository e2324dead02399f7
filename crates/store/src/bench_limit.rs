//! The limit the ledger benchmark measures against: the same rows a batch of payments
//! writes (postings with their lines, the lines of accounts with statements, the bank
//! entries), inserted plainly in batches — no
//! idempotency check, no balances, no journal, no allocation. Used only by `reilu bench ledger`.

use crate::ledger::{account_line_statements, lines_json};
use crate::models::{BankEntryRecord, NewPosting, PostingEntryRow};
use crate::sql::execute_all;
use crate::sql::value_rows;
use crate::{SqlStore, StoreResult};

/// Inserts one transaction's worth of rows; ids are given by the caller.
pub async fn insert_plain_rows(
    store: &SqlStore,
    first_id: i64,
    postings: &[NewPosting],
    entries: &[BankEntryRecord],
) -> StoreResult<()> {
    let backend = store.backend();
    let mut transaction = store.pool().begin().await?;
    for (chunk_index, chunk) in postings.chunks(500).enumerate() {
        let sql = format!(
            "INSERT INTO postings (id, kind, at_ms, corrects, idempotency_key, description, lines, entries_sha256) VALUES {}",
            value_rows(backend, chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for (offset, posting) in chunk.iter().enumerate() {
            let id = first_id + i64::try_from(chunk_index * 500 + offset).unwrap_or(0);
            query = query
                .bind(id)
                .bind(&posting.kind)
                .bind(posting.at_ms)
                .bind(posting.corrects)
                .bind(posting.idempotency_key.as_deref())
                .bind(&posting.description)
                .bind(lines_json(&posting.entries)?)
                .bind("");
        }
        query.execute(&mut *transaction).await?;
    }
    // The statement lines are the same rows the ledger writes, by the same insert.
    let with_ids: Vec<(i64, &[PostingEntryRow])> = postings
        .iter()
        .enumerate()
        .map(|(index, posting)| {
            (
                first_id + i64::try_from(index).unwrap_or(0),
                posting.entries.as_slice(),
            )
        })
        .collect();
    execute_all(
        &mut transaction,
        account_line_statements(&with_ids, backend)?,
    )
    .await?;
    for chunk in entries.chunks(500) {
        let sql = format!(
            "INSERT INTO bank_entries (account_iban, bank_reference, message_id, direction, reversal, amount_minor, currency, \
             booking_date, structured_reference, unstructured, end_to_end_id, outcome, case_number, posting_id, reason, imported_at_ms) VALUES {}",
            value_rows(backend, chunk.len(), 16)
        );
        let mut query = sqlx::query(&sql);
        for entry in chunk {
            query = query
                .bind(&entry.account_iban)
                .bind(&entry.bank_reference)
                .bind(&entry.message_id)
                .bind(&entry.direction)
                .bind(0_i64)
                .bind(entry.amount_minor)
                .bind(&entry.currency)
                .bind(entry.booking_date.as_deref())
                .bind(entry.structured_reference.as_deref())
                .bind(&entry.unstructured)
                .bind(entry.end_to_end_id.as_deref())
                .bind("unmatched")
                .bind(None::<i64>)
                .bind(None::<i64>)
                .bind("bench")
                .bind(0_i64);
        }
        query.execute(&mut *transaction).await?;
    }
    transaction.commit().await?;
    Ok(())
}
