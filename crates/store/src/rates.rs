//! Published late-payment rates (migration 0010): recorded with a journal entry in the same
//! transaction, never changed, and read back whole for the gate's rule book. Whether a rate
//! is lawful and fits the packs is the rule book's question; here only what the database can
//! know for sure is checked again under the journal's lock — that no recorded rate of the same
//! market and customer kind shares a day with it, which two officers adding at once could not
//! see from outside.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::models::NewJournalEntry;
use crate::{SqlStore, StoreError, StoreResult, journal};

/// A published rate as the application records it (already checked against the rule book).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPublishedRate {
    /// The rule id the gate cites: `PUB-<market>-<from>-<applies_to>`.
    pub id: String,
    pub market: String,
    /// `consumer`, `business` or `all`.
    pub applies_to: String,
    /// YYYY-MM-DD.
    pub effective_from: String,
    /// YYYY-MM-DD, inclusive.
    pub effective_to: String,
    pub rate_bp: i64,
    pub citation: String,
    /// Who recorded it (the journal's actor).
    pub recorded_by: String,
}

/// A published rate as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedRateRow {
    pub rate: NewPublishedRate,
    pub recorded_at_ms: i64,
}

const SELECT_RATES: &str = "SELECT id, market, applies_to, effective_from, effective_to, \
     rate_bp, citation, recorded_by, recorded_at_ms FROM published_rates";

/// Records the rate and its journal entry (`rules.rate_published`: who, the period, the rate
/// and the citation) in one transaction; the journal sequence number.
pub(crate) async fn insert(
    store: &SqlStore,
    rate: &NewPublishedRate,
    at_ms: i64,
) -> StoreResult<i64> {
    let mut transaction = store.pool().begin().await?;
    // The journal slot first: it takes the write lock, so the overlap look-up stays true until
    // the commit. Returning early drops the transaction and rolls the reservation back.
    let slot = journal::reserve(&mut transaction, store.journal(journal::RULES)).await?;
    let sql = format!(
        "{SELECT_RATES} WHERE market = $1 AND (applies_to = 'all' OR $2 = 'all' OR applies_to = $2) \
         AND effective_from <= $3 AND effective_to >= $4 ORDER BY effective_from LIMIT 1"
    );
    let overlapping = sqlx::query(&sql)
        .bind(&rate.market)
        .bind(&rate.applies_to)
        .bind(&rate.effective_to)
        .bind(&rate.effective_from)
        .fetch_optional(&mut *transaction)
        .await?;
    if let Some(row) = overlapping.as_ref().map(rate_from_row).transpose()? {
        return Err(StoreError::Conflict(format!(
            "{} already has a published late rate for {} customers from {} to {} ({}); rates of one market and customer kind may not overlap",
            row.rate.market,
            row.rate.applies_to,
            row.rate.effective_from,
            row.rate.effective_to,
            row.rate.id
        )));
    }
    sqlx::query(
        "INSERT INTO published_rates (id, market, applies_to, effective_from, effective_to, \
         rate_bp, citation, recorded_by, recorded_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&rate.id)
    .bind(&rate.market)
    .bind(&rate.applies_to)
    .bind(&rate.effective_from)
    .bind(&rate.effective_to)
    .bind(rate.rate_bp)
    .bind(&rate.citation)
    .bind(&rate.recorded_by)
    .bind(at_ms)
    .execute(&mut *transaction)
    .await?;
    let entry = NewJournalEntry {
        at_ms,
        actor: rate.recorded_by.clone(),
        kind: "rules.rate_published".into(),
        subject: format!("rate:{}", rate.id),
        payload: serde_json::json!({
            "market": rate.market,
            "applies_to": rate.applies_to,
            "effective_from": rate.effective_from,
            "effective_to": rate.effective_to,
            "rate_bp": rate.rate_bp,
            "citation": rate.citation,
            "recorded_by": rate.recorded_by,
        })
        .to_string(),
    };
    let seq = journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(seq)
}

/// Every published rate, by market, start and customer kind.
pub(crate) async fn all(store: &SqlStore) -> StoreResult<Vec<PublishedRateRow>> {
    let sql = format!("{SELECT_RATES} ORDER BY market, effective_from, applies_to");
    let rows = sqlx::query(&sql).fetch_all(store.pool()).await?;
    rows.iter().map(rate_from_row).collect()
}

fn rate_from_row(row: &AnyRow) -> StoreResult<PublishedRateRow> {
    Ok(PublishedRateRow {
        rate: NewPublishedRate {
            id: row.try_get(0)?,
            market: row.try_get(1)?,
            applies_to: row.try_get(2)?,
            effective_from: row.try_get(3)?,
            effective_to: row.try_get(4)?,
            rate_bp: row.try_get(5)?,
            citation: row.try_get(6)?,
            recorded_by: row.try_get(7)?,
        },
        recorded_at_ms: row.try_get(8)?,
    })
}
