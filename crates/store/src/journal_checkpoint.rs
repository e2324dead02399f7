//! Signed checkpoints of the journal. A tag proves an entry was written with the key, but
//! someone holding the key (or anyone, for the tail: the head can be set back to any earlier
//! entry) can still cut entries off the end or rewrite the journal from some point on. A
//! checkpoint is the journal's head as it was at a moment (per chain: how many entries and
//! the last one's tag), signed with Ed25519 and kept somewhere else; `verify` holds the
//! journal to every checkpoint given: each chain must still hold that entry with that tag
//! (a chain that appeared after the checkpoint is not in it, and is checked by the next).

use reilu_vault::{JournalSigningKey, verify_signature};
use sqlx::Row;

use crate::keying::read_marker;
use crate::{SqlStore, StoreError, StoreResult};

/// The format named in every checkpoint document.
pub const CHECKPOINT_FORMAT: &str = "reilu-journal-checkpoint/1";

/// One chain's head as a checkpoint records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckpointHead {
    pub chain: String,
    /// How many entries the chain held: the last one's sequence number.
    pub entries: i64,
    /// The last entry's tag (or hash, for a journal not keyed yet at that entry).
    pub head: String,
}

/// The journal's identity and heads, as a checkpoint is made from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalState {
    pub journal_id: String,
    pub chains: Vec<CheckpointHead>,
}

/// A signed checkpoint, as the JSON document `reilu journal checkpoint` writes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JournalCheckpoint {
    pub format: String,
    pub journal_id: String,
    pub at_ms: i64,
    /// `at_ms` in RFC 3339, for people.
    pub at: String,
    pub chains: Vec<CheckpointHead>,
    /// The Ed25519 public key it was signed with (hex).
    pub public_key: String,
    /// Ed25519 over [`JournalCheckpoint::signed_text`] (hex).
    pub signature: String,
}

impl JournalCheckpoint {
    /// Signs the journal's state as of `at_ms`.
    pub fn sign(state: JournalState, at_ms: i64, key: &JournalSigningKey) -> Self {
        let at = chrono::DateTime::from_timestamp_millis(at_ms)
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        let mut checkpoint = JournalCheckpoint {
            format: CHECKPOINT_FORMAT.into(),
            journal_id: state.journal_id,
            at_ms,
            at,
            chains: state.chains,
            public_key: key.public_key_hex(),
            signature: String::new(),
        };
        checkpoint.signature = key.sign(checkpoint.signed_text().as_bytes());
        checkpoint
    }

    /// The text the signature covers: every field but the signature, one per line, so that
    /// a checkpoint can be checked by hand with any Ed25519 tool.
    pub fn signed_text(&self) -> String {
        let mut text = format!(
            "{}\njournal {}\nat_ms {}\nat {}\npublic_key {}\n",
            self.format, self.journal_id, self.at_ms, self.at, self.public_key
        );
        for head in &self.chains {
            text.push_str(&format!(
                "chain {} {} {}\n",
                head.chain, head.entries, head.head
            ));
        }
        text
    }

    /// Whether it was signed by the holder of `public_key` (hex) and is of a format this
    /// version reads; `Err` says why not.
    pub fn check_signature(&self, public_key: &str) -> Result<(), String> {
        if self.format != CHECKPOINT_FORMAT {
            return Err(format!(
                "its format is '{}', not {CHECKPOINT_FORMAT}",
                self.format
            ));
        }
        if !self.public_key.eq_ignore_ascii_case(public_key.trim()) {
            return Err(format!(
                "it was signed with key {}, not the journal's signing key {}",
                self.public_key,
                public_key.trim()
            ));
        }
        verify_signature(public_key, self.signed_text().as_bytes(), &self.signature)
            .map_err(|error| format!("{error}: it was altered or forged"))
    }
}

impl SqlStore {
    /// The journal's identity and its chains' heads, for a checkpoint. Read as stored: verify
    /// the journal first (`reilu journal checkpoint` does) so that what is signed is sound.
    pub async fn journal_state(&self) -> StoreResult<JournalState> {
        let mut connection = self.pool().acquire().await?;
        let (marker, _) = read_marker(&mut connection, self.keyring().key())
            .await?
            .map_err(StoreError::Conflict)?;
        let rows = sqlx::query("SELECT chain, seq, hash FROM journal_heads ORDER BY chain")
            .fetch_all(&mut *connection)
            .await?;
        let chains = rows
            .iter()
            .map(|row| {
                Ok(CheckpointHead {
                    chain: row.try_get(0)?,
                    entries: row.try_get(1)?,
                    head: row.try_get(2)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(JournalState {
            journal_id: marker.journal_id,
            chains,
        })
    }

    /// What is wrong with the journal as a checkpoint saw it: the signature against
    /// `public_key`, the journal's identity, and per chain that the entry it names is still
    /// there with the tag it had. Empty when the checkpoint holds.
    pub async fn check_checkpoint(
        &self,
        checkpoint: &JournalCheckpoint,
        public_key: &str,
    ) -> StoreResult<Vec<String>> {
        if let Err(reason) = checkpoint.check_signature(public_key) {
            return Ok(vec![format!("its signature does not hold: {reason}")]);
        }
        let mut connection = self.pool().acquire().await?;
        let marker = match read_marker(&mut connection, self.keyring().key()).await? {
            Ok((marker, _)) => marker,
            Err(reason) => return Ok(vec![reason]),
        };
        if marker.journal_id != checkpoint.journal_id {
            return Ok(vec![format!(
                "it is a checkpoint of journal {}, this is journal {}",
                checkpoint.journal_id, marker.journal_id
            )]);
        }
        let mut problems = Vec::new();
        for head in &checkpoint.chains {
            if let Some(problem) = check_head(&mut connection, head).await? {
                problems.push(problem);
            }
        }
        Ok(problems)
    }
}

/// Whether the journal still holds the entry a checkpoint's head names.
async fn check_head(
    connection: &mut sqlx::AnyConnection,
    head: &CheckpointHead,
) -> StoreResult<Option<String>> {
    if head.entries == 0 {
        return Ok(None);
    }
    let stored = sqlx::query("SELECT hash FROM journal WHERE chain = $1 AND chain_seq = $2")
        .bind(&head.chain)
        .bind(head.entries)
        .fetch_optional(&mut *connection)
        .await?;
    let Some(stored) = stored else {
        let last: Option<i64> = sqlx::query("SELECT MAX(chain_seq) FROM journal WHERE chain = $1")
            .bind(&head.chain)
            .fetch_one(&mut *connection)
            .await?
            .try_get(0)?;
        return Ok(Some(format!(
            "chain '{}' had {} entries, it now ends at {}: entries were removed",
            head.chain,
            head.entries,
            last.unwrap_or(0)
        )));
    };
    let hash: String = stored.try_get(0)?;
    if hash != head.head {
        return Ok(Some(format!(
            "chain '{}' entry {} is not the entry the checkpoint saw: the journal was rewritten from there or before",
            head.chain, head.entries
        )));
    }
    Ok(None)
}
