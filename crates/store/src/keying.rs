//! The switch-over to a keyed journal, and the key the store writes with.
//!
//! A journal written before entries were tagged holds plain SHA-256 hashes, which anyone who
//! can write the database can recompute. The first time a store is opened with a journal key,
//! it appends a **marker entry** (`journal.keyed`), tagged with the key, that names the key's
//! fingerprint and seals what the rows the journal vouches for held at that moment (every
//! posting, as one digest, and each client's name, market, IBAN and commission). From the
//! marker on every entry is tagged; the entries before it keep their plain hashes, and are
//! protected all the same: the marker's tag covers the hash of the entry before it, so
//! rewriting any earlier entry means forging the marker's tag. A fresh store's marker is its
//! first entry. `verify` treats the first `journal.keyed` entry as the switch-over and
//! refuses a journal without one.
//!
//! The marker's seq and key fingerprint are also kept in `journal_keying`, only so that
//! opening a store does not search the journal for them; nothing trusts that row: `verify`
//! and `reilu check` read the marker entry itself and check its tag.

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use reilu_vault::JournalKey;
use sqlx::{AnyConnection, AnyPool, Row};

use crate::journal::{JournalEntry, Position};
use crate::models::NewJournalEntry;
use crate::row_seals::{ClientSeal, PostingsDigest};
use crate::{Backend, StoreError, StoreResult, journal};

/// The kind of the marker entry.
pub const MARKER_KIND: &str = "journal.keyed";

/// What the marker entry records (its payload).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Marker {
    /// The journal key's fingerprint (`JournalKey::key_id`).
    pub(crate) key_id: String,
    /// This journal's identity, named in its signed checkpoints.
    pub(crate) journal_id: String,
    /// The last entry of chain `main` with a plain hash (0 for a journal keyed from the
    /// start); entries of every other chain are tagged from their first.
    pub(crate) plain_through: i64,
    /// Postings with ids up to here were written before the switch-over, without a tag of
    /// their own; `postings_sha256` is their digest (see `row_seals::PostingsDigest`).
    pub(crate) postings_through: i64,
    pub(crate) postings_sha256: String,
    /// The clients as they stood, by id.
    pub(crate) clients: BTreeMap<String, ClientSeal>,
}

/// The journal key a store writes with, and whether it is the journal's key.
#[derive(Debug, Clone)]
pub(crate) struct Keyring {
    key: JournalKey,
    /// Why this store may not write to the journal: it was opened with another key.
    mismatch: Option<String>,
}

impl Keyring {
    pub(crate) fn key(&self) -> &JournalKey {
        &self.key
    }

    /// The key to tag new entries with; refused when it is not the journal's key (the
    /// entries would verify under neither key).
    pub(crate) fn writing_key(&self) -> StoreResult<JournalKey> {
        match &self.mismatch {
            Some(reason) => Err(StoreError::Conflict(reason.clone())),
            None => Ok(self.key.clone()),
        }
    }
}

/// What it says when the store's key is not the journal's.
pub(crate) fn mismatch_reason(journal_key_id: &str, key: &JournalKey) -> String {
    format!(
        "the journal key does not match: the journal was keyed with key {journal_key_id}, this master key gives {} (is REILU_MASTER_KEY or master.key the one this store was created with?)",
        key.key_id()
    )
}

/// Opens the journal for writing with `key`: keys it (writes the marker) the first time,
/// otherwise compares the key with the journal's.
pub(crate) async fn open(
    pool: &AnyPool,
    backend: Backend,
    key: JournalKey,
) -> StoreResult<Keyring> {
    if let Some((key_id, _)) = recorded(pool).await? {
        let mismatch = (key_id != key.key_id()).then(|| mismatch_reason(&key_id, &key));
        return Ok(Keyring { key, mismatch });
    }
    let keyring = Keyring {
        key,
        mismatch: None,
    };
    write_marker(pool, backend, &keyring).await?;
    Ok(keyring)
}

/// The key fingerprint and marker seq `journal_keying` holds, if the journal was keyed.
async fn recorded(pool: &AnyPool) -> StoreResult<Option<(String, i64)>> {
    let row = sqlx::query("SELECT key_id, marker_seq FROM journal_keying WHERE id = 1")
        .fetch_optional(pool)
        .await?;
    row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .transpose()
}

/// Appends the marker in its own transaction, sealing the rows as they stand. Taking the
/// journal's slot first serialises this with every writer, and a second process that keyed
/// the journal meanwhile is seen inside the lock.
async fn write_marker(pool: &AnyPool, backend: Backend, keyring: &Keyring) -> StoreResult<()> {
    let mut transaction = pool.begin().await?;
    let main = journal::Journal {
        keyring,
        backend,
        chain: journal::MAIN,
    };
    let slot = journal::reserve(&mut transaction, main).await?;
    let keyed = sqlx::query("SELECT key_id FROM journal_keying WHERE id = 1")
        .fetch_optional(&mut *transaction)
        .await?;
    if keyed.is_some() {
        transaction.rollback().await?;
        return Ok(());
    }
    let plain_through = slot.chain_seq() - 1;
    let (postings_through, postings_sha256) = digest_postings(&mut transaction).await?;
    let marker = Marker {
        key_id: keyring.key.key_id(),
        journal_id: reilu_vault::random_id(),
        plain_through,
        postings_through,
        postings_sha256,
        clients: client_seals(&mut transaction).await?,
    };
    let payload = serde_json::to_string(&marker)
        .map_err(|error| StoreError::Corrupt(format!("journal marker: {error}")))?;
    let entry = NewJournalEntry {
        at_ms: chrono::Utc::now().timestamp_millis(),
        actor: "reilu".into(),
        kind: MARKER_KIND.into(),
        subject: "journal".into(),
        payload,
    };
    let seq = journal::write(&mut transaction, slot, &entry).await?;
    sqlx::query(
        "INSERT INTO journal_keying (id, journal_id, key_id, marker_seq) VALUES (1, $1, $2, $3)",
    )
    .bind(&marker.journal_id)
    .bind(&marker.key_id)
    .bind(seq)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    // Worth a line in the log when a journal from before the key is switched over; a new
    // store's first entry is its marker, which says nothing anyone needs to read.
    if plain_through > 0 {
        tracing::info!(
            marker_seq = seq,
            plain_through,
            "the journal is keyed from here on"
        );
    }
    Ok(())
}

/// Every posting so far, digested in id order; the highest id (0 without postings).
async fn digest_postings(connection: &mut AnyConnection) -> StoreResult<(i64, String)> {
    let mut digest = PostingsDigest::default();
    let mut postings = sqlx::query(
        "SELECT id, kind, at_ms, corrects, idempotency_key, description, entries_sha256 FROM postings ORDER BY id",
    )
    .fetch(&mut *connection);
    while let Some(row) = postings.try_next().await? {
        digest.add(&crate::row_seals::PostingRow::read(&row)?);
    }
    Ok(digest.finish())
}

/// Each client's sealed fields, by id.
async fn client_seals(connection: &mut AnyConnection) -> StoreResult<BTreeMap<String, ClientSeal>> {
    let rows = sqlx::query("SELECT id, name, market, iban, commission_bp FROM clients")
        .fetch_all(&mut *connection)
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get(0)?,
                ClientSeal {
                    name: row.try_get(1)?,
                    market: row.try_get(2)?,
                    iban: row.try_get(3)?,
                    commission_bp: row.try_get(4)?,
                },
            ))
        })
        .collect()
}

/// The marker as the journal holds it, checked: the entry `journal_keying` points at must be
/// a marker whose tag holds under `key`. `Err` says why not, in words. With the marker, its
/// global sequence number.
pub(crate) async fn read_marker(
    connection: &mut AnyConnection,
    key: &JournalKey,
) -> StoreResult<Result<(Marker, i64), String>> {
    let row = sqlx::query(
        "SELECT j.seq, j.chain, j.chain_seq, j.at_ms, j.actor, j.kind, j.subject, j.payload, \
         j.prev_hash, j.hash FROM journal_keying k JOIN journal j ON j.seq = k.marker_seq WHERE k.id = 1",
    )
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else {
        return Ok(Err(
            "the journal's keyed marker is missing: nothing after it can be vouched for".into(),
        ));
    };
    let entry = JournalEntry {
        seq: row.try_get(0)?,
        chain: row.try_get(1)?,
        chain_seq: row.try_get(2)?,
        at_ms: row.try_get(3)?,
        actor: row.try_get(4)?,
        kind: row.try_get(5)?,
        subject: row.try_get(6)?,
        payload: row.try_get(7)?,
        prev_hash: row.try_get(8)?,
        hash: row.try_get(9)?,
    };
    Ok(check_marker(&entry, key).map(|marker| (marker, entry.seq)))
}

/// A marker entry read back, checked against `key`: on chain `main`, of the marker's kind,
/// naming this key, and its tag holding.
pub(crate) fn check_marker(stored: &JournalEntry, key: &JournalKey) -> Result<Marker, String> {
    let at = stored.chain_seq;
    if stored.kind != MARKER_KIND || stored.chain != journal::MAIN {
        return Err(format!("journal entry {at} is not the keyed marker"));
    }
    let marker: Marker = serde_json::from_str(&stored.payload)
        .map_err(|error| format!("the keyed marker (entry {at}) cannot be read: {error}"))?;
    if marker.key_id != key.key_id() {
        return Err(mismatch_reason(&marker.key_id, key));
    }
    let position: Position = stored.position();
    if journal::entry_tag(key, &stored.prev_hash, &position, &stored.fields()) != stored.hash {
        return Err(format!(
            "the keyed marker (entry {at}) does not match its tag: it was changed"
        ));
    }
    Ok(marker)
}
