//! SQL text shared by the store's modules: parameter lists for multi-row statements.

use crate::Backend;

/// `count` parameters numbered from `first`: `$2, $3, …` on PostgreSQL, `?, ?, …` on SQLite.
/// SQLite looks up a named or numbered parameter (`$n`, `?n`) by a linear scan of the
/// statement's parameter list, which makes binding a 6,000-parameter insert quadratic (tens
/// of milliseconds); anonymous `?` parameters are bound by position in constant time.
pub(crate) fn placeholders(backend: Backend, first: usize, count: usize) -> String {
    if backend == Backend::Sqlite {
        return vec!["?"; count].join(", ");
    }
    let mut text = String::with_capacity(count * 6);
    for number in first..first + count {
        if number > first {
            text.push_str(", ");
        }
        text.push('$');
        text.push_str(&number.to_string());
    }
    text
}

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` parameters.
pub(crate) fn value_rows(backend: Backend, rows: usize, columns: usize) -> String {
    let mut text = String::with_capacity(rows * columns * 6);
    for row in 0..rows {
        if row > 0 {
            text.push_str(", ");
        }
        text.push('(');
        text.push_str(&placeholders(backend, 1 + row * columns, columns));
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
