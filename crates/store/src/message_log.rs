//! The transparency log of message commitments (migration 20). A leaf is a commitment's
//! signed text and its signature ([`leaf_data`]); appending one writes its leaf row and the
//! hashes of the complete subtrees it completes, in the transaction that writes the
//! commitment. Proofs and roots are computed by `reilu-tlog` from the complete subtrees
//! they need, read here by (level, index).

use std::collections::HashMap;

use reilu_tlog::{Hash, leaf_hash, node_hash};
use sqlx::Row;

use crate::{Backend, SqlStore, StoreError, StoreResult};

/// Node rows per multi-row insert (3 parameters a row).
const NODES_PER_STATEMENT: usize = 500;
/// (level, index) pairs per look-up.
const KEYS_PER_STATEMENT: usize = 200;

/// The bytes a leaf commits to: the signed text, then its signature, so that the log binds
/// both.
pub fn leaf_data(commitment_text: &str, signature_hex: &str) -> Vec<u8> {
    format!("{commitment_text}signature {signature_hex}\n").into_bytes()
}

/// One leaf of the log with what it was made from, for walking the whole log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLeafRow {
    pub leaf_index: u64,
    pub decision_id: String,
    pub code: String,
    /// The leaf hash as stored in the tree (level 0).
    pub stored_hash: Hash,
    /// The commitment as the table holds it now.
    pub commitment: String,
    pub signature: String,
}

/// Appends the given decisions' commitments (already written in this transaction) to the
/// log, in order, skipping any already in it.
pub(crate) async fn append_in(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    leaves: &[(&str, Vec<u8>)],
    backend: Backend,
) -> StoreResult<()> {
    if leaves.is_empty() {
        return Ok(());
    }
    // The head's row lock orders appends (PostgreSQL; SQLite has one writer).
    let count = i64::try_from(leaves.len()).map_err(|_| StoreError::Conflict("too many".into()))?;
    let size_after: i64 =
        sqlx::query_scalar("UPDATE log_head SET size = size + $1 WHERE id = 1 RETURNING size")
            .bind(count)
            .fetch_one(&mut **transaction)
            .await?;
    let size = u64::try_from(size_after - count)
        .map_err(|_| StoreError::Corrupt("the log's size is negative".into()))?;
    let mut nodes = frontier(transaction, size, backend).await?;
    let mut written: Vec<(u32, u64, Hash)> = Vec::with_capacity(leaves.len() * 2);
    for (offset, (decision_id, data)) in leaves.iter().enumerate() {
        let index = size + offset as u64;
        sqlx::query("INSERT INTO log_leaves (leaf_index, decision_id) VALUES ($1, $2)")
            .bind(to_i64(index)?)
            .bind(*decision_id)
            .execute(&mut **transaction)
            .await?;
        let (mut level, mut position, mut hash) = (0_u32, index, leaf_hash(data));
        nodes.insert((level, position), hash);
        written.push((level, position, hash));
        // Each odd position completes its parent with its left sibling.
        while position % 2 == 1 {
            let left = nodes.get(&(level, position - 1)).copied().ok_or_else(|| {
                StoreError::Corrupt(format!("the log lacks node {level}/{}", position - 1))
            })?;
            hash = node_hash(&left, &hash);
            level += 1;
            position /= 2;
            nodes.insert((level, position), hash);
            written.push((level, position, hash));
        }
    }
    insert_nodes(transaction, &written, backend).await
}

/// The complete subtrees on the right edge of a tree of `size` leaves: the left siblings new
/// leaves combine with.
async fn frontier(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    size: u64,
    backend: Backend,
) -> StoreResult<HashMap<(u32, u64), Hash>> {
    let keys: Vec<(u32, u64)> = (0..64_u32)
        .filter(|level| size & (1_u64 << level) != 0)
        .map(|level| (level, (size >> level) - 1))
        .collect();
    let mut found = HashMap::new();
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        let sql = node_sql(chunk, backend);
        let rows = bind_keys(sqlx::query(&sql), chunk)?
            .fetch_all(&mut **transaction)
            .await?;
        read_nodes(&rows, &mut found)?;
    }
    Ok(found)
}

async fn insert_nodes(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    nodes: &[(u32, u64, Hash)],
    backend: Backend,
) -> StoreResult<()> {
    for chunk in nodes.chunks(NODES_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO log_nodes (level, node_index, hash) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql);
        for (level, index, hash) in chunk {
            query = query
                .bind(i64::from(*level))
                .bind(to_i64(*index)?)
                .bind(hex::encode(hash));
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(())
}

/// The statement that reads the nodes at `keys` (each a level and an index, bound in that
/// order) as `(level, node_index, hash)`.
fn node_sql(keys: &[(u32, u64)], backend: Backend) -> String {
    let conditions: Vec<String> = (0..keys.len())
        .map(|key| {
            let pair = crate::sql::placeholders(backend, 1 + key * 2, 2);
            format!("(level, node_index) = ({pair})")
        })
        .collect();
    format!(
        "SELECT level, node_index, hash FROM log_nodes WHERE {}",
        conditions.join(" OR ")
    )
}

fn bind_keys<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    keys: &[(u32, u64)],
) -> StoreResult<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>> {
    for (level, index) in keys {
        query = query.bind(i64::from(*level)).bind(to_i64(*index)?);
    }
    Ok(query)
}

fn read_nodes(
    rows: &[sqlx::any::AnyRow],
    found: &mut HashMap<(u32, u64), Hash>,
) -> StoreResult<()> {
    for row in rows {
        let level: i64 = row.try_get(0)?;
        let index: i64 = row.try_get(1)?;
        let text: String = row.try_get(2)?;
        let mut hash = [0_u8; 32];
        hex::decode_to_slice(&text, &mut hash)
            .map_err(|_| StoreError::Corrupt(format!("log node {level}/{index} is not a hash")))?;
        let level =
            u32::try_from(level).map_err(|_| StoreError::Corrupt("a log node's level".into()))?;
        let index =
            u64::try_from(index).map_err(|_| StoreError::Corrupt("a log node's index".into()))?;
        found.insert((level, index), hash);
    }
    Ok(())
}

fn to_i64(value: u64) -> StoreResult<i64> {
    i64::try_from(value).map_err(|_| StoreError::Conflict("the log is full".into()))
}

/// The log's size (leaves appended).
pub(crate) async fn size(store: &SqlStore) -> StoreResult<u64> {
    let size: i64 = sqlx::query_scalar("SELECT size FROM log_head WHERE id = 1")
        .fetch_one(store.pool())
        .await?;
    u64::try_from(size).map_err(|_| StoreError::Corrupt("the log's size is negative".into()))
}

/// The hashes of the complete subtrees at `keys` that the log holds.
pub(crate) async fn nodes(
    store: &SqlStore,
    keys: &[(u32, u64)],
) -> StoreResult<HashMap<(u32, u64), Hash>> {
    let mut found = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        let sql = node_sql(chunk, store.backend());
        let rows = bind_keys(sqlx::query(&sql), chunk)?
            .fetch_all(store.pool())
            .await?;
        read_nodes(&rows, &mut found)?;
    }
    Ok(found)
}

/// Leaves from index `from` on, at most `limit`, with their commitments as stored now.
pub(crate) async fn leaves(
    store: &SqlStore,
    from: u64,
    limit: i64,
) -> StoreResult<Vec<LogLeafRow>> {
    let rows = sqlx::query(
        "SELECT l.leaf_index, l.decision_id, c.code, n.hash, c.commitment, c.signature \
         FROM log_leaves l JOIN message_commitments c ON c.decision_id = l.decision_id \
         JOIN log_nodes n ON n.level = 0 AND n.node_index = l.leaf_index \
         WHERE l.leaf_index >= $1 ORDER BY l.leaf_index LIMIT $2",
    )
    .bind(to_i64(from)?)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let index: i64 = row.try_get(0)?;
            let text: String = row.try_get(3)?;
            let mut stored_hash = [0_u8; 32];
            hex::decode_to_slice(&text, &mut stored_hash)
                .map_err(|_| StoreError::Corrupt(format!("log leaf {index} is not a hash")))?;
            Ok(LogLeafRow {
                leaf_index: u64::try_from(index)
                    .map_err(|_| StoreError::Corrupt("a log leaf's index".into()))?,
                decision_id: row.try_get(1)?,
                code: row.try_get(2)?,
                stored_hash,
                commitment: row.try_get(4)?,
                signature: row.try_get(5)?,
            })
        })
        .collect()
}

/// The leaf index of the commitment with `code`, if it is in the log.
pub(crate) async fn index_of_code(store: &SqlStore, code: &str) -> StoreResult<Option<u64>> {
    let index: Option<i64> = sqlx::query_scalar(
        "SELECT l.leaf_index FROM log_leaves l JOIN message_commitments c \
         ON c.decision_id = l.decision_id WHERE c.code = $1",
    )
    .bind(code)
    .fetch_optional(store.pool())
    .await?;
    index
        .map(|index| u64::try_from(index).map_err(|_| StoreError::Corrupt("a leaf index".into())))
        .transpose()
}
