//! Operators: the company's staff, each with a role and the SHA-256 of an API key, and their
//! revocations as rows of their own (both tables append-only, see migration 0007). Adding and
//! revoking are journaled in the same transaction as the write.

use reilu_core::{OperatorId, OperatorRole};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::models::NewJournalEntry;
use crate::{SqlStore, StoreError, StoreResult, journal};

/// An operator as the application creates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOperator {
    pub id: OperatorId,
    pub name: String,
    pub role: OperatorRole,
    /// SHA-256 of the operator's API key; the key itself is shown once and never stored.
    pub api_key_hash: String,
}

/// An operator as stored, with its revocation if it was revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRow {
    pub id: OperatorId,
    pub name: String,
    pub role: OperatorRole,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

impl OperatorRow {
    pub fn is_revoked(&self) -> bool {
        self.revoked_at_ms.is_some()
    }
}

/// What revoking an operator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    Revoked {
        at_ms: i64,
    },
    /// It was revoked before, at `at_ms`; nothing was written.
    AlreadyRevoked {
        at_ms: i64,
    },
    NotFound,
}

/// Operators with their revocation: every read goes through this, so no caller can forget to
/// look at the revocations.
const SELECT_OPERATORS: &str = "SELECT o.id, o.name, o.role, o.created_at_ms, r.revoked_at_ms \
     FROM operators o LEFT JOIN operator_revocations r ON r.operator_id = o.id";

pub(crate) async fn insert(
    store: &SqlStore,
    operator: &NewOperator,
    actor: &str,
    at_ms: i64,
) -> StoreResult<()> {
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::ADMIN)).await?;
    sqlx::query(
        "INSERT INTO operators (id, name, role, api_key_hash, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(operator.id.to_string())
    .bind(&operator.name)
    .bind(operator.role.as_str())
    .bind(&operator.api_key_hash)
    .bind(at_ms)
    .execute(&mut *transaction)
    .await?;
    // The name stays out of the journal: it is a person's name, and the journal can never be
    // changed; the id leads to it in the operators table.
    let payload = serde_json::json!({ "role": operator.role.as_str() });
    let entry = NewJournalEntry {
        at_ms,
        actor: actor.to_owned(),
        kind: "operator.added".into(),
        subject: format!("operator:{}", operator.id),
        payload: payload.to_string(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(())
}

pub(crate) async fn revoke(
    store: &SqlStore,
    id: &OperatorId,
    actor: &str,
    at_ms: i64,
) -> StoreResult<Revocation> {
    let mut transaction = store.pool().begin().await?;
    // Reserving the journal slot first takes the write lock (SQLite) or the head row's lock
    // (PostgreSQL) before the look-up, so two revocations of one operator cannot both see it
    // active. Returning early drops the transaction, which rolls the reservation back.
    let slot = journal::reserve(&mut transaction, store.journal(journal::ADMIN)).await?;
    let sql = format!("{SELECT_OPERATORS} WHERE o.id = $1");
    let found = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(&mut *transaction)
        .await?;
    let Some(row) = found.as_ref().map(operator_from_row).transpose()? else {
        return Ok(Revocation::NotFound);
    };
    if let Some(at_ms) = row.revoked_at_ms {
        return Ok(Revocation::AlreadyRevoked { at_ms });
    }
    sqlx::query("INSERT INTO operator_revocations (operator_id, revoked_at_ms) VALUES ($1, $2)")
        .bind(id.to_string())
        .bind(at_ms)
        .execute(&mut *transaction)
        .await?;
    let payload = serde_json::json!({ "role": row.role.as_str() });
    let entry = NewJournalEntry {
        at_ms,
        actor: actor.to_owned(),
        kind: "operator.revoked".into(),
        subject: format!("operator:{id}"),
        payload: payload.to_string(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(Revocation::Revoked { at_ms })
}

pub(crate) async fn list(store: &SqlStore) -> StoreResult<Vec<OperatorRow>> {
    let sql = format!("{SELECT_OPERATORS} ORDER BY o.created_at_ms, o.id");
    let rows = sqlx::query(&sql).fetch_all(store.pool()).await?;
    rows.iter().map(operator_from_row).collect()
}

/// The operator whose key hashes to `hash`, revoked or not: the caller decides what a
/// revoked operator may still do (nothing, so far).
pub(crate) async fn by_api_key_hash(
    store: &SqlStore,
    hash: &str,
) -> StoreResult<Option<OperatorRow>> {
    let sql = format!("{SELECT_OPERATORS} WHERE o.api_key_hash = $1");
    let row = sqlx::query(&sql)
        .bind(hash)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(operator_from_row).transpose()
}

fn operator_from_row(row: &AnyRow) -> StoreResult<OperatorRow> {
    let read = |error: sqlx::Error| StoreError::Corrupt(format!("operator row: {error}"));
    let corrupt =
        |error: &dyn std::fmt::Display| StoreError::Corrupt(format!("operator row: {error}"));
    let id: String = row.try_get("id").map_err(read)?;
    let role: String = row.try_get("role").map_err(read)?;
    Ok(OperatorRow {
        id: OperatorId::parse(&id).map_err(|error| corrupt(&error))?,
        name: row.try_get("name").map_err(read)?,
        role: OperatorRole::parse(&role).map_err(|error| corrupt(&error))?,
        created_at_ms: row.try_get("created_at_ms").map_err(read)?,
        revoked_at_ms: row.try_get("revoked_at_ms").map_err(read)?,
    })
}
