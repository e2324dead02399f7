//! Clients: the creditors whose claims Reilu collects.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::models::{ClientRow, NewClient, NewJournalEntry};
use crate::{SqlStore, StoreError, StoreResult, journal};

pub(crate) async fn insert(store: &SqlStore, client: &NewClient, at_ms: i64) -> StoreResult<()> {
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::ADMIN)).await?;
    sqlx::query(
        "INSERT INTO clients (id, name, market, iban, api_key_hash, commission_bp, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&client.id)
    .bind(&client.name)
    .bind(client.market.as_str())
    .bind(&client.iban)
    .bind(&client.api_key_hash)
    .bind(client.commission_bp)
    .bind(at_ms)
    .execute(&mut *transaction)
    .await?;
    // Everything `reilu check` holds the client row to (see `row_check::check_clients`).
    let payload = serde_json::json!({
        "name": client.name,
        "market": client.market.as_str(),
        "iban": client.iban,
        "commission_bp": client.commission_bp,
    });
    let entry = NewJournalEntry {
        at_ms,
        actor: "operator".into(),
        kind: "client.added".into(),
        subject: format!("client:{}", client.id),
        payload: payload.to_string(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(())
}

pub(crate) async fn list(store: &SqlStore) -> StoreResult<Vec<ClientRow>> {
    let rows = sqlx::query(
        "SELECT id, name, market, iban, commission_bp, created_at_ms FROM clients ORDER BY created_at_ms, id",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(client_from_row).collect()
}

/// Looks a client up by `id` or `api_key_hash`; the column name is never user input.
pub(crate) async fn by_column(
    store: &SqlStore,
    column: &'static str,
    value: &str,
) -> StoreResult<Option<ClientRow>> {
    debug_assert!(column == "id" || column == "api_key_hash");
    let sql = format!(
        "SELECT id, name, market, iban, commission_bp, created_at_ms FROM clients WHERE {column} = $1"
    );
    let row = sqlx::query(&sql)
        .bind(value)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(client_from_row).transpose()
}

fn client_from_row(row: &AnyRow) -> StoreResult<ClientRow> {
    let read = |error: sqlx::Error| StoreError::Corrupt(format!("client row: {error}"));
    Ok(ClientRow {
        id: row.try_get("id").map_err(read)?,
        name: row.try_get("name").map_err(read)?,
        market: row.try_get("market").map_err(read)?,
        iban: row.try_get("iban").map_err(read)?,
        commission_bp: row.try_get("commission_bp").map_err(read)?,
        created_at_ms: row.try_get("created_at_ms").map_err(read)?,
    })
}
