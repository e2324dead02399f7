//! Contact data from later claims: a claim for a customer who exists brings the customer's
//! newer address, e-mail or phone, and the stored record is updated with it.
//!
//! Done inside the placing transaction, so a claim is placed exactly when its contact data
//! is taken: a crash loses both or neither, and a re-run (the claim is then a duplicate) has
//! nothing left to redo. Re-running an old file therefore never brings back an old address.
//! The store cannot open or seal personal data: it reads the stored records of the customers
//! concerned in one query per 500, journals that read (`personal_data.read`, before the app
//! opens anything), hands them to the app's [`MergeContacts`], and writes back what changed.
//! The placing transaction holds the main journal's head from its start, so two batches naming
//! the same customer merge one after the other, never from the same stored record.
//! The alternative — place, then merge in a second call — would either lose an update to a
//! crash between the two (the claims, now duplicates, would not bring it again) or, if
//! duplicates were merged too, let an old file re-imported bring back an old address.

use std::collections::{HashMap, HashSet};

use sqlx::Row;

use super::{ROWS_PER_STATEMENT, Tx, index_bytes, lookup};
use crate::journal::{self, Journal};
use crate::models::NewJournalEntry;
use crate::models::{ClaimBatch, ContactMerge, ContactUpdate, MergeContacts, NewClaim};
use crate::{Backend, SqlStore, StoreError, StoreResult};

/// Merges the placed claims' contact data into their customers' records; returns the journal
/// entries (`customer.contact_updated`) for the main chain, one per customer that changed.
pub(super) async fn update(
    transaction: &mut Tx,
    batch: &ClaimBatch,
    placed: &[&NewClaim],
    customer_ids: &HashMap<String, String>,
    existed: &HashSet<String>,
    store: &SqlStore,
    merge: &MergeContacts<'_>,
) -> StoreResult<Vec<NewJournalEntry>> {
    let backend = store.backend();
    let access = store.journal(journal::ACCESS);
    let mut merges = wanted(placed, customer_ids, existed)?;
    if merges.is_empty() {
        return Ok(Vec::new());
    }
    read_stored(transaction, &mut merges, backend).await?;
    journal_read(transaction, batch, &merges, access).await?;
    let updates = merge(&merges)?;
    write_updates(transaction, &updates, backend).await?;
    Ok(updates.iter().map(|update| event(batch, update)).collect())
}

/// The customers with work: every one that existed before the batch, and every one the batch
/// created and names more than once. Claims in batch order.
fn wanted<'b>(
    placed: &[&'b NewClaim],
    customer_ids: &HashMap<String, String>,
    existed: &HashSet<String>,
) -> StoreResult<Vec<ContactMerge<'b>>> {
    let mut by_customer: HashMap<&str, usize> = HashMap::new();
    let mut merges: Vec<ContactMerge<'b>> = Vec::new();
    for claim in placed {
        let index = claim.customer.national_id_index.as_str();
        let customer_id = lookup(customer_ids, index)?;
        let slot = *by_customer.entry(customer_id.as_str()).or_insert_with(|| {
            merges.push(ContactMerge {
                customer_id: customer_id.clone(),
                kind: String::new(),
                language: String::new(),
                personal_data: Vec::new(),
                existed: existed.contains(index),
                claims: Vec::new(),
            });
            merges.len() - 1
        });
        merges[slot].claims.push(claim);
    }
    merges.retain(|merge| merge.existed || merge.claims.len() > 1);
    Ok(merges)
}

/// Fills in each customer's stored kind, language and sealed record. A customer this batch
/// created holds its first claim's record (its id is that claim's customer id), known without
/// a read; the others are read in one query per 500.
async fn read_stored(
    transaction: &mut Tx,
    merges: &mut [ContactMerge<'_>],
    backend: Backend,
) -> StoreResult<()> {
    let existed: Vec<&str> = merges
        .iter()
        .filter(|merge| created_record(merge).is_none())
        .map(|merge| merge.customer_id.as_str())
        .collect();
    let mut stored: HashMap<String, (String, String, Vec<u8>)> =
        HashMap::with_capacity(existed.len());
    for chunk in existed.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT id, kind, language, personal_data FROM customers WHERE id IN ({})",
            crate::sql::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for customer_id in chunk {
            query = query.bind(*customer_id);
        }
        for row in query.fetch_all(&mut **transaction).await? {
            stored.insert(
                row.try_get(0)?,
                (row.try_get(1)?, row.try_get(2)?, row.try_get(3)?),
            );
        }
    }
    for merge in merges.iter_mut() {
        let (kind, language, sealed) = match created_record(merge) {
            Some(record) => record,
            None => stored.remove(&merge.customer_id).ok_or_else(|| {
                StoreError::Corrupt(format!("customer {} vanished", merge.customer_id))
            })?,
        };
        merge.kind = kind;
        merge.language = language;
        merge.personal_data = sealed;
    }
    Ok(())
}

/// The record a customer created by this batch was inserted with: its first claim's (None for
/// a customer who existed, or, defensively, one whose first claim here did not create it).
fn created_record(merge: &ContactMerge<'_>) -> Option<(String, String, Vec<u8>)> {
    let first = &merge.claims.first()?.customer;
    (!merge.existed && first.id == merge.customer_id).then(|| {
        (
            first.kind.as_str().to_owned(),
            first.language.clone(),
            first.personal_data.clone(),
        )
    })
}

/// Journals the read of the records stored before this batch, before the app opens them.
/// Customers the batch created hold only what the batch itself brought: nothing to journal.
async fn journal_read(
    transaction: &mut Tx,
    batch: &ClaimBatch,
    merges: &[ContactMerge<'_>],
    access: Journal<'_>,
) -> StoreResult<()> {
    let customers: Vec<&str> = merges
        .iter()
        .filter(|merge| merge.existed)
        .map(|merge| merge.customer_id.as_str())
        .collect();
    if customers.is_empty() {
        return Ok(());
    }
    let payload = serde_json::json!({
        "purpose": format!("contact data from later claims ({})", batch.source),
        "customer_ids": customers,
    });
    let entry = NewJournalEntry {
        at_ms: batch.at_ms,
        actor: batch.actor.clone(),
        kind: "personal_data.read".into(),
        subject: format!("client:{}", batch.client_id),
        payload: payload.to_string(),
    };
    let slot = journal::reserve(transaction, access).await?;
    journal::write(transaction, slot, &entry).await?;
    Ok(())
}

/// One multi-row `UPDATE … FROM (VALUES …)` per 500 customers whose data changed (both
/// backends name a `VALUES` list's columns `column1`, `column2`, …; SQLite takes `UPDATE …
/// FROM` since 3.33): a client resending its whole portfolio with new addresses costs a few
/// statements per chunk, not a round trip per customer.
async fn write_updates(
    transaction: &mut Tx,
    updates: &[ContactUpdate],
    backend: Backend,
) -> StoreResult<()> {
    for chunk in updates.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "UPDATE customers SET personal_data = v.column2, email_index = v.column3, \
             phone_index = v.column4, language = v.column5 \
             FROM (VALUES {}) AS v WHERE customers.id = v.column1",
            crate::sql::value_rows(backend, chunk.len(), 5)
        );
        let mut query = sqlx::query(&sql);
        for update in chunk {
            query = query
                .bind(update.customer_id.as_str())
                .bind(update.personal_data.as_slice())
                .bind(update.email_index.as_deref().map(index_bytes).transpose()?)
                .bind(update.phone_index.as_deref().map(index_bytes).transpose()?)
                .bind(update.language.as_str());
        }
        let done = query.execute(&mut **transaction).await?;
        if usize::try_from(done.rows_affected()).ok() != Some(chunk.len()) {
            return Err(StoreError::Corrupt(
                "a customer whose contact data changed vanished".into(),
            ));
        }
    }
    Ok(())
}

/// Names the fields that changed and the claims they came from; never a value.
fn event(batch: &ClaimBatch, update: &ContactUpdate) -> NewJournalEntry {
    let payload = serde_json::json!({
        "fields": update.fields,
        "client_id": batch.client_id,
        "client_claim_refs": update.client_claim_refs,
        "source": batch.source,
    });
    NewJournalEntry {
        at_ms: batch.at_ms,
        actor: batch.actor.clone(),
        kind: "customer.contact_updated".into(),
        subject: format!("customer:{}", update.customer_id),
        payload: payload.to_string(),
    }
}
