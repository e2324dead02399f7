//! What a client's statement and remittance report need beyond an account's lines: the
//! whole posting each line belongs to (which names the case, and the commission kept), and
//! the client's own references of a case's claims.

use sqlx::Row;

use crate::ledger::parse_lines;
use crate::models::{PostingEntryRow, StatementLine};
use crate::{SqlStore, StoreError, StoreResult};

/// A line of an account with every line of its posting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailedLine {
    pub line: StatementLine,
    pub posting: Vec<PostingEntryRow>,
}

const LINE_COLUMNS: &str = "p.at_ms, p.id, p.kind, p.description, e.currency, e.amount_minor, p.lines \
     FROM account_lines e JOIN postings p ON p.id = e.posting_id";

fn detailed(row: &sqlx::any::AnyRow) -> StoreResult<DetailedLine> {
    let posting_id: i64 = row.try_get(1)?;
    let lines: String = row.try_get(6)?;
    Ok(DetailedLine {
        line: StatementLine {
            at_ms: row.try_get(0)?,
            posting_id,
            kind: row.try_get(2)?,
            description: row.try_get(3)?,
            currency: row.try_get(4)?,
            amount_minor: row.try_get(5)?,
        },
        posting: parse_lines(&lines).map_err(|error| {
            StoreError::Corrupt(format!("posting {posting_id}'s lines: {error}"))
        })?,
    })
}

/// An account's lines booked in `[from_ms, to_ms)`, each with its posting.
pub(crate) async fn account_lines(
    store: &SqlStore,
    account: &str,
    from_ms: i64,
    to_ms: i64,
) -> StoreResult<Vec<DetailedLine>> {
    if !crate::ledger::has_statement(account) {
        return Err(StoreError::Conflict(format!(
            "no statement is kept for {account}"
        )));
    }
    let rows = sqlx::query(&format!(
        "SELECT {LINE_COLUMNS} WHERE e.account = $1 AND p.at_ms >= $2 AND p.at_ms < $3 ORDER BY e.posting_id, e.line"
    ))
    .bind(account)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(detailed).collect()
}

/// What one remittance paid for: the lines of the client's liability in its currency after
/// the client's previous remittance in that currency, up to this one (its own line left out).
pub(crate) async fn remitted_lines(
    store: &SqlStore,
    run_date: &str,
    client_id: &str,
    currency: &str,
) -> StoreResult<Vec<DetailedLine>> {
    let this = sqlx::query(
        "SELECT posting_id FROM remittances WHERE run_date = $1 AND client_id = $2 AND currency = $3",
    )
    .bind(run_date)
    .bind(client_id)
    .bind(currency)
    .fetch_optional(store.pool())
    .await?;
    let Some(this) = this else {
        return Ok(Vec::new());
    };
    let this_posting: i64 = this.try_get(0)?;
    let previous = sqlx::query(
        "SELECT CAST(COALESCE(MAX(posting_id), 0) AS BIGINT) FROM remittances \
         WHERE client_id = $1 AND currency = $2 AND posting_id < $3",
    )
    .bind(client_id)
    .bind(currency)
    .bind(this_posting)
    .fetch_one(store.pool())
    .await?;
    let after_posting: i64 = previous.try_get(0)?;
    let rows = sqlx::query(&format!(
        "SELECT {LINE_COLUMNS} WHERE e.account = $1 AND e.currency = $2 AND e.posting_id > $3 AND e.posting_id < $4 \
         ORDER BY e.posting_id, e.line"
    ))
    .bind(format!("client_liability:{client_id}"))
    .bind(currency)
    .bind(after_posting)
    .bind(this_posting)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(detailed).collect()
}

/// The client's own references of the claims of the given cases: (case number, reference),
/// by case and reference.
pub(crate) async fn claim_references(
    store: &SqlStore,
    case_numbers: &[i64],
) -> StoreResult<Vec<(i64, String)>> {
    let mut found = Vec::new();
    for chunk in case_numbers.chunks(500) {
        let sql = format!(
            "SELECT c.case_number, cl.client_claim_ref FROM claims cl JOIN cases c ON c.id = cl.case_id \
             WHERE c.case_number IN ({}) ORDER BY c.case_number, cl.client_claim_ref",
            crate::sql::placeholders(store.backend(), 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for number in chunk {
            query = query.bind(*number);
        }
        for row in query.fetch_all(store.pool()).await? {
            found.push((row.try_get(0)?, row.try_get(1)?));
        }
    }
    Ok(found)
}
