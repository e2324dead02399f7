//! Every SQLite table STRICT (see migration 12): SQLite then refuses a value of another type
//! than its column's, where it would otherwise keep whatever it is given, and an integer
//! `balance_minor + n` that overflows fails instead of being stored as a floating-point
//! number (seen: a client's claims balance became -1.2e19, after which every reader of the
//! row failed).
//!
//! SQLite cannot make a table STRICT in place, so each table that is not is rebuilt as its
//! documentation's "making other kinds of table schema changes" describes: a new table from
//! the old one's own definition with STRICT added, the rows copied, the old table dropped
//! and the new one renamed, its indexes and triggers (which went with the old table) created
//! again from their own definitions. The definitions are read from the database rather than
//! written out here, so that columns and indexes added by any migration — one that ran
//! before migration 12 on a database in the field, or one that runs after it — are kept
//! exactly. It runs after the migrations, on their connection (foreign keys off, see
//! `migrations::run`), in one transaction; a store whose tables are all STRICT already only
//! pays one look-up. A row whose value does not fit its column's type (such as the float
//! above) stops it with SQLite's error naming the column, and the store does not start.

use sqlx::{AnyConnection, Executor, Row};

use crate::{StoreError, StoreResult};

/// Rebuilds every table that is not STRICT; returns how many.
pub(crate) async fn make_strict(connection: &mut AnyConnection) -> StoreResult<usize> {
    let loose: Vec<String> = sqlx::query(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
         AND strict = 0 AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *connection)
    .await?
    .iter()
    .map(|row| row.try_get(0))
    .collect::<Result<_, _>>()?;
    if loose.is_empty() {
        return Ok(0);
    }
    connection.execute("BEGIN IMMEDIATE").await?;
    let mut outcome = Ok(());
    for table in &loose {
        outcome = rebuild(connection, table).await;
        if outcome.is_err() {
            break;
        }
    }
    match outcome {
        Ok(()) => {
            connection.execute("COMMIT").await?;
            Ok(loose.len())
        }
        Err(error) => {
            // The error is what matters; a failed rollback only means there is nothing to undo.
            let _ = connection.execute("ROLLBACK").await;
            Err(error)
        }
    }
}

/// Rebuilds one table as STRICT, with the same columns, constraints, indexes and triggers.
async fn rebuild(connection: &mut AnyConnection, table: &str) -> StoreResult<()> {
    let definition: String =
        sqlx::query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1")
            .bind(table)
            .fetch_one(&mut *connection)
            .await?
            .try_get(0)?;
    let companions: Vec<String> = sqlx::query(
        "SELECT sql FROM sqlite_master WHERE tbl_name = $1 AND type IN ('index', 'trigger') \
         AND sql IS NOT NULL ORDER BY type, name",
    )
    .bind(table)
    .fetch_all(&mut *connection)
    .await?
    .iter()
    .map(|row| row.try_get(0))
    .collect::<Result<_, _>>()?;
    let columns: Vec<String> = sqlx::query("SELECT name FROM pragma_table_info($1) ORDER BY cid")
        .bind(table)
        .fetch_all(&mut *connection)
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    let staging = format!("new_{table}");
    let strict = strict_definition(table, &staging, &definition).ok_or_else(|| {
        StoreError::Corrupt(format!("cannot read the definition of table {table}"))
    })?;
    let columns = columns.join(", ");
    let fail = |error: sqlx::Error| {
        StoreError::Corrupt(format!("making table {table} STRICT failed: {error}"))
    };
    for statement in [
        strict,
        format!("INSERT INTO {staging} ({columns}) SELECT {columns} FROM {table}"),
        format!("DROP TABLE {table}"),
        format!("ALTER TABLE {staging} RENAME TO {table}"),
    ]
    .into_iter()
    .chain(companions)
    {
        connection.execute(statement.as_str()).await.map_err(fail)?;
    }
    Ok(())
}

/// The table's `CREATE TABLE` statement for a STRICT table named `staging`; None if it is
/// not of the form SQLite stores (`CREATE TABLE name (…)`, options after the parenthesis).
fn strict_definition(table: &str, staging: &str, definition: &str) -> Option<String> {
    let prefix = ["CREATE TABLE ", table].concat().to_ascii_lowercase();
    let head = definition.get(..prefix.len())?;
    if head.to_ascii_lowercase() != prefix {
        return None;
    }
    let rest = definition[prefix.len()..].trim_end();
    let options = &rest[rest.rfind(')')? + 1..];
    let option = if options.trim().is_empty() {
        " STRICT"
    } else {
        ", STRICT"
    };
    Some(format!("CREATE TABLE {staging}{rest}{option}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_is_added_after_the_other_options() {
        assert_eq!(
            strict_definition(
                "counters",
                "new_counters",
                "CREATE TABLE counters (\n    name TEXT PRIMARY KEY\n)"
            ),
            Some("CREATE TABLE new_counters (\n    name TEXT PRIMARY KEY\n) STRICT".to_owned())
        );
        assert_eq!(
            strict_definition(
                "cases",
                "new_cases",
                "CREATE TABLE cases (id TEXT PRIMARY KEY) WITHOUT ROWID"
            ),
            Some("CREATE TABLE new_cases (id TEXT PRIMARY KEY) WITHOUT ROWID, STRICT".to_owned())
        );
        assert_eq!(
            strict_definition("clients", "new_clients", "CREATE TABLE clients (\n id TEXT\n, commission_bp INTEGER NOT NULL DEFAULT 0)"),
            Some("CREATE TABLE new_clients (\n id TEXT\n, commission_bp INTEGER NOT NULL DEFAULT 0) STRICT".to_owned())
        );
        assert_eq!(
            strict_definition("a", "new_a", "CREATE TABLE \"a\" (x)"),
            None
        );
    }
}
