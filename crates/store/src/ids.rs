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
            let lock = BLOCK_LOCK_KEY + i64::try_from(index).unwrap_or(0);
            take_block(transaction, name, lock, count).await?
        }
    };
    Ok(first..first + count)
}

/// A block of `count` ids from a PostgreSQL sequence: one nextval and one setval. The
/// advisory lock (a session lock, released at once rather than at commit, so it serialises
/// nothing but this) keeps another block from landing in between; every taker goes through
/// here, so a single nextval never lands there either. The savepoint lets the unlock run even
/// when taking fails: a session lock outlives a failed transaction, and a pooled connection
/// still holding it would stop every later taker.
async fn take_block(
    transaction: &mut Transaction<'static, Any>,
    name: &str,
    lock: i64,
    count: i64,
) -> StoreResult<i64> {
    sqlx::query("SAVEPOINT take_ids")
        .execute(&mut **transaction)
        .await?;
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
    if taken.is_err() {
        sqlx::query("ROLLBACK TO SAVEPOINT take_ids")
            .execute(&mut **transaction)
            .await?;
    }
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(lock)
        .execute(&mut **transaction)
        .await?;
    sqlx::query("RELEASE SAVEPOINT take_ids")
        .execute(&mut **transaction)
        .await?;
    Ok(taken?.try_get::<i64, _>(0)?)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::stores_under_test;

    #[tokio::test]
    async fn ids_come_in_consecutive_blocks_and_a_rollback_may_leave_a_gap() {
        for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
            let backend = test.store.backend();
            let mut transaction = test
                .store
                .pool()
                .begin()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let next = next_id(&mut transaction, backend, "posting")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let first = take_ids(&mut transaction, backend, "posting", 3)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let second = take_ids(&mut transaction, backend, "posting", 1)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(first, next..next + 3, "{}", test.backend_name);
            assert_eq!(second, next + 3..next + 4, "{}", test.backend_name);
            assert!(
                take_ids(&mut transaction, backend, "nothing", 1)
                    .await
                    .is_err()
            );
            transaction
                .rollback()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let mut transaction = test
                .store
                .pool()
                .begin()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let after = take_ids(&mut transaction, backend, "posting", 1)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            // SQLite's counter rolls back with the transaction; a sequence never does.
            let expected = if backend == Backend::Sqlite {
                next
            } else {
                next + 4
            };
            assert_eq!(after.start, expected, "{}", test.backend_name);
        }
    }
}
