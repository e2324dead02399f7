//! The journal: append-only and hash-chained. Each entry's hash covers the previous entry's
//! hash and every field of its own, so changing or removing any entry breaks every hash
//! after it, which `verify` finds.

use sha2::{Digest, Sha256};
use sqlx::{Any, AnyPool, Row, Transaction};

use crate::models::NewJournalEntry;
use crate::{StoreError, StoreResult};

/// The place reserved for the next entry: its sequence number and the hash it chains to.
pub(crate) struct JournalSlot {
    seq: i64,
    prev_hash: String,
}

/// A stored journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub seq: i64,
    pub at_ms: i64,
    pub actor: String,
    pub kind: String,
    pub subject: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalVerification {
    Intact { entries: i64 },
    Broken { seq: i64, reason: String },
}

/// SHA-256 over the previous hash and the entry's fields, each prefixed by its length so no
/// two different entries can encode to the same bytes.
pub fn entry_hash(prev_hash: &str, seq: i64, entry: &NewJournalEntry) -> String {
    let mut hasher = Sha256::new();
    let at_ms = entry.at_ms.to_string();
    let seq = seq.to_string();
    for field in [
        prev_hash,
        &seq,
        &at_ms,
        &entry.actor,
        &entry.kind,
        &entry.subject,
        &entry.payload,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Takes the next sequence number. As the first write of a transaction it also takes the
/// write lock (SQLite) or the head row's lock (PostgreSQL), so appends never interleave.
pub(crate) async fn reserve(
    transaction: &mut Transaction<'static, Any>,
) -> StoreResult<JournalSlot> {
    let row = sqlx::query("UPDATE journal_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **transaction)
        .await?;
    Ok(JournalSlot {
        seq: row.try_get(0)?,
        prev_hash: row.try_get(1)?,
    })
}

/// Writes the entry into its reserved slot and moves the head to it.
pub(crate) async fn write(
    transaction: &mut Transaction<'static, Any>,
    slot: JournalSlot,
    entry: &NewJournalEntry,
) -> StoreResult<i64> {
    let hash = entry_hash(&slot.prev_hash, slot.seq, entry);
    sqlx::query(
        "INSERT INTO journal (seq, at_ms, actor, kind, subject, payload, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(slot.seq)
    .bind(entry.at_ms)
    .bind(&entry.actor)
    .bind(&entry.kind)
    .bind(&entry.subject)
    .bind(&entry.payload)
    .bind(&slot.prev_hash)
    .bind(&hash)
    .execute(&mut **transaction)
    .await?;
    sqlx::query("UPDATE journal_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut **transaction)
        .await?;
    Ok(slot.seq)
}

/// The journal's head, locked for the rest of the transaction: entries written after it
/// chain from here. Taken as a transaction's first write (like `reserve`), before the caller
/// knows how many entries it will write.
pub(crate) struct JournalHead {
    seq: i64,
    hash: String,
}

impl JournalHead {
    /// The sequence number `write_many` gives the entry at `index` of its batch.
    pub(crate) fn seq_of(&self, index: usize) -> i64 {
        self.seq + 1 + i64::try_from(index).unwrap_or(i64::MAX - self.seq - 1)
    }
}

/// Locks the journal's head without moving it (see `reserve` for why it comes first).
pub(crate) async fn lock_head(
    transaction: &mut Transaction<'static, Any>,
) -> StoreResult<JournalHead> {
    let row = sqlx::query("UPDATE journal_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **transaction)
        .await?;
    Ok(JournalHead {
        seq: row.try_get(0)?,
        hash: row.try_get(1)?,
    })
}

/// Rows per multi-row journal insert (8 parameters a row).
const JOURNAL_ROWS_PER_STATEMENT: usize = 500;

/// Appends `entries` in order after a locked head, each chained to the one before, with
/// multi-row inserts, and moves the head once.
pub(crate) async fn write_many(
    transaction: &mut Transaction<'static, Any>,
    head: JournalHead,
    entries: &[NewJournalEntry],
    backend: crate::Backend,
) -> StoreResult<()> {
    let mut seq = head.seq;
    let mut prev_hash = head.hash;
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        seq += 1;
        let hash = entry_hash(&prev_hash, seq, entry);
        rows.push((
            seq,
            entry,
            std::mem::replace(&mut prev_hash, hash.clone()),
            hash,
        ));
    }
    for chunk in rows.chunks(JOURNAL_ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO journal (seq, at_ms, actor, kind, subject, payload, prev_hash, hash) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for (seq, entry, prev, hash) in chunk {
            query = query
                .bind(*seq)
                .bind(entry.at_ms)
                .bind(&entry.actor)
                .bind(&entry.kind)
                .bind(&entry.subject)
                .bind(&entry.payload)
                .bind(prev)
                .bind(hash);
        }
        query.execute(&mut **transaction).await?;
    }
    sqlx::query("UPDATE journal_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&prev_hash)
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

/// Entries read per query while verifying, so memory stays flat however long the journal.
const VERIFY_PAGE_ENTRIES: i64 = 1000;

pub(crate) async fn verify(pool: &AnyPool) -> StoreResult<JournalVerification> {
    let mut expected_prev = "0".repeat(64);
    let mut expected_seq: i64 = 1;
    loop {
        let page = read_page(pool, expected_seq - 1).await?;
        if page.is_empty() {
            break;
        }
        for stored in &page {
            if let Some(reason) = check_entry(stored, expected_seq, &expected_prev) {
                return Ok(JournalVerification::Broken {
                    seq: stored.seq,
                    reason,
                });
            }
            expected_prev.clone_from(&stored.hash);
            expected_seq += 1;
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM journal_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    let head_seq: i64 = head.try_get(0)?;
    let head_hash: String = head.try_get(1)?;
    if head_seq != expected_seq - 1 || head_hash != expected_prev {
        let reason = format!(
            "the head says entry {head_seq}, the journal ends at {}",
            expected_seq - 1
        );
        return Ok(JournalVerification::Broken {
            seq: head_seq,
            reason,
        });
    }
    Ok(JournalVerification::Intact {
        entries: expected_seq - 1,
    })
}

fn check_entry(stored: &JournalEntry, expected_seq: i64, expected_prev: &str) -> Option<String> {
    if stored.seq != expected_seq {
        return Some(format!("entry {expected_seq} is missing"));
    }
    if stored.prev_hash != expected_prev {
        return Some("it does not chain to the entry before it".into());
    }
    let fields = NewJournalEntry {
        at_ms: stored.at_ms,
        actor: stored.actor.clone(),
        kind: stored.kind.clone(),
        subject: stored.subject.clone(),
        payload: stored.payload.clone(),
    };
    if entry_hash(&stored.prev_hash, stored.seq, &fields) != stored.hash {
        return Some("its content does not match its hash: it was changed".into());
    }
    None
}

async fn read_page(pool: &AnyPool, after_seq: i64) -> StoreResult<Vec<JournalEntry>> {
    let rows = sqlx::query(
        "SELECT seq, at_ms, actor, kind, subject, payload, prev_hash, hash FROM journal \
         WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after_seq)
    .bind(VERIFY_PAGE_ENTRIES)
    .fetch_all(pool)
    .await?;
    let read = |error: sqlx::Error| StoreError::Corrupt(format!("journal row: {error}"));
    rows.iter()
        .map(|row| {
            Ok(JournalEntry {
                seq: row.try_get(0).map_err(read)?,
                at_ms: row.try_get(1).map_err(read)?,
                actor: row.try_get(2).map_err(read)?,
                kind: row.try_get(3).map_err(read)?,
                subject: row.try_get(4).map_err(read)?,
                payload: row.try_get(5).map_err(read)?,
                prev_hash: row.try_get(6).map_err(read)?,
                hash: row.try_get(7).map_err(read)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(payload: &str) -> NewJournalEntry {
        NewJournalEntry {
            at_ms: 1,
            actor: "a".into(),
            kind: "k".into(),
            subject: "s".into(),
            payload: payload.into(),
        }
    }

    #[test]
    fn hashes_cover_every_field_and_the_chain() {
        let base = entry_hash("0", 1, &entry("{}"));
        assert_eq!(base.len(), 64);
        assert_ne!(base, entry_hash("1", 1, &entry("{}")));
        assert_ne!(base, entry_hash("0", 2, &entry("{}")));
        assert_ne!(base, entry_hash("0", 1, &entry("{ }")));
        let mut moved = entry("{}");
        moved.actor = "ak".into();
        moved.kind = "".into();
        assert_ne!(base, entry_hash("0", 1, &moved));
    }
}
