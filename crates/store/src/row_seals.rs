//! Rows the journal vouches for besides its own entries. A posting carries a tag under the
//! journal key over every field (its lines through their hash), so that a description, a
//! kind or an amount edited behind the triggers is found by `reilu check`; postings written
//! before the journal was keyed are sealed as one digest in the journal's marker entry
//! (see `keying`). Clients are sealed by their journal entries (`client.added` names the
//! IBAN and commission) or, for clients older than the key, by the marker.

use reilu_vault::JournalKey;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreResult;

/// The fields of a posting its tag covers, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PostingRow {
    pub(crate) id: i64,
    pub(crate) kind: String,
    pub(crate) at_ms: i64,
    pub(crate) corrects: Option<i64>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) description: String,
    pub(crate) entries_sha256: String,
}

/// An optional field spelled so that "absent" and every present value differ.
fn optional(value: Option<String>) -> String {
    match value {
        None => "N".into(),
        Some(value) => format!("S{value}"),
    }
}

impl PostingRow {
    /// Reads the first seven columns: id, kind, at_ms, corrects, idempotency_key,
    /// description, entries_sha256.
    pub(crate) fn read(row: &AnyRow) -> StoreResult<Self> {
        Ok(PostingRow {
            id: row.try_get(0)?,
            kind: row.try_get(1)?,
            at_ms: row.try_get(2)?,
            corrects: row.try_get(3)?,
            idempotency_key: row.try_get(4)?,
            description: row.try_get(5)?,
            entries_sha256: row.try_get(6)?,
        })
    }

    /// The numbers as text (the fields that are not text already), so the tag covers one
    /// spelling of each.
    fn numbers(&self) -> [String; 3] {
        [
            format!("posting:{}", self.id),
            self.at_ms.to_string(),
            optional(self.corrects.map(|id| id.to_string())),
        ]
    }

    /// Calls `with` on the fields the tag covers, in order.
    fn with_fields<T>(&self, with: impl FnOnce(&[&[u8]]) -> T) -> T {
        let [id, at_ms, corrects] = self.numbers();
        let key = optional(self.idempotency_key.clone());
        with(&[
            id.as_bytes(),
            self.kind.as_bytes(),
            at_ms.as_bytes(),
            corrects.as_bytes(),
            key.as_bytes(),
            self.description.as_bytes(),
            self.entries_sha256.as_bytes(),
        ])
    }

    fn fields(&self) -> Vec<Vec<u8>> {
        self.with_fields(|fields| fields.iter().map(|field| field.to_vec()).collect())
    }

    /// The posting's tag under the journal key (a short tag: postings are many).
    pub(crate) fn tag(&self, key: &JournalKey) -> String {
        self.with_fields(|fields| key.short_tag(fields))
    }

    pub(crate) fn verify(&self, key: &JournalKey, tag: &str) -> bool {
        self.with_fields(|fields| key.verify_tag(fields, tag))
    }
}

/// SHA-256 over postings in id order, each field length-prefixed: the seal of the postings
/// written before the journal was keyed (the marker's tag protects the digest).
#[derive(Default)]
pub(crate) struct PostingsDigest {
    hasher: Sha256,
    last_id: i64,
}

impl PostingsDigest {
    pub(crate) fn add(&mut self, posting: &PostingRow) {
        for field in posting.fields() {
            self.hasher.update((field.len() as u64).to_be_bytes());
            self.hasher.update(&field);
        }
        self.last_id = posting.id;
    }

    /// The highest id added (0 for none) and the digest.
    pub(crate) fn finish(self) -> (i64, String) {
        (self.last_id, hex::encode(self.hasher.finalize()))
    }
}

/// What the journal vouches for of a client.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct ClientSeal {
    pub(crate) name: String,
    pub(crate) market: String,
    pub(crate) iban: String,
    pub(crate) commission_bp: i64,
}
