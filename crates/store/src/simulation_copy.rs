//! A throwaway copy of the whole store for `reilu simulate`: days are run forward on the copy
//! so that the live store is never written. SQLite: `VACUUM INTO` a file in a private
//! temporary folder (one consistent snapshot even while a writer works on the live file).
//! PostgreSQL: every table of the live schema copied into a fresh schema of the same database
//! in one REPEATABLE READ transaction (one snapshot), and the copy's connections pointed at
//! it with `search_path`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{Any, AnyPool, Row, Transaction};

use crate::sql_store::{Backend, SqlStore};
use crate::{StoreError, StoreResult};

/// A copy of the store, to be written freely and then thrown away with [`discard`].
///
/// [`discard`]: SimulationCopy::discard
pub struct SimulationCopy {
    store: SqlStore,
    place: Place,
}

/// Where the copy lives, so that [`SimulationCopy::discard`] can remove it.
enum Place {
    /// The folder holding the copied file; removed when dropped.
    Sqlite(tempfile::TempDir),
    /// The copy's schema, dropped through the live store's pool.
    Postgres { live: AnyPool, schema: String },
}

impl std::fmt::Debug for SimulationCopy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = match &self.place {
            Place::Sqlite(folder) => folder.path().display().to_string(),
            Place::Postgres { schema, .. } => format!("schema {schema}"),
        };
        f.debug_struct("SimulationCopy")
            .field("place", &place)
            .finish()
    }
}

impl SimulationCopy {
    /// The copy, opened with the live store's journal key (its journal verifies as the live
    /// one does, and the executor may write to it).
    pub fn store(&self) -> &SqlStore {
        &self.store
    }

    /// Closes the copy and removes it: the file and its folder, or the schema and everything
    /// in it. Call it on error paths too: a PostgreSQL schema is not removed by a drop.
    pub async fn discard(self) -> StoreResult<()> {
        self.store.close().await;
        match self.place {
            Place::Sqlite(folder) => folder.close().map_err(|error| {
                StoreError::Conflict(format!("cannot remove the simulation's copy: {error}"))
            }),
            Place::Postgres { live, schema } => drop_schema(&live, &schema).await,
        }
    }
}

/// Copies `live` (see the module's comment).
pub(crate) async fn copy(live: &SqlStore) -> StoreResult<SimulationCopy> {
    match live.backend() {
        Backend::Sqlite => copy_sqlite(live).await,
        Backend::Postgres => copy_postgres(live).await,
    }
}

/// `VACUUM INTO` reads the live database in one read transaction and writes a new file; the
/// folder is the owner's alone (tempfile creates it 0700), as personal data is in the copy.
async fn copy_sqlite(live: &SqlStore) -> StoreResult<SimulationCopy> {
    let folder = tempfile::Builder::new()
        .prefix("reilu-simulate-")
        .tempdir()
        .map_err(|error| {
            StoreError::Conflict(format!("cannot make a folder for the simulation: {error}"))
        })?;
    let path = folder.path().join("copy.db");
    let path_text = path
        .to_str()
        .ok_or_else(|| StoreError::Conflict(format!("{} is not UTF-8", folder.path().display())))?;
    sqlx::query("VACUUM INTO $1")
        .bind(path_text)
        .execute(live.pool())
        .await?;
    let url = format!("sqlite://{path_text}?mode=rw");
    let store = SqlStore::connect(&url, live.keyring().key().clone()).await?;
    Ok(SimulationCopy {
        store,
        place: Place::Sqlite(folder),
    })
}

/// The copy in a fresh schema; the schema is dropped again when anything fails after it was
/// made.
async fn copy_postgres(live: &SqlStore) -> StoreResult<SimulationCopy> {
    let schema = schema_name();
    let copied = copy_schema(live, &schema).await;
    let opened = match copied {
        Ok(()) => SqlStore::connect_in_schema(live, &schema).await,
        Err(error) => Err(error),
    };
    match opened {
        Ok(store) => Ok(SimulationCopy {
            store,
            place: Place::Postgres {
                live: live.pool().clone(),
                schema,
            },
        }),
        Err(error) => {
            // The first error is the one to report; a schema left behind is named in the log.
            if let Err(drop_error) = drop_schema(live.pool(), &schema).await {
                tracing::warn!("the simulation's schema {schema} was not dropped: {drop_error}");
            }
            Err(error)
        }
    }
}

/// `reilu_sim_<pid>_<nanos>_<n>`: unique on the server in practice; `CREATE SCHEMA` (without
/// `IF NOT EXISTS`) refuses a name taken, so a clash fails rather than sharing a copy.
fn schema_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_nanos())
        .unwrap_or(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "reilu_sim_{}_{}_{count}",
        std::process::id(),
        nanos % 1_000_000_000_000
    )
}

/// Copies every table of the live schema with its rows, indexes, constraints, defaults and
/// identity columns (`LIKE … INCLUDING ALL`), and the id sequences, in one snapshot.
///
/// Not copied, on purpose: foreign keys and the append-only triggers. The copy is thrown
/// away after the run; no code reads either (they refuse bad writes, and the run's writes go
/// through the same executor as on the live store, which the live store's checks vouch for).
async fn copy_schema(live: &SqlStore, schema: &str) -> StoreResult<()> {
    let mut transaction = live.pool().begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *transaction)
        .await?;
    let row = sqlx::query("SELECT CAST(current_schema() AS TEXT)")
        .fetch_one(&mut *transaction)
        .await?;
    let from: String = row.try_get(0)?;
    let tables = names(
        &mut transaction,
        "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = $1 ORDER BY 1",
        &from,
    )
    .await?;
    exec(
        &mut transaction,
        format!("CREATE SCHEMA {}", quoted(schema)),
    )
    .await?;
    for table in &tables {
        let (source, target) = (qualified(&from, table), qualified(schema, table));
        exec(
            &mut transaction,
            format!("CREATE TABLE {target} (LIKE {source} INCLUDING ALL)"),
        )
        .await?;
        exec(
            &mut transaction,
            format!("INSERT INTO {target} OVERRIDING SYSTEM VALUE SELECT * FROM {source}"),
        )
        .await?;
    }
    restart_identities(&mut transaction, schema).await?;
    copy_sequences(&mut transaction, &from, schema).await?;
    refuse_shared_sequences(&mut transaction, schema).await?;
    transaction.commit().await?;
    Ok(())
}

/// LIKE gives each identity column a new sequence starting at 1: each goes on after the
/// largest id copied, as the live one would.
async fn restart_identities(
    transaction: &mut Transaction<'_, Any>,
    schema: &str,
) -> StoreResult<()> {
    let rows = sqlx::query(
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) \
         FROM information_schema.columns WHERE table_schema = $1 AND is_identity = 'YES'",
    )
    .bind(schema)
    .fetch_all(&mut **transaction)
    .await?;
    for row in rows {
        let (table, column): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), \
             COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
            quoted(&column),
            qualified(schema, &table)
        );
        sqlx::query(&sql)
            .bind(qualified(schema, &table))
            .bind(&column)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

/// The sequences the code takes ids from by name (`case_number_ids`, …), made in the copy's
/// schema at the live values: `nextval('journal_ids')` then finds the copy's through
/// `search_path`.
async fn copy_sequences(
    transaction: &mut Transaction<'_, Any>,
    from: &str,
    schema: &str,
) -> StoreResult<()> {
    let sql = "SELECT CAST(sequencename AS TEXT) FROM pg_sequences WHERE schemaname = $1";
    let live = names(transaction, sql, from).await?;
    let made = names(transaction, sql, schema).await?;
    for sequence in live.iter().filter(|name| !made.contains(name)) {
        let source = qualified(from, sequence);
        let target = qualified(schema, sequence);
        exec(transaction, format!("CREATE SEQUENCE {target}")).await?;
        let row = sqlx::query(&format!("SELECT last_value, is_called FROM {source}"))
            .fetch_one(&mut **transaction)
            .await?;
        let (last, called): (i64, bool) = (row.try_get(0)?, row.try_get(1)?);
        sqlx::query("SELECT setval($1, $2, $3)")
            .bind(&target)
            .bind(last)
            .bind(called)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

/// A column default `nextval('…')` (a `SERIAL`) copied by LIKE would still name the live
/// schema's sequence, and the simulation would take ids from the live store: refused.
async fn refuse_shared_sequences(
    transaction: &mut Transaction<'_, Any>,
    schema: &str,
) -> StoreResult<()> {
    let shared = names(
        transaction,
        "SELECT CAST(table_name AS TEXT) || '.' || CAST(column_name AS TEXT) \
         FROM information_schema.columns \
         WHERE table_schema = $1 AND column_default LIKE 'nextval(%'",
        schema,
    )
    .await?;
    if shared.is_empty() {
        return Ok(());
    }
    Err(StoreError::Conflict(format!(
        "cannot copy the store for a simulation: {} take ids from a sequence the copy would \
         share with the live store",
        shared.join(", ")
    )))
}

async fn drop_schema(live: &AnyPool, schema: &str) -> StoreResult<()> {
    let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", quoted(schema));
    sqlx::query(&sql).execute(live).await?;
    Ok(())
}

/// The first column of every row, text.
async fn names(
    transaction: &mut Transaction<'_, Any>,
    sql: &str,
    bound: &str,
) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(sql)
        .bind(bound)
        .fetch_all(&mut **transaction)
        .await?;
    rows.iter()
        .map(|row| row.try_get(0).map_err(StoreError::from))
        .collect()
}

async fn exec(transaction: &mut Transaction<'_, Any>, sql: String) -> StoreResult<()> {
    sqlx::query(&sql).execute(&mut **transaction).await?;
    Ok(())
}

/// An identifier in double quotes, any quote in it doubled.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quoted(schema), quoted(name))
}
