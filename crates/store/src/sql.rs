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
