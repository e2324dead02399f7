//! SQL shared by the store's modules: parameter lists for multi-row statements, and
//! statements bound away from the connection that runs them.

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Encode, Type};

use crate::{Backend, StoreError, StoreResult};

/// A statement with its parameters bound, made without a connection. The payments import
/// builds a chunk's statements on the thread that plans the chunk, so the task that owns the
/// transaction only hands them over: binding a chunk's tens of thousands of parameters there
/// kept SQLite's database thread waiting for about a third of an import (measured: statements
/// 3.6 s busy of a 6 s import of 200,000 payments, the binding task 1.5 s).
pub(crate) struct BoundStatement {
    sql: String,
    arguments: AnyArguments<'static>,
    /// The first parameter that could not be encoded; reported when the statement runs.
    encode_error: Option<String>,
    /// The rows the statement must change, and the conflict it means when it does not.
    expected_rows: Option<(u64, &'static str)>,
    /// Fewer rows than expected mean a stale write, not a conflict.
    stale_when_short: bool,
}

impl BoundStatement {
    pub(crate) fn new(sql: String) -> Self {
        BoundStatement {
            sql,
            arguments: AnyArguments::default(),
            encode_error: None,
            expected_rows: None,
            stale_when_short: false,
        }
    }

    /// Binds the next parameter (owned: the statement outlives what it was built from).
    pub(crate) fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: Encode<'static, Any> + Type<Any> + 'static,
    {
        if let Err(error) = self.arguments.add(value)
            && self.encode_error.is_none()
        {
            self.encode_error = Some(error.to_string());
        }
        self
    }

    /// Makes the statement fail with `conflict` unless it changes exactly `rows` rows.
    pub(crate) fn expecting_rows(&mut self, rows: u64, conflict: &'static str) -> &mut Self {
        self.expected_rows = Some((rows, conflict));
        self
    }

    /// As [`Self::expecting_rows`], for a statement whose rows are guarded by versions: fewer
    /// rows mean another writer moved them first ([`StoreError::Stale`]).
    pub(crate) fn expecting_fresh_rows(&mut self, rows: u64, stale: &'static str) -> &mut Self {
        self.expected_rows = Some((rows, stale));
        self.stale_when_short = true;
        self
    }

    pub(crate) async fn execute(
        self,
        transaction: &mut sqlx::Transaction<'static, Any>,
    ) -> StoreResult<()> {
        let BoundStatement {
            sql,
            arguments,
            encode_error,
            expected_rows,
            stale_when_short,
        } = self;
        if let Some(error) = encode_error {
            return Err(StoreError::Corrupt(format!(
                "a parameter could not be encoded: {error}"
            )));
        }
        let written = sqlx::query_with(&sql, arguments)
            .execute(&mut **transaction)
            .await?
            .rows_affected();
        match expected_rows {
            Some((rows, stale)) if rows != written && stale_when_short => {
                Err(StoreError::Stale(stale.to_owned()))
            }
            Some((rows, conflict)) if rows != written => {
                Err(StoreError::Conflict(conflict.to_owned()))
            }
            _ => Ok(()),
        }
    }
}

impl std::fmt::Debug for BoundStatement {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The parameters are left out: they may be personal data.
        formatter
            .debug_struct("BoundStatement")
            .field("sql", &self.sql)
            .field("parameters", &self.arguments.len())
            .finish()
    }
}

/// Runs statements in order inside the caller's transaction.
pub(crate) async fn execute_all(
    transaction: &mut sqlx::Transaction<'static, Any>,
    statements: Vec<BoundStatement>,
) -> StoreResult<()> {
    for statement in statements {
        statement.execute(transaction).await?;
    }
    Ok(())
}

/// `count` parameters numbered from `first`: `$2, $3, …` on PostgreSQL, `?, ?, …` on SQLite.
/// SQLite looks up a named or numbered parameter (`$n`, `?n`) by a linear scan of the
/// statement's parameter list, which makes binding a 6,000-parameter insert quadratic (tens
/// of milliseconds); anonymous `?` parameters are bound by position in constant time.
pub(crate) fn placeholders(backend: Backend, first: usize, count: usize) -> String {
    let mut text = String::with_capacity(count * 6);
    push_placeholders(&mut text, backend, first, count);
    text
}

/// [`placeholders`] written onto `text` (a chunk's statements hold tens of thousands).
fn push_placeholders(text: &mut String, backend: Backend, first: usize, count: usize) {
    for number in first..first + count {
        if number > first {
            text.push_str(", ");
        }
        match backend {
            Backend::Sqlite => text.push('?'),
            Backend::Postgres => {
                text.push('$');
                text.push_str(&number.to_string());
            }
        }
    }
}

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` parameters.
pub(crate) fn value_rows(backend: Backend, rows: usize, columns: usize) -> String {
    let mut text = String::with_capacity(rows * columns * 6);
    for row in 0..rows {
        if row > 0 {
            text.push_str(", ");
        }
        text.push('(');
        push_placeholders(&mut text, backend, 1 + row * columns, columns);
        text.push(')');
    }
    text
}

/// A select list that folds every row of a query into one JSON array of arrays, one per row
/// (`[]` for none), in `order` when given (an aggregate keeps no order of its input unless
/// told; SQLite takes `ORDER BY` in an aggregate from 3.44, the bundled build is 3.46). sqlx
/// hands SQLite's rows from its database thread to ours one message at a time, measured at
/// about 4 µs a row; a chunk's rows as one JSON text cost one message and a parse (the
/// payments import's case look-ups went from 0.7 s to 0.2 s per 120,000 cases).
pub(crate) fn json_rows(backend: Backend, columns: &str, order: Option<&str>) -> String {
    let order = order
        .map(|order| format!(" ORDER BY {order}"))
        .unwrap_or_default();
    match backend {
        Backend::Sqlite => format!("json_group_array(json_array({columns}){order})"),
        Backend::Postgres => {
            format!("COALESCE(json_agg(json_build_array({columns}){order})::text, '[]')")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_lists_number_parameters_in_order() {
        assert_eq!(placeholders(Backend::Postgres, 2, 3), "$2, $3, $4");
        assert_eq!(value_rows(Backend::Postgres, 2, 2), "($1, $2), ($3, $4)");
        assert_eq!(value_rows(Backend::Sqlite, 2, 2), "(?, ?), (?, ?)");
    }
}
