//! What the champion/challenger report counts, grouped in SQL per strategy, path and variant
//! (and currency for money), so that a portfolio of millions of cases comes back as a few rows.
//!
//! Each case counts once, for the strategy, path and variant of its **first** step done (its
//! entry into the strategy): a case that later moved to another path (a plan agreed, a
//! vulnerability flag) stays with the path it entered on, so the variants' case counts add up
//! to the cases with steps. The same SQL text runs on SQLite and PostgreSQL.

use sqlx::Row;

use crate::{SqlStore, StoreResult};

/// One strategy/path/variant's counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantCountsRow {
    pub strategy: String,
    pub path: String,
    /// Empty for a strategy without variants (the path's own steps).
    pub variant: String,
    pub cases: i64,
    /// Contacts the gate approved and the executor recorded on the cases.
    pub contacts: i64,
    /// Holds placed on the cases, of kind complaint and dispute.
    pub complaints: i64,
    pub disputes: i64,
}

/// Money of one strategy/path/variant in one currency: `cases` with any, and the sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantMoneyRow {
    pub strategy: String,
    pub path: String,
    pub variant: String,
    pub currency: String,
    /// Cases with a payment (for payments), or fees charged (for fees).
    pub count: i64,
    pub amount_minor: i64,
}

/// Everything the report reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrategyOutcomeRows {
    pub counts: Vec<VariantCountsRow>,
    /// Payments posted to the cases after their first step, not returned since.
    pub payments: Vec<VariantMoneyRow>,
    pub fees: Vec<VariantMoneyRow>,
}

/// Each case with steps, once: the strategy, path and variant of its first step done, and when
/// that step was recorded. Window functions: SQLite 3.25+, PostgreSQL.
const ENTRIES: &str = "WITH entries AS (\
     SELECT case_number, strategy, path, variant, at_ms FROM (\
       SELECT case_number, strategy, path, COALESCE(variant, '') AS variant, at_ms, \
       ROW_NUMBER() OVER (PARTITION BY case_number ORDER BY done_on, at_ms, strategy, path, step_id) AS n \
       FROM case_steps) firsts WHERE n = 1)";

const COUNTS: &str = " SELECT e.strategy, e.path, e.variant, COUNT(*), \
     CAST(COALESCE(SUM(k.contacts), 0) AS BIGINT), \
     CAST(COALESCE(SUM(h.complaints), 0) AS BIGINT), \
     CAST(COALESCE(SUM(h.disputes), 0) AS BIGINT) \
     FROM entries e \
     LEFT JOIN (SELECT case_number, COUNT(*) AS contacts FROM case_contacts \
       WHERE decision_id IS NOT NULL GROUP BY case_number) k ON k.case_number = e.case_number \
     LEFT JOIN (SELECT case_number, \
       SUM(CASE WHEN kind = 'complaint' THEN 1 ELSE 0 END) AS complaints, \
       SUM(CASE WHEN kind = 'dispute' THEN 1 ELSE 0 END) AS disputes \
       FROM case_holds GROUP BY case_number) h ON h.case_number = e.case_number \
     GROUP BY e.strategy, e.path, e.variant ORDER BY e.strategy, e.path, e.variant";

/// Payments in: matched to the case by the import, or assigned to it from the unmatched queue
/// by an agent; a payment the bank returned (its posting corrected) does not count.
const PAYMENTS: &str = ", paid AS (\
     SELECT b.case_number, b.currency, b.amount_minor, p.at_ms FROM bank_entries b \
     JOIN postings p ON p.id = b.posting_id \
     WHERE b.outcome = 'matched' AND b.direction = 'credit' AND b.reversal = 0 \
     AND b.case_number IS NOT NULL \
     AND NOT EXISTS (SELECT 1 FROM postings c WHERE c.corrects = b.posting_id) \
     UNION ALL \
     SELECT r.case_number, b.currency, b.amount_minor, p.at_ms FROM unmatched_resolutions r \
     JOIN bank_entries b ON b.account_iban = r.account_iban AND b.bank_reference = r.bank_reference \
     JOIN postings p ON p.id = r.posting_id \
     WHERE r.resolution = 'assigned' AND r.case_number IS NOT NULL \
     AND NOT EXISTS (SELECT 1 FROM postings c WHERE c.corrects = r.posting_id)) \
     SELECT e.strategy, e.path, e.variant, y.currency, COUNT(DISTINCT e.case_number), \
     CAST(SUM(y.amount_minor) AS BIGINT) \
     FROM entries e JOIN paid y ON y.case_number = e.case_number AND y.at_ms >= e.at_ms \
     GROUP BY e.strategy, e.path, e.variant, y.currency \
     ORDER BY e.strategy, e.path, e.variant, y.currency";

const FEES: &str = " SELECT e.strategy, e.path, e.variant, g.currency, COUNT(*), \
     CAST(SUM(g.amount_minor) AS BIGINT) \
     FROM entries e JOIN case_charges g ON g.case_number = e.case_number \
     GROUP BY e.strategy, e.path, e.variant, g.currency \
     ORDER BY e.strategy, e.path, e.variant, g.currency";

/// Reads the three groupings in one transaction (on PostgreSQL, one snapshot is not promised
/// at READ COMMITTED; the report is a measure, not a balance).
pub(crate) async fn strategy_outcomes(store: &SqlStore) -> StoreResult<StrategyOutcomeRows> {
    let mut transaction = store.pool().begin().await?;
    let mut rows = StrategyOutcomeRows::default();
    for row in sqlx::query(&format!("{ENTRIES}{COUNTS}"))
        .fetch_all(&mut *transaction)
        .await?
    {
        rows.counts.push(VariantCountsRow {
            strategy: row.try_get(0)?,
            path: row.try_get(1)?,
            variant: row.try_get(2)?,
            cases: row.try_get(3)?,
            contacts: row.try_get(4)?,
            complaints: row.try_get(5)?,
            disputes: row.try_get(6)?,
        });
    }
    for (sql, into) in [(PAYMENTS, &mut rows.payments), (FEES, &mut rows.fees)] {
        for row in sqlx::query(&format!("{ENTRIES}{sql}"))
            .fetch_all(&mut *transaction)
            .await?
        {
            into.push(VariantMoneyRow {
                strategy: row.try_get(0)?,
                path: row.try_get(1)?,
                variant: row.try_get(2)?,
                currency: row.try_get(3)?,
                count: row.try_get(4)?,
                amount_minor: row.try_get(5)?,
            });
        }
    }
    transaction.commit().await?;
    Ok(rows)
}
