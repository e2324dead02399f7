//! The daily run's own records: which strategy steps each case has done, and which run dates
//! started and finished. The steps themselves are written by the executor with the decision
//! that carried them out (`execute.rs`); this module reads them and keeps the run's dates.

use std::collections::HashMap;

use sqlx::Row;

use crate::models::NewJournalEntry;
use crate::{SqlStore, StoreResult, journal};

/// Cases per `IN (…)` list.
const KEYS_PER_STATEMENT: usize = 500;

/// A strategy step a case has done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStepRow {
    pub strategy: String,
    pub path: String,
    pub variant: Option<String>,
    pub step_id: String,
    /// The run's date, YYYY-MM-DD.
    pub done_on: String,
}

/// Where a run date stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunDayState {
    /// It had not started: it is recorded as started now.
    Started,
    /// It started before and did not finish (a run that was killed): it goes on.
    Resumed,
    /// It finished before, with this summary (JSON): nothing is to be done again.
    Finished { summary: String },
}

/// Every step done by each of the given cases, in the order they were done.
pub(crate) async fn case_steps(
    store: &SqlStore,
    cases: &[i64],
) -> StoreResult<HashMap<i64, Vec<CaseStepRow>>> {
    let mut found: HashMap<i64, Vec<CaseStepRow>> = HashMap::new();
    for chunk in cases.chunks(KEYS_PER_STATEMENT) {
        let sql = format!(
            "SELECT case_number, strategy, path, variant, step_id, done_on FROM case_steps \
             WHERE case_number IN ({}) ORDER BY case_number, done_on, at_ms",
            crate::sql::placeholders(store.backend(), 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for case_number in chunk {
            query = query.bind(*case_number);
        }
        for row in query.fetch_all(store.pool()).await? {
            found.entry(row.try_get(0)?).or_default().push(CaseStepRow {
                strategy: row.try_get(1)?,
                path: row.try_get(2)?,
                variant: row.try_get(3)?,
                step_id: row.try_get(4)?,
                done_on: row.try_get(5)?,
            });
        }
    }
    Ok(found)
}

/// Records that the run of `run_date` starts (journaled), unless it started or finished
/// before; says which.
pub(crate) async fn start_run_day(
    store: &SqlStore,
    run_date: &str,
    actor: &str,
    at_ms: i64,
) -> StoreResult<RunDayState> {
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::MAIN)).await?;
    let finished: Option<String> =
        sqlx::query_scalar("SELECT summary FROM run_day_completions WHERE run_date = $1")
            .bind(run_date)
            .fetch_optional(&mut *transaction)
            .await?;
    if let Some(summary) = finished {
        transaction.rollback().await?;
        return Ok(RunDayState::Finished { summary });
    }
    let inserted = sqlx::query(
        "INSERT INTO run_days (run_date, started_by, started_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (run_date) DO NOTHING",
    )
    .bind(run_date)
    .bind(actor)
    .bind(at_ms)
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    let state = if inserted == 1 {
        RunDayState::Started
    } else {
        RunDayState::Resumed
    };
    let kind = match state {
        RunDayState::Started => "run.started",
        _ => "run.resumed",
    };
    let entry = NewJournalEntry {
        at_ms,
        actor: actor.to_owned(),
        kind: kind.into(),
        subject: format!("run:{run_date}"),
        payload: format!("{{\"run_date\":\"{run_date}\"}}"),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(state)
}

/// Records that the run of `run_date` finished, with its summary (journaled).
pub(crate) async fn finish_run_day(
    store: &SqlStore,
    run_date: &str,
    summary: &str,
    actor: &str,
    at_ms: i64,
) -> StoreResult<()> {
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::MAIN)).await?;
    // Two runs of one date at once (two operators, a cron job beside a person) both finish
    // the day; the first to get here records it, the other has nothing to add.
    let inserted = sqlx::query(
        "INSERT INTO run_day_completions (run_date, finished_at_ms, summary) VALUES ($1, $2, $3) \
         ON CONFLICT (run_date) DO NOTHING",
    )
    .bind(run_date)
    .bind(at_ms)
    .bind(summary)
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    if inserted == 0 {
        transaction.rollback().await?;
        return Ok(());
    }
    let entry = NewJournalEntry {
        at_ms,
        actor: actor.to_owned(),
        kind: "run.finished".into(),
        subject: format!("run:{run_date}"),
        payload: summary.to_owned(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(())
}

/// Who a case's messages go to and in whose name: the customer's sealed personal data (the
/// app opens it, journaled) and the creditor.
#[derive(Clone, PartialEq, Eq)]
pub struct CaseRecipientRow {
    pub customer_id: String,
    /// `consumer` or `business`.
    pub customer_kind: String,
    pub language: String,
    /// Sealed by the vault, bound to `customer_id`.
    pub personal_data: Vec<u8>,
    pub client_name: String,
}

impl std::fmt::Debug for CaseRecipientRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseRecipientRow")
            .field("customer_id", &self.customer_id)
            .field("personal_data", &"[sealed]")
            .finish_non_exhaustive()
    }
}

/// The recipients of the given cases' messages.
pub(crate) async fn case_recipients(
    store: &SqlStore,
    cases: &[i64],
) -> StoreResult<HashMap<i64, CaseRecipientRow>> {
    let mut found = HashMap::with_capacity(cases.len());
    for chunk in cases.chunks(KEYS_PER_STATEMENT) {
        let sql = format!(
            "SELECT c.case_number, cu.id, cu.kind, cu.language, cu.personal_data, cl.name \
             FROM cases c JOIN customers cu ON cu.id = c.customer_id \
             JOIN clients cl ON cl.id = c.client_id WHERE c.case_number IN ({})",
            crate::sql::placeholders(store.backend(), 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for case_number in chunk {
            query = query.bind(*case_number);
        }
        for row in query.fetch_all(store.pool()).await? {
            found.insert(
                row.try_get(0)?,
                CaseRecipientRow {
                    customer_id: row.try_get(1)?,
                    customer_kind: row.try_get(2)?,
                    language: row.try_get(3)?,
                    personal_data: row.try_get(4)?,
                    client_name: row.try_get(5)?,
                },
            );
        }
    }
    Ok(found)
}
