//! Ids handed out in order: case numbers, posting ids, the journal's global order.
//!
//! On SQLite a row of `counters` per name: SQLite has one writer at a time, so a counter row
//! costs no concurrency. On PostgreSQL a counter row would be locked by every transaction that
//! takes from it until it commits (a global lock for every intake and payment file), so each
//! name is a SEQUENCE instead (`<name>_ids`, migration 15). A sequence's values are never
//! given back: a transaction that rolls back leaves a gap. Gaps are fine for these ids (a
//! case number or a posting id only has to be unique and ascending, nothing counts them).

use std::ops::Range;

use sqlx::{Any, Row, Transaction};

use crate::{Backend, StoreError, StoreResult};

/// The names ids are taken under.
const NAMES: [&str; 3] = ["case_number", "posting", "journal"];

/// A key for PostgreSQL's advisory lock around taking a block of ids from a sequence, one
/// per name (an arbitrary constant, "reilu" in ASCII, plus the name's index).
const BLOCK_LOCK_KEY: i64 = 0x7265_696c_7500;

fn known(name: &str) -> StoreResult<usize> {
    NAMES
        .iter()
        .position(|known| *known == name)
        .ok_or_else(|| StoreError::Corrupt(format!("no ids are kept under '{name}'")))
}

/// Takes `count` consecutive ids under `name` inside the caller's transaction.
pub(crate) async fn take_ids(
    transaction: &mut Transaction<'static, Any>,
    backend: Backend,
    name: &str,
    count: usize,
) -> StoreResult<Range<i64>> {
    let index = known(name)?;
    let count = i64::try_from(count).map_err(|_| StoreError::Corrupt("id count".into()))?;
    let first = match backend {
        Backend::Sqlite => {
            let row = sqlx::query(
                "UPDATE counters SET next_value = next_value + $1 WHERE name = $2 RETURNING next_value",
            )
            .bind(count)
            .bind(name)
            .fetch_one(&mut **transaction)
            .await?;
            row.try_get::<i64, _>(0)? - count
        }
        Backend::Postgres if count == 0 => next_id(transaction, backend, name).await?,
        Backend::Postgres => {
            // A block is one nextval and one setval; the advisory lock (a session lock,
            // released at once, not at commit) keeps another block from landing in between.
            // Every taker goes through here, so a single nextval never lands there either.
            let lock = BLOCK_LOCK_KEY + i64::try_from(index).unwrap_or(0);
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(lock)
                .execute(&mut **transaction)
                .await?;
            let taken = sqlx::query(&format!(
                "SELECT setval('{name}_ids', nextval('{name}_ids') + $1 - 1) - $1 + 1"
            ))
            .bind(count)
            .fetch_one(&mut **transaction)
            .await;
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(lock)
                .execute(&mut **transaction)
                .await?;
            taken?.try_get::<i64, _>(0)?
        }
    };
    Ok(first..first + count)
}

/// The id `take_ids` would hand out next under `name`, without taking it.
pub(crate) async fn next_id(
    transaction: &mut Transaction<'static, Any>,
    backend: Backend,
    name: &str,
) -> StoreResult<i64> {
    known(name)?;
    let row = match backend {
        Backend::Sqlite => {
            sqlx::query("SELECT next_value FROM counters WHERE name = $1")
                .bind(name)
                .fetch_one(&mut **transaction)
                .await?
        }
        // `is_called` is false only before the first nextval: then last_value is next.
        Backend::Postgres => {
            sqlx::query(&format!(
                "SELECT CAST(CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS BIGINT) FROM {name}_ids"
            ))
            .fetch_one(&mut **transaction)
            .await?
        }
    };
    Ok(row.try_get(0)?)
}
