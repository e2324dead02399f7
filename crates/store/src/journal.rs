//! The journal: append-only and chained. Each entry's tag covers the previous entry's tag and
//! every field of its own, so changing or removing any entry breaks every tag after it,
//! which `verify` finds. Tags are HMAC-SHA-256 under the journal key, which lives outside
//! the database (derived from the master key): someone who can write the database file can
//! still rewrite an entry, but cannot compute the tags that would hide it. Entries written
//! before the journal was keyed keep their plain SHA-256 hashes; see `keying` for the
//! switch-over.

use reilu_vault::JournalKey;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};

use crate::StoreResult;
use crate::keying::Keyring;
use crate::models::NewJournalEntry;

/// The place reserved for the next entry: its sequence number, the tag it chains to and the
/// key that tags it.
pub(crate) struct JournalSlot {
    seq: i64,
    prev_hash: String,
    key: JournalKey,
}

impl JournalSlot {
    pub(crate) fn seq(&self) -> i64 {
        self.seq
    }

    /// The key the entry will be tagged with; the import's postings are tagged with it too.
    pub(crate) fn key(&self) -> &JournalKey {
        &self.key
    }
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

/// The fields an entry's hash or tag covers, in order.
fn entry_fields(prev_hash: &str, seq: i64, entry: &NewJournalEntry) -> [String; 7] {
    [
        prev_hash.to_owned(),
        seq.to_string(),
        entry.at_ms.to_string(),
        entry.actor.clone(),
        entry.kind.clone(),
        entry.subject.clone(),
        entry.payload.clone(),
    ]
}

/// The plain SHA-256 of entries written before the journal was keyed: over the previous
/// hash and the entry's fields, each prefixed by its length so no two different entries can
/// encode to the same bytes.
pub fn entry_hash(prev_hash: &str, seq: i64, entry: &NewJournalEntry) -> String {
    let mut hasher = Sha256::new();
    for field in entry_fields(prev_hash, seq, entry) {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The tag of a keyed entry: HMAC-SHA-256 under the journal key over the same fields as
/// [`entry_hash`], length-prefixed the same way.
pub fn entry_tag(key: &JournalKey, prev_hash: &str, seq: i64, entry: &NewJournalEntry) -> String {
    let fields = entry_fields(prev_hash, seq, entry);
    let parts: Vec<&[u8]> = fields.iter().map(|field| field.as_bytes()).collect();
    key.tag(&parts)
}

/// Takes the next sequence number. As the first write of a transaction it also takes the
/// write lock (SQLite) or the head row's lock (PostgreSQL), so appends never interleave.
/// Refused when the store was opened with another key than the journal's.
pub(crate) async fn reserve(
    transaction: &mut Transaction<'static, Any>,
    keyring: &Keyring,
) -> StoreResult<JournalSlot> {
    let key = keyring.writing_key()?;
    let row = sqlx::query("UPDATE journal_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **transaction)
        .await?;
    Ok(JournalSlot {
        seq: row.try_get(0)?,
        prev_hash: row.try_get(1)?,
        key,
    })
}

/// Writes the entry into its reserved slot and moves the head to it.
pub(crate) async fn write(
    transaction: &mut Transaction<'static, Any>,
    slot: JournalSlot,
    entry: &NewJournalEntry,
) -> StoreResult<i64> {
    let hash = entry_tag(&slot.key, &slot.prev_hash, slot.seq, entry);
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
    key: JournalKey,
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
    keyring: &Keyring,
) -> StoreResult<JournalHead> {
    let key = keyring.writing_key()?;
    let row = sqlx::query("UPDATE journal_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **transaction)
        .await?;
    Ok(JournalHead {
        seq: row.try_get(0)?,
        hash: row.try_get(1)?,
        key,
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
        let hash = entry_tag(&head.key, &prev_hash, seq, entry);
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
