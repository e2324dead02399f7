//! Late interest in the store: the open cases as the accrual run needs them, read a page at a
//! time, and a batch of the gate's decisions recorded in one transaction — every decision
//! journaled with its reasons, every approved accrual written with its ledger posting, once per
//! case and start day, so a run repeated or resumed after a crash posts nothing twice.

use std::collections::{BTreeMap, HashMap, HashSet};

use sqlx::Row;

use crate::ledger::write_postings;
use crate::models::{
    AccrualOutcome, InterestCase, InterestDecision, NewInterestAccrual, NewJournalEntry, NewPosting,
};
use crate::{Backend, SqlStore, StoreError, StoreResult, journal};

/// A batch larger than this is a caller's bug: the run works in pages of a few thousand.
pub const INTEREST_DECISIONS_PER_BATCH_MAX: usize = 20_000;
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
    let sql = "SELECT c.case_number, c.client_id, c.market, c.currency, cu.kind, \
         (SELECT CAST(COALESCE(SUM(principal_minor), 0) AS BIGINT) FROM claims WHERE case_id = c.id), \
         (SELECT MIN(due_date) FROM claims WHERE case_id = c.id), \
         (SELECT MAX(due_date) FROM claims WHERE case_id = c.id), \
         (SELECT MIN(interest_rate_bp) FROM claims WHERE case_id = c.id), \
         (SELECT COUNT(*) FROM claims WHERE case_id = c.id AND interest_rate_bp IS NULL), \
         (SELECT a.to_date FROM interest_accruals a WHERE a.case_number = c.case_number ORDER BY a.from_date DESC LIMIT 1), \
         (SELECT a.carry_minor_bp_days FROM interest_accruals a WHERE a.case_number = c.case_number ORDER BY a.from_date DESC LIMIT 1), \
         b.principal_minor, b.interest_minor, b.collection_costs_minor, b.creditor_fees_minor \
         FROM cases c JOIN customers cu ON cu.id = c.customer_id \
         LEFT JOIN case_balances b ON b.case_number = c.case_number AND b.currency = c.currency \
         WHERE c.status = 'open' AND c.case_number > $1 ORDER BY c.case_number LIMIT $2";
    let rows = sqlx::query(sql)
        .bind(after_case_number)
        .bind(limit)
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            let balance = |index: usize| -> StoreResult<i64> {
                Ok(row.try_get::<Option<i64>, _>(index)?.unwrap_or(0))
            };
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
            })
        })
        .collect()
}

/// Records a batch of interest decisions in one transaction: each decision in the journal
/// (`gate.decided`, as `App::propose` writes it), each approved accrual with its posting, and
/// a summary entry. An accrual whose case has meanwhile been accrued past its start (another
/// run got there first) is skipped whole — neither posted nor journaled.
pub(crate) async fn record(
    store: &SqlStore,
    batch: &[InterestDecision],
    actor: &str,
    at_ms: i64,
) -> StoreResult<Vec<AccrualOutcome>> {
    if batch.len() > INTEREST_DECISIONS_PER_BATCH_MAX {
        return Err(StoreError::Conflict(format!(
            "a batch holds at most {INTEREST_DECISIONS_PER_BATCH_MAX} interest decisions"
        )));
    }
    check_accruals(batch)?;
    let backend = store.backend();
    let mut transaction = store.pool().begin().await?;
    // The journal's head first: it takes the write lock, so what is read next stays true
    // until the commit.
    let head = journal::lock_head(&mut transaction).await?;
    let accrued_to = latest_accruals(&mut transaction, batch, backend).await?;
    let fresh = fresh_decisions(batch, &accrued_to);
    let postings: Vec<NewPosting> = batch
        .iter()
        .zip(&fresh)
        .filter(|(_, fresh)| **fresh)
        .filter_map(|(decision, _)| decision.accrual.as_ref()?.posting.clone())
        .collect();
    let mut posting_ids = write_postings(&mut transaction, &postings, backend)
        .await?
        .into_iter();
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut written: Vec<(i64, &NewInterestAccrual, Option<i64>)> = Vec::new();
    for (decision, fresh) in batch.iter().zip(&fresh) {
        outcomes.push(match (&decision.accrual, fresh) {
            (_, false) => AccrualOutcome::AlreadyAccrued,
            (None, true) => AccrualOutcome::Denied,
            (Some(accrual), true) => {
                let posting_id = match accrual.posting {
                    Some(_) => posting_ids.next(),
                    None => None,
                };
                written.push((decision.case_number, accrual, posting_id));
                AccrualOutcome::Accrued { posting_id }
            }
        });
    }
    insert_accruals(&mut transaction, &written, at_ms, backend).await?;
    let entries = journal_entries(batch, &fresh, &written, actor, at_ms);
    journal::write_many(&mut transaction, head, &entries, backend).await?;
    transaction.commit().await?;
    Ok(outcomes)
}

/// An accrual's posting must carry exactly its amount: a positive amount a posting, nothing
/// none. (The posting itself is built by the ledger from the gate's approval.)
fn check_accruals(batch: &[InterestDecision]) -> StoreResult<()> {
    for decision in batch {
        let Some(accrual) = &decision.accrual else {
            continue;
        };
        let consistent = match &accrual.posting {
            Some(posting) => {
                accrual.amount_minor > 0
                    && posting.entries.iter().any(|entry| {
                        entry.amount_minor == accrual.amount_minor
                            && entry.currency == accrual.currency
                    })
            }
            None => accrual.amount_minor == 0,
        };
        if !consistent || accrual.to_date <= accrual.from_date {
            return Err(StoreError::Conflict(format!(
                "case {}: the accrual of {} {} for [{}, {}) does not match its posting",
                decision.case_number,
                accrual.amount_minor,
                accrual.currency,
                accrual.from_date,
                accrual.to_date
            )));
        }
    }
    Ok(())
}

/// Where each of the batch's cases has been accrued to (exclusive), if ever.
async fn latest_accruals(
    transaction: &mut Tx,
    batch: &[InterestDecision],
    backend: Backend,
) -> StoreResult<HashMap<i64, String>> {
    let cases: Vec<i64> = batch
        .iter()
        .filter(|decision| decision.accrual.is_some())
        .map(|decision| decision.case_number)
        .collect();
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

/// Which decisions still stand: a denial always (it is only journaled); an accrual unless its
/// case was accrued past its start, or the case already has an accrual earlier in the batch.
fn fresh_decisions(batch: &[InterestDecision], accrued_to: &HashMap<i64, String>) -> Vec<bool> {
    let mut seen: HashSet<i64> = HashSet::new();
    batch
        .iter()
        .map(|decision| match &decision.accrual {
            None => true,
            Some(accrual) => {
                // Dates are ISO YYYY-MM-DD, so text order is date order.
                let after_last = accrued_to
                    .get(&decision.case_number)
                    .is_none_or(|to_date| to_date.as_str() <= accrual.from_date.as_str());
                after_last && seen.insert(decision.case_number)
            }
        })
        .collect()
}

async fn insert_accruals(
    transaction: &mut Tx,
    written: &[(i64, &NewInterestAccrual, Option<i64>)],
    at_ms: i64,
    backend: Backend,
) -> StoreResult<()> {
    for chunk in written.chunks(ACCRUALS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO interest_accruals (case_number, from_date, to_date, currency, amount_minor, carry_minor_bp_days, posting_id, recorded_at_ms) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for (case_number, accrual, posting_id) in chunk {
            query = query
                .bind(*case_number)
                .bind(&accrual.from_date)
                .bind(&accrual.to_date)
                .bind(&accrual.currency)
                .bind(accrual.amount_minor)
                .bind(accrual.carry_minor_bp_days)
                .bind(*posting_id)
                .bind(at_ms);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(())
}

/// One `gate.decided` entry per standing decision, then one `interest.accrued` entry for what
/// the batch accrued (counts and totals per currency).
fn journal_entries(
    batch: &[InterestDecision],
    fresh: &[bool],
    written: &[(i64, &NewInterestAccrual, Option<i64>)],
    actor: &str,
    at_ms: i64,
) -> Vec<NewJournalEntry> {
    let mut entries: Vec<NewJournalEntry> = batch
        .iter()
        .zip(fresh)
        .filter(|(_, fresh)| **fresh)
        .map(|(decision, _)| NewJournalEntry {
            at_ms,
            actor: actor.to_owned(),
            kind: "gate.decided".into(),
            subject: format!("case:{}", decision.case_number),
            payload: decision.decision.clone(),
        })
        .collect();
    if !written.is_empty() {
        let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
        for (_, accrual, _) in written {
            *totals.entry(accrual.currency.as_str()).or_insert(0) += accrual.amount_minor;
        }
        let postings: Vec<i64> = written.iter().filter_map(|(_, _, id)| *id).collect();
        let payload = serde_json::json!({
            "accruals": written.len(),
            "postings": postings.len(),
            "first_posting_id": postings.first(),
            "last_posting_id": postings.last(),
            "amount_minor_by_currency": totals,
        });
        entries.push(NewJournalEntry {
            at_ms,
            actor: actor.to_owned(),
            kind: "interest.accrued".into(),
            subject: "interest".into(),
            payload: payload.to_string(),
        });
    }
    entries
}
