//! Late interest in the store: the open cases as the accrual run needs them, read a page at a
//! time, and the accrual records the executor (`execute`) writes with each approved accrual's
//! posting — once per case and start day, so a run repeated or resumed after a crash posts
//! nothing twice.

use std::collections::HashMap;

use sqlx::Row;

use crate::claim_terms::{CASE_CLAIM_TERMS, CaseClaimTerms};
use crate::models::InterestCase;
use crate::{Backend, SqlStore, StoreResult};

/// Cases per `IN (…)` list (one parameter each).
const CASES_PER_STATEMENT: usize = 500;
/// Rows per multi-row insert of accruals (6 parameters a row).
const ACCRUALS_PER_STATEMENT: usize = 500;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Open cases after `after_case_number`, in case-number order, at most `limit`: keyset pages,
/// so each page is one index range however far the run has got. Everything comes in one
/// statement, each aggregate a look-up by key: the claims (by case), the latest accrual (by
/// case and start day) and the receivable balances (the case's row of `case_balances`).
pub(crate) async fn open_cases(
    store: &SqlStore,
    after_case_number: i64,
    limit: i64,
) -> StoreResult<Vec<InterestCase>> {
    let sql = format!(
        "SELECT c.case_number, c.client_id, c.market, c.currency, cu.kind, \
         (SELECT CAST(COALESCE(SUM(principal_minor), 0) AS BIGINT) FROM claims WHERE case_id = c.id), \
         (SELECT MIN(due_date) FROM claims WHERE case_id = c.id), \
         (SELECT MAX(due_date) FROM claims WHERE case_id = c.id), \
         (SELECT MIN(interest_rate_bp) FROM claims WHERE case_id = c.id), \
         (SELECT COUNT(*) FROM claims WHERE case_id = c.id AND interest_rate_bp IS NULL), \
         (SELECT a.to_date FROM interest_accruals a WHERE a.case_number = c.case_number ORDER BY a.from_date DESC LIMIT 1), \
         (SELECT a.carry_minor_bp_days FROM interest_accruals a WHERE a.case_number = c.case_number ORDER BY a.from_date DESC LIMIT 1), \
         b.principal_minor, b.interest_minor, b.collection_costs_minor, b.creditor_fees_minor, \
         COALESCE(b.version, 0), {CASE_CLAIM_TERMS} \
         FROM cases c JOIN customers cu ON cu.id = c.customer_id \
         LEFT JOIN case_balances b ON b.case_number = c.case_number AND b.currency = c.currency \
         WHERE c.status = 'open' AND c.case_number > $1 ORDER BY c.case_number LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(after_case_number)
        .bind(limit)
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            let balance = |index: usize| -> StoreResult<i64> {
                Ok(row.try_get::<Option<i64>, _>(index)?.unwrap_or(0))
            };
            let terms = CaseClaimTerms::read(row, 17)?;
            Ok(InterestCase {
                case_number: row.try_get(0)?,
                client_id: row.try_get(1)?,
                market: row.try_get(2)?,
                currency: row.try_get(3)?,
                customer_kind: row.try_get(4)?,
                principal_minor: row.try_get(5)?,
                earliest_due_date: row.try_get(6)?,
                latest_due_date: row.try_get(7)?,
                lowest_interest_rate_bp: row.try_get(8)?,
                claims_without_rate: row.try_get(9)?,
                accrued_to: row.try_get(10)?,
                interest_carry_minor_bp_days: balance(11)?,
                principal_balance_minor: balance(12)?,
                interest_balance_minor: balance(13)?,
                collection_costs_balance_minor: balance(14)?,
                creditor_fees_balance_minor: balance(15)?,
                version: row.try_get(16)?,
                earliest_arose_on: terms.earliest_arose_on,
                reminder_fee_agreed: terms.reminder_fee_agreed,
                jurisdiction: terms.jurisdiction,
            })
        })
        .collect()
}

/// Where each of the given cases has been accrued to (exclusive), if ever.
pub(crate) async fn latest_accruals(
    transaction: &mut Tx,
    cases: &[i64],
    backend: Backend,
) -> StoreResult<HashMap<i64, String>> {
    let mut found = HashMap::new();
    for chunk in cases.chunks(CASES_PER_STATEMENT) {
        let sql = format!(
            "SELECT c.case_number, (SELECT a.to_date FROM interest_accruals a WHERE a.case_number = c.case_number \
             ORDER BY a.from_date DESC LIMIT 1) FROM cases c WHERE c.case_number IN ({})",
            crate::sql::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for case_number in chunk {
            query = query.bind(*case_number);
        }
        for row in query.fetch_all(&mut **transaction).await? {
            if let Some(to_date) = row.try_get::<Option<String>, _>(1)? {
                found.insert(row.try_get(0)?, to_date);
            }
        }
    }
    Ok(found)
}

/// An approved accrual as the executor writes it.
pub(crate) struct AccrualRow {
    pub case_number: i64,
    pub from_date: String,
    pub to_date: String,
    pub currency: String,
    pub amount_minor: i64,
    pub carry_minor_bp_days: i64,
    pub posting_id: Option<i64>,
}

pub(crate) async fn insert_accruals(
    transaction: &mut Tx,
    written: &[AccrualRow],
    at_ms: i64,
    backend: Backend,
) -> StoreResult<()> {
    for chunk in written.chunks(ACCRUALS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO interest_accruals (case_number, from_date, to_date, currency, amount_minor, carry_minor_bp_days, posting_id, recorded_at_ms) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for accrual in chunk {
            query = query
                .bind(accrual.case_number)
                .bind(&accrual.from_date)
                .bind(&accrual.to_date)
                .bind(&accrual.currency)
                .bind(accrual.amount_minor)
                .bind(accrual.carry_minor_bp_days)
                .bind(accrual.posting_id)
                .bind(at_ms);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(())
}
