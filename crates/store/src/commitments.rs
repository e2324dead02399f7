//! Message commitments (migration 19): written with their messages, in the same transaction,
//! and looked up by verification code. The store keeps what was signed, the signature and the
//! public key; it signs nothing and knows no secret.

use sqlx::Row;

use crate::{Backend, SqlStore, StoreResult};

/// A message's signed commitment, as the app made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCommitment {
    /// The short code a person types to check the message.
    pub code: String,
    /// The signed text (no personal data: the recipient is a digest).
    pub text: String,
    /// Ed25519 over `text`, hex.
    pub signature: String,
    pub key_id: String,
    /// The signing key's public half, hex, registered on first use.
    pub public_key: String,
}

/// A stored commitment found by its code, with the public key that should verify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentRow {
    pub decision_id: String,
    pub code: String,
    pub case_number: i64,
    pub channel: String,
    pub text: String,
    pub signature: String,
    pub key_id: String,
    pub public_key: String,
    pub created_ms: i64,
}

/// One commitment to write, with its message's decision and case.
pub(crate) struct CommitmentInsert<'a> {
    pub decision_id: &'a str,
    pub case_number: i64,
    pub channel: &'a str,
    pub commitment: &'a SignedCommitment,
    /// When the message may first go out: the commitment's time.
    pub at_ms: i64,
}

/// Rows per multi-row insert (8 parameters a row).
const ROWS_PER_STATEMENT: usize = 400;

/// Writes the commitments in the caller's transaction, registering their keys first (as
/// first used at `at_ms`). A
/// commitment whose decision has one already is skipped, as its message is.
pub(crate) async fn insert_in(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    rows: &[CommitmentInsert<'_>],
    at_ms: i64,
    backend: Backend,
) -> StoreResult<()> {
    let mut keys: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| {
            (
                row.commitment.key_id.as_str(),
                row.commitment.public_key.as_str(),
            )
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for (key_id, public_key) in keys {
        sqlx::query(
            "INSERT INTO signing_keys (key_id, public_key, first_used_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (key_id) DO NOTHING",
        )
        .bind(key_id)
        .bind(public_key)
        .bind(at_ms)
        .execute(&mut **transaction)
        .await?;
    }
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO message_commitments (decision_id, code, case_number, channel, \
             commitment, signature, key_id, created_ms) VALUES {} \
             ON CONFLICT (decision_id) DO NOTHING",
            crate::sql::value_rows(backend, chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = query
                .bind(row.decision_id)
                .bind(row.commitment.code.as_str())
                .bind(row.case_number)
                .bind(row.channel)
                .bind(row.commitment.text.as_str())
                .bind(row.commitment.signature.as_str())
                .bind(row.commitment.key_id.as_str())
                .bind(row.at_ms);
        }
        query.execute(&mut **transaction).await?;
    }
    append_new_to_log(transaction, rows, backend).await
}

/// Appends to the log the commitments of `rows` that are not in it yet (a message enqueued
/// twice keeps its first commitment and leaf).
async fn append_new_to_log(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    rows: &[CommitmentInsert<'_>],
    backend: Backend,
) -> StoreResult<()> {
    let mut logged = std::collections::HashSet::new();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT decision_id FROM log_leaves WHERE decision_id IN ({})",
            crate::sql::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for row in chunk {
            query = query.bind(row.decision_id);
        }
        logged.extend(query.fetch_all(&mut **transaction).await?);
    }
    let leaves: Vec<(&str, Vec<u8>)> = rows
        .iter()
        .filter(|row| !logged.contains(row.decision_id))
        .map(|row| {
            let data =
                crate::message_log::leaf_data(&row.commitment.text, &row.commitment.signature);
            (row.decision_id, data)
        })
        .collect();
    crate::message_log::append_in(transaction, &leaves, backend).await
}

/// The commitment with this code, if any.
pub(crate) async fn by_code(store: &SqlStore, code: &str) -> StoreResult<Option<CommitmentRow>> {
    let row = sqlx::query(
        "SELECT c.decision_id, c.code, c.case_number, c.channel, c.commitment, c.signature, \
         c.key_id, k.public_key, c.created_ms FROM message_commitments c \
         JOIN signing_keys k ON k.key_id = c.key_id WHERE c.code = $1",
    )
    .bind(code)
    .fetch_optional(store.pool())
    .await?;
    row.map(|row| {
        Ok(CommitmentRow {
            decision_id: row.try_get(0)?,
            code: row.try_get(1)?,
            case_number: row.try_get(2)?,
            channel: row.try_get(3)?,
            text: row.try_get(4)?,
            signature: row.try_get(5)?,
            key_id: row.try_get(6)?,
            public_key: row.try_get(7)?,
            created_ms: row.try_get(8)?,
        })
    })
    .transpose()
}
