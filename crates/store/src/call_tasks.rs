//! Call tasks (migration 18): a phone contact the gate approved waits in the outbox as a task
//! for an agent. When the agent has called, the outcome is recorded once, in one transaction
//! with the message marked done and a journal entry: a promise to pay, no answer, refused, or
//! a wrong number.

use std::collections::HashMap;

use sqlx::Row;

use crate::models::NewJournalEntry;
use crate::outbox::{COLUMNS, OutboxMessage, message_from_row};
use crate::{SqlStore, StoreResult, journal};

/// Cases per `IN (…)` list.
const KEYS_PER_STATEMENT: usize = 500;

/// What a call came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOutcome {
    /// The customer promised to pay `amount_minor` (in `currency`) by `due_on` (YYYY-MM-DD).
    Promise {
        due_on: String,
        amount_minor: i64,
        currency: String,
    },
    NoAnswer,
    Refused,
    /// The number called is not the customer's: the blind index of that number is kept so
    /// that it is not called again, while a new number given later is.
    WrongNumber {
        phone_index: String,
    },
}

impl CallOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            CallOutcome::Promise { .. } => "promise",
            CallOutcome::NoAnswer => "no_answer",
            CallOutcome::Refused => "refused",
            CallOutcome::WrongNumber { .. } => "wrong_number",
        }
    }
}

/// An outcome to record for the call task `message_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCallOutcome {
    pub message_id: i64,
    pub outcome: CallOutcome,
    pub agent: String,
    pub called_at_ms: i64,
    pub recorded_at_ms: i64,
}

/// A recorded outcome. The phone index is a keyed digest, not the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOutcomeRow {
    pub message_id: i64,
    pub case_number: i64,
    pub outcome: String,
    pub promise_due_on: Option<String>,
    pub promise_amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub phone_index: Option<String>,
    pub agent: String,
    pub called_at_ms: i64,
}

/// What recording an outcome did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallRecorded {
    Recorded {
        case_number: i64,
    },
    /// The task had its outcome already (another agent, or the same command twice).
    AlreadyDone(Box<CallOutcomeRow>),
    /// No phone message has this id.
    NoSuchTask,
}

const OUTCOME_COLUMNS: &str = "message_id, case_number, outcome, promise_due_on, \
     promise_amount_minor, currency, phone_index, agent, called_at_ms";

/// The call tasks not done yet, the earliest callable first, at most `limit`.
pub(crate) async fn open_tasks(store: &SqlStore, limit: i64) -> StoreResult<Vec<OutboxMessage>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox_messages WHERE channel = 'phone' AND state = 'queued' \
         ORDER BY next_attempt_ms, id LIMIT $1"
    );
    let rows = sqlx::query(&sql)
        .bind(limit)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(message_from_row).collect()
}

/// Records a call's outcome: the outcome row, the task marked sent by the agent, an attempt,
/// and a journal entry, together; a task that has its outcome already is left as it is.
pub(crate) async fn record(store: &SqlStore, call: &NewCallOutcome) -> StoreResult<CallRecorded> {
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::MAIN)).await?;
    let task = sqlx::query(
        "SELECT case_number, attempts FROM outbox_messages WHERE id = $1 AND channel = 'phone'",
    )
    .bind(call.message_id)
    .fetch_optional(&mut *transaction)
    .await?;
    let Some(task) = task else {
        transaction.rollback().await?;
        return Ok(CallRecorded::NoSuchTask);
    };
    let case_number: i64 = task.try_get(0)?;
    let attempts: i64 = task.try_get(1)?;
    if !insert_outcome(&mut transaction, case_number, call).await? {
        transaction.rollback().await?;
        return already_done(store, call.message_id).await;
    }
    mark_done(&mut transaction, call, attempts + 1).await?;
    let entry = NewJournalEntry {
        at_ms: call.recorded_at_ms,
        actor: call.agent.clone(),
        kind: "call.outcome".into(),
        subject: format!("case:{case_number}"),
        payload: journal_payload(call),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(CallRecorded::Recorded { case_number })
}

/// Inserts the outcome unless the task has one; false when it had.
async fn insert_outcome(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    case_number: i64,
    call: &NewCallOutcome,
) -> StoreResult<bool> {
    let (due_on, amount_minor, currency, phone_index) = match &call.outcome {
        CallOutcome::Promise {
            due_on,
            amount_minor,
            currency,
        } => (
            Some(due_on.clone()),
            Some(*amount_minor),
            Some(currency.clone()),
            None,
        ),
        CallOutcome::WrongNumber { phone_index } => (None, None, None, Some(phone_index.clone())),
        CallOutcome::NoAnswer | CallOutcome::Refused => (None, None, None, None),
    };
    let inserted = sqlx::query(
        "INSERT INTO call_outcomes (message_id, case_number, outcome, promise_due_on, \
         promise_amount_minor, currency, phone_index, agent, called_at_ms, recorded_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (message_id) DO NOTHING",
    )
    .bind(call.message_id)
    .bind(case_number)
    .bind(call.outcome.as_str())
    .bind(due_on)
    .bind(amount_minor)
    .bind(currency)
    .bind(phone_index)
    .bind(call.agent.clone())
    .bind(call.called_at_ms)
    .bind(call.recorded_at_ms)
    .execute(&mut **transaction)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// The task is done: sent by the agent, with an attempt that says so.
async fn mark_done(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    call: &NewCallOutcome,
    attempt: i64,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE outbox_messages SET state = 'sent', attempts = $1, sent_ms = $2, \
         provider_id = $3, lease_until_ms = NULL WHERE id = $4",
    )
    .bind(attempt)
    .bind(call.called_at_ms)
    .bind(format!("agent:{}", call.agent))
    .bind(call.message_id)
    .execute(&mut **transaction)
    .await?;
    sqlx::query(
        "INSERT INTO outbox_attempts (message_id, attempt, at_ms, outcome, error) \
         VALUES ($1, $2, $3, 'sent', NULL)",
    )
    .bind(call.message_id)
    .bind(attempt)
    .bind(call.recorded_at_ms)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

fn journal_payload(call: &NewCallOutcome) -> String {
    let mut payload = serde_json::json!({
        "task": call.message_id,
        "outcome": call.outcome.as_str(),
        "called_at_ms": call.called_at_ms,
    });
    if let CallOutcome::Promise {
        due_on,
        amount_minor,
        currency,
    } = &call.outcome
    {
        payload["promise_due_on"] = due_on.clone().into();
        payload["promise_amount_minor"] = (*amount_minor).into();
        payload["currency"] = currency.clone().into();
    }
    payload.to_string()
}

async fn already_done(store: &SqlStore, message_id: i64) -> StoreResult<CallRecorded> {
    let sql = format!("SELECT {OUTCOME_COLUMNS} FROM call_outcomes WHERE message_id = $1");
    let row = sqlx::query(&sql)
        .bind(message_id)
        .fetch_one(store.pool())
        .await?;
    Ok(CallRecorded::AlreadyDone(Box::new(outcome_from_row(&row)?)))
}

/// Every call outcome of the given cases, oldest call first.
pub(crate) async fn outcomes_of(
    store: &SqlStore,
    cases: &[i64],
) -> StoreResult<HashMap<i64, Vec<CallOutcomeRow>>> {
    let mut found: HashMap<i64, Vec<CallOutcomeRow>> = HashMap::new();
    for chunk in cases.chunks(KEYS_PER_STATEMENT) {
        let sql = format!(
            "SELECT {OUTCOME_COLUMNS} FROM call_outcomes WHERE case_number IN ({}) \
             ORDER BY case_number, called_at_ms, message_id",
            crate::sql::placeholders(store.backend(), 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for case_number in chunk {
            query = query.bind(*case_number);
        }
        for row in query.fetch_all(store.pool()).await? {
            let outcome = outcome_from_row(&row)?;
            found.entry(outcome.case_number).or_default().push(outcome);
        }
    }
    Ok(found)
}

fn outcome_from_row(row: &sqlx::any::AnyRow) -> StoreResult<CallOutcomeRow> {
    Ok(CallOutcomeRow {
        message_id: row.try_get(0)?,
        case_number: row.try_get(1)?,
        outcome: row.try_get(2)?,
        promise_due_on: row.try_get(3)?,
        promise_amount_minor: row.try_get(4)?,
        currency: row.try_get(5)?,
        phone_index: row.try_get(6)?,
        agent: row.try_get(7)?,
        called_at_ms: row.try_get(8)?,
    })
}
