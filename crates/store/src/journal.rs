//! The journal: append-only and chained. Each entry's tag covers the previous entry's tag and
//! every field of its own, so changing or removing any entry breaks every tag after it,
//! which `verify` finds. Tags are HMAC-SHA-256 under the journal key, which lives outside
//! the database (derived from the master key): someone who can write the database file can
//! still rewrite an entry, but cannot compute the tags that would hide it. Entries written
//! before the journal was keyed keep their plain SHA-256 hashes; see `keying` for the
//! switch-over.
//!
//! The journal is partitioned into chains, each with its own head row (`journal_heads`), so
//! that writers of independent streams do not wait for each other's head (PostgreSQL; SQLite
//! has one writer anyway). The writer names its chain. Everything that reads or changes a
//! case or money writes to [`MAIN`]: the executor of the gate's decisions and the payments
//! import rely on holding that head to keep what they read true until they commit (case
//! versions, balances, posting ids), so they share one chain until they lock the cases they
//! touch instead. Operators and clients go to [`ADMIN`], published rates to [`RULES`] and
//! personal-data reads to [`ACCESS`]. Each entry also has a global `seq` (the order ids were
//! taken in, not necessarily the order of commits), which `case_decisions` and readers use.

use reilu_vault::JournalKey;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};

use crate::keying::Keyring;
use crate::models::NewJournalEntry;
use crate::{Backend, StoreResult, ids};

/// Cases and money: intake, postings, payments, remittances, the gate's decisions, case facts;
/// and every entry written before the journal was partitioned.
pub const MAIN: &str = "main";
/// Operators and clients.
pub const ADMIN: &str = "admin";
/// Published statutory rates.
pub const RULES: &str = "rules";
/// Reads of personal data.
pub const ACCESS: &str = "access";

/// The hash an empty chain starts from.
pub(crate) const GENESIS_HASH: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain a single event appended with `Store::append_journal` belongs to.
pub(crate) fn chain_of_event(kind: &str) -> &'static str {
    if kind.starts_with("personal_data.") {
        ACCESS
    } else {
        MAIN
    }
}

/// Writing to one chain of the journal with the store's key ([`crate::SqlStore::journal`]).
#[derive(Clone, Copy)]
pub(crate) struct Journal<'a> {
    pub(crate) keyring: &'a Keyring,
    pub(crate) backend: Backend,
    pub(crate) chain: &'static str,
}

/// Where an entry stands: its chain, its place in the chain, and its place in the global
/// order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub chain: String,
    pub chain_seq: i64,
    pub seq: i64,
}

/// The place reserved for the next entry: where it stands, the tag it chains to and the key
/// that tags it.
pub(crate) struct JournalSlot {
    position: Position,
    prev_hash: String,
    key: JournalKey,
}

impl JournalSlot {
    /// Its place in its chain.
    pub(crate) fn chain_seq(&self) -> i64 {
        self.position.chain_seq
    }
}

/// A stored journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub seq: i64,
    pub chain: String,
    pub chain_seq: i64,
    pub at_ms: i64,
    pub actor: String,
    pub kind: String,
    pub subject: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

impl JournalEntry {
    pub fn position(&self) -> Position {
        Position {
            chain: self.chain.clone(),
            chain_seq: self.chain_seq,
            seq: self.seq,
        }
    }

    /// The fields the entry's writer gave.
    pub fn fields(&self) -> NewJournalEntry {
        NewJournalEntry {
            at_ms: self.at_ms,
            actor: self.actor.clone(),
            kind: self.kind.clone(),
            subject: self.subject.clone(),
            payload: self.payload.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalVerification {
    Intact {
        entries: i64,
    },
    /// `seq` is the entry's place in its chain; the reason names a chain other than main.
    Broken {
        seq: i64,
        reason: String,
    },
}

/// The plain SHA-256 of entries written before the journal was keyed: over the previous
/// hash, the sequence number and the entry's fields, each prefixed by its length so no two
/// different entries can encode to the same bytes.
pub fn entry_hash(prev_hash: &str, seq: i64, entry: &NewJournalEntry) -> String {
    let mut hasher = Sha256::new();
    let fields = [
        prev_hash.to_owned(),
        seq.to_string(),
        entry.at_ms.to_string(),
        entry.actor.clone(),
        entry.kind.clone(),
        entry.subject.clone(),
        entry.payload.clone(),
    ];
    for field in fields {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The tag of a keyed entry: HMAC-SHA-256 under the journal key over the previous tag, where
/// the entry stands (chain, place in it, global order) and its fields, each length-prefixed.
pub fn entry_tag(
    key: &JournalKey,
    prev_hash: &str,
    position: &Position,
    entry: &NewJournalEntry,
) -> String {
    let fields = [
        prev_hash.to_owned(),
        position.chain.clone(),
        position.chain_seq.to_string(),
        position.seq.to_string(),
        entry.at_ms.to_string(),
        entry.actor.clone(),
        entry.kind.clone(),
        entry.subject.clone(),
        entry.payload.clone(),
    ];
    let parts: Vec<&[u8]> = fields.iter().map(|field| field.as_bytes()).collect();
    key.tag(&parts)
}

/// The tag a stored entry should carry (for tools and tests that re-tag entries).
pub fn stored_entry_tag(key: &JournalKey, entry: &JournalEntry) -> String {
    entry_tag(key, &entry.prev_hash, &entry.position(), &entry.fields())
}

/// Moves (or, for `step` 0, only locks) the chain's head, creating it on first use; returns
/// the head's sequence number after the move and its hash. As the first write of a
/// transaction it takes the write lock (SQLite) or the head row's lock (PostgreSQL), so
/// appends to a chain never interleave.
async fn move_head(
    transaction: &mut Transaction<'static, Any>,
    chain: &str,
    step: i64,
) -> StoreResult<(i64, String)> {
    let row = sqlx::query(
        "INSERT INTO journal_heads (chain, seq, hash) VALUES ($1, $2, $3) \
         ON CONFLICT (chain) DO UPDATE SET seq = journal_heads.seq + $2 RETURNING seq, hash",
    )
    .bind(chain)
    .bind(step)
    .bind(GENESIS_HASH)
    .fetch_one(&mut **transaction)
    .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// Takes the next place in the chain (see `move_head`) and in the global order. Refused when
/// the store was opened with another key than the journal's.
pub(crate) async fn reserve(
    transaction: &mut Transaction<'static, Any>,
    journal: Journal<'_>,
) -> StoreResult<JournalSlot> {
    let key = journal.keyring.writing_key()?;
    let (chain_seq, prev_hash) = move_head(transaction, journal.chain, 1).await?;
    let seq = ids::take_ids(transaction, journal.backend, "journal", 1)
        .await?
        .start;
    Ok(JournalSlot {
        position: Position {
            chain: journal.chain.to_owned(),
            chain_seq,
            seq,
        },
        prev_hash,
        key,
    })
}

/// Writes the entry into its reserved slot and moves the chain's head to it; returns its
/// global sequence number.
pub(crate) async fn write(
    transaction: &mut Transaction<'static, Any>,
    slot: JournalSlot,
    entry: &NewJournalEntry,
) -> StoreResult<i64> {
    let hash = entry_tag(&slot.key, &slot.prev_hash, &slot.position, entry);
    sqlx::query(
        "INSERT INTO journal (seq, chain, chain_seq, at_ms, actor, kind, subject, payload, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(slot.position.seq)
    .bind(&slot.position.chain)
    .bind(slot.position.chain_seq)
    .bind(entry.at_ms)
    .bind(&entry.actor)
    .bind(&entry.kind)
    .bind(&entry.subject)
    .bind(&entry.payload)
    .bind(&slot.prev_hash)
    .bind(&hash)
    .execute(&mut **transaction)
    .await?;
    sqlx::query("UPDATE journal_heads SET hash = $1 WHERE chain = $2")
        .bind(&hash)
        .bind(&slot.position.chain)
        .execute(&mut **transaction)
        .await?;
    Ok(slot.position.seq)
}

/// A chain's head, locked for the rest of the transaction: entries written after it chain
/// from here. Taken as a transaction's first write (like `reserve`), before the caller knows
/// how many entries it will write.
pub(crate) struct JournalHead {
    chain: &'static str,
    seq: i64,
    hash: String,
    key: JournalKey,
}

/// Locks the chain's head without moving it (see `reserve` for why it comes first).
pub(crate) async fn lock_head(
    transaction: &mut Transaction<'static, Any>,
    journal: Journal<'_>,
) -> StoreResult<JournalHead> {
    let key = journal.keyring.writing_key()?;
    let (seq, hash) = move_head(transaction, journal.chain, 0).await?;
    Ok(JournalHead {
        chain: journal.chain,
        seq,
        hash,
        key,
    })
}

/// Rows per multi-row journal insert (10 parameters a row).
const JOURNAL_ROWS_PER_STATEMENT: usize = 500;

/// Appends `entries` in order after a locked head, each chained to the one before, with
/// multi-row inserts, and moves the head once. Returns the entries' global sequence numbers,
/// in order.
pub(crate) async fn write_many(
    transaction: &mut Transaction<'static, Any>,
    head: JournalHead,
    entries: &[NewJournalEntry],
    backend: Backend,
) -> StoreResult<Vec<i64>> {
    let seqs: Vec<i64> = ids::take_ids(transaction, backend, "journal", entries.len())
        .await?
        .collect();
    let mut chain_seq = head.seq;
    let mut prev_hash = head.hash;
    let mut rows = Vec::with_capacity(entries.len());
    for (entry, seq) in entries.iter().zip(&seqs) {
        chain_seq += 1;
        let position = Position {
            chain: head.chain.to_owned(),
            chain_seq,
            seq: *seq,
        };
        let hash = entry_tag(&head.key, &prev_hash, &position, entry);
        rows.push((
            position,
            entry,
            std::mem::replace(&mut prev_hash, hash.clone()),
            hash,
        ));
    }
    for chunk in rows.chunks(JOURNAL_ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO journal (seq, chain, chain_seq, at_ms, actor, kind, subject, payload, prev_hash, hash) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 10)
        );
        let mut query = sqlx::query(&sql);
        for (position, entry, prev, hash) in chunk {
            query = query
                .bind(position.seq)
                .bind(head.chain)
                .bind(position.chain_seq)
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
    sqlx::query("UPDATE journal_heads SET seq = $1, hash = $2 WHERE chain = $3")
        .bind(chain_seq)
        .bind(&prev_hash)
        .bind(head.chain)
        .execute(&mut **transaction)
        .await?;
    Ok(seqs)
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

    #[test]
    fn tags_cover_the_chain_and_both_places_and_differ_from_plain_hashes() {
        let key = JournalKey::from_bytes([1; 32]);
        let at = |chain: &str, chain_seq, seq| Position {
            chain: chain.into(),
            chain_seq,
            seq,
        };
        let base = entry_tag(&key, "0", &at(MAIN, 1, 1), &entry("{}"));
        assert_ne!(base, entry_hash("0", 1, &entry("{}")));
        assert_ne!(base, entry_tag(&key, "0", &at(ADMIN, 1, 1), &entry("{}")));
        assert_ne!(base, entry_tag(&key, "0", &at(MAIN, 2, 1), &entry("{}")));
        assert_ne!(base, entry_tag(&key, "0", &at(MAIN, 1, 2), &entry("{}")));
        let other = JournalKey::from_bytes([2; 32]);
        assert_ne!(base, entry_tag(&other, "0", &at(MAIN, 1, 1), &entry("{}")));
        assert_eq!(chain_of_event("personal_data.read"), ACCESS);
        assert_eq!(chain_of_event("payments.import_refused"), MAIN);
    }
}
