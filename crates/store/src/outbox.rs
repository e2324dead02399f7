//! The outbox (migration 16): every message the gate approved is written here in the same
//! transaction as its decision ([`enqueue_in`]), then delivered by workers that lease due
//! messages, send them and record the attempt. A lease is a time limit, not a lock held
//! open: a worker that dies after sending and before recording loses its lease when it
//! expires, and another worker sends the message once more (the channels pass the outbox id
//! as the provider's idempotency key, which makes that harmless where the provider has one).
//! Messages and attempts are never deleted.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::models::NewJournalEntry;
use crate::{Backend, SqlStore, StoreError, StoreResult, journal};

/// A message to enqueue: sealed by the caller (the store knows no keys).
#[derive(Clone, PartialEq, Eq)]
pub struct NewOutboxMessage {
    pub case_number: i64,
    /// The decision that approved the message; enqueueing one decision twice writes once.
    pub decision_id: String,
    /// `email`, `sms`, `letter` or `phone`.
    pub channel: String,
    pub template: String,
    pub language: String,
    pub recipient_sealed: Vec<u8>,
    pub content_sealed: Vec<u8>,
    /// The message is not delivered before this instant (a contact window's opening).
    pub not_before_ms: i64,
    /// Its signed commitment and verification code, written with it.
    pub commitment: Option<crate::SignedCommitment>,
}

impl std::fmt::Debug for NewOutboxMessage {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Sealed bytes are left out: they say nothing and fill logs.
        formatter
            .debug_struct("NewOutboxMessage")
            .field("case_number", &self.case_number)
            .field("decision_id", &self.decision_id)
            .field("channel", &self.channel)
            .field("template", &self.template)
            .field("language", &self.language)
            .field("not_before_ms", &self.not_before_ms)
            .finish()
    }
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutboxState {
    Queued,
    Sending,
    Sent,
    Dead,
}

impl OutboxState {
    pub const ALL: [OutboxState; 4] = [
        OutboxState::Queued,
        OutboxState::Sending,
        OutboxState::Sent,
        OutboxState::Dead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Dead => "dead",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }
}

/// A stored message. `Debug` leaves the sealed bytes out.
#[derive(Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub case_number: i64,
    pub decision_id: String,
    pub channel: String,
    pub template: String,
    pub language: String,
    pub recipient_sealed: Vec<u8>,
    pub content_sealed: Vec<u8>,
    pub state: OutboxState,
    pub attempts: i64,
    pub next_attempt_ms: i64,
    pub lease_until_ms: Option<i64>,
    pub leased_by: Option<String>,
    pub created_ms: i64,
    pub sent_ms: Option<i64>,
    pub provider_id: Option<String>,
}

impl std::fmt::Debug for OutboxMessage {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OutboxMessage")
            .field("id", &self.id)
            .field("case_number", &self.case_number)
            .field("channel", &self.channel)
            .field("template", &self.template)
            .field("state", &self.state)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// How the workers lease and retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// How long a leased message is a worker's before another may take it.
    pub lease_ms: i64,
    /// The wait after the first failure; it doubles with each further failure…
    pub backoff_base_ms: i64,
    /// …up to this.
    pub backoff_cap_ms: i64,
    /// Attempts after which a message that keeps failing is dead.
    pub attempts_max: i64,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            lease_ms: 60_000,
            backoff_base_ms: 30_000,
            backoff_cap_ms: 6 * 3_600_000,
            attempts_max: 8,
        }
    }
}

impl DeliveryPolicy {
    /// When attempt number `attempt` (from 1) having failed, the next may start.
    pub fn next_attempt_ms(&self, attempt: i64, now_ms: i64) -> i64 {
        let doublings = u32::try_from((attempt - 1).clamp(0, 40)).unwrap_or(40);
        let wait_ms = self
            .backoff_base_ms
            .saturating_mul(1_i64 << doublings)
            .min(self.backoff_cap_ms);
        now_ms.saturating_add(wait_ms)
    }
}

/// What one attempt came to, as the worker reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Handed to the channel; the provider's id of the message when it gave one.
    Sent { provider_id: Option<String> },
    /// The channel refused or failed; `error` is a kind of error without personal data.
    Failed { error: String },
}

/// One attempt to record: the message, the attempt number its lease carried, the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub message_id: i64,
    pub attempt: i64,
    pub outcome: AttemptOutcome,
}

/// A recorded attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxAttemptRow {
    pub attempt: i64,
    pub at_ms: i64,
    pub outcome: String,
    pub error: Option<String>,
}

/// Errors are cut to this many characters: they are diagnostics, not transcripts.
const ERROR_CHARS_MAX: usize = 300;

pub(crate) const COLUMNS: &str = "id, case_number, decision_id, channel, template, language, \
     recipient_sealed, content_sealed, state, attempts, next_attempt_ms, lease_until_ms, \
     leased_by, created_ms, sent_ms, provider_id";

/// Writes `messages` in the caller's transaction (the executor's, with the decision); a
/// message whose decision is already in the outbox is skipped.
pub(crate) async fn enqueue_in(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    messages: &[NewOutboxMessage],
    backend: Backend,
) -> StoreResult<()> {
    // Multi-row inserts: the daily run hands over a page's messages (thousands) with its
    // decisions, and one statement per message would be a round trip each on PostgreSQL.
    for chunk in messages.chunks(MESSAGES_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO outbox_messages (case_number, decision_id, channel, template, \
             language, recipient_sealed, content_sealed, state, attempts, next_attempt_ms, \
             created_ms) VALUES {} ON CONFLICT (decision_id) DO NOTHING",
            crate::sql::value_rows(backend, chunk.len(), 11)
        );
        let mut query = sqlx::query(&sql);
        for message in chunk {
            query = query
                .bind(message.case_number)
                .bind(&message.decision_id)
                .bind(&message.channel)
                .bind(&message.template)
                .bind(&message.language)
                .bind(message.recipient_sealed.clone())
                .bind(message.content_sealed.clone())
                .bind("queued")
                .bind(0_i64)
                .bind(message.not_before_ms)
                .bind(message.not_before_ms);
        }
        query.execute(&mut **transaction).await?;
    }
    let commitments: Vec<crate::commitments::CommitmentInsert<'_>> = messages
        .iter()
        .filter_map(|message| {
            message
                .commitment
                .as_ref()
                .map(|commitment| crate::commitments::CommitmentInsert {
                    decision_id: &message.decision_id,
                    case_number: message.case_number,
                    channel: &message.channel,
                    commitment,
                    at_ms: message.not_before_ms,
                })
        })
        .collect();
    let at_ms = messages.iter().map(|message| message.not_before_ms).min();
    crate::commitments::insert_in(transaction, &commitments, at_ms.unwrap_or(0), backend).await
}

/// Messages per multi-row insert (11 parameters a row, well under either backend's limit).
const MESSAGES_PER_STATEMENT: usize = 400;

pub(crate) async fn enqueue(store: &SqlStore, messages: &[NewOutboxMessage]) -> StoreResult<()> {
    let mut transaction = store.pool().begin().await?;
    enqueue_in(&mut transaction, messages, store.backend()).await?;
    transaction.commit().await?;
    Ok(())
}

/// Leases up to `limit` due messages to `worker` until `now_ms + lease_ms`: queued messages
/// whose time has come and messages whose lease expired (their worker is gone). Each lease
/// counts as an attempt, so a message whose workers keep dying also ends dead.
pub(crate) async fn lease(
    store: &SqlStore,
    worker: &str,
    channels: &[&str],
    limit: i64,
    policy: &DeliveryPolicy,
    now_ms: i64,
) -> StoreResult<Vec<OutboxMessage>> {
    if channels.is_empty() {
        return Ok(Vec::new());
    }
    let mut transaction = store.pool().begin().await?;
    release_expired(&mut transaction, policy, now_ms).await?;
    // PostgreSQL: rows another worker is leasing right now are skipped, not waited for.
    // SQLite has one writer: the UPDATE runs alone, so no two workers see the same row.
    let skip_locked = match store.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    // The channel names are the caller's constants, never input; each is checked anyway.
    if let Some(bad) = channels
        .iter()
        .find(|c| !c.chars().all(|c| c.is_ascii_lowercase()))
    {
        return Err(StoreError::Conflict(format!("not a channel name: {bad}")));
    }
    let channel_list = channels
        .iter()
        .map(|channel| format!("'{channel}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE outbox_messages SET state = 'sending', attempts = attempts + 1, \
         lease_until_ms = $1, leased_by = $2 WHERE id IN (SELECT id FROM outbox_messages \
         WHERE state = 'queued' AND next_attempt_ms <= $3 AND channel IN ({channel_list}) \
         ORDER BY next_attempt_ms, id LIMIT $4{skip_locked}) RETURNING {COLUMNS}"
    );
    let rows = sqlx::query(&sql)
        .bind(now_ms.saturating_add(policy.lease_ms))
        .bind(worker)
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&mut *transaction)
        .await?;
    let mut leased = rows
        .iter()
        .map(message_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    transaction.commit().await?;
    leased.sort_by_key(|message| (message.next_attempt_ms, message.id));
    Ok(leased)
}

/// Messages whose lease expired (their worker died or hung, perhaps after sending) go back
/// to the queue, due now, or dead when that was their last allowed attempt; the expiry is
/// recorded as the attempt's outcome. On PostgreSQL a second worker doing the same waits for
/// the first's row locks and then finds the rows changed, so each expiry is recorded once.
async fn release_expired(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    policy: &DeliveryPolicy,
    now_ms: i64,
) -> StoreResult<()> {
    let rows = sqlx::query(
        "UPDATE outbox_messages SET \
         state = CASE WHEN attempts >= $2 THEN 'dead' ELSE 'queued' END, \
         next_attempt_ms = $1, lease_until_ms = NULL, leased_by = NULL \
         WHERE state = 'sending' AND lease_until_ms <= $1 RETURNING id, attempts, state",
    )
    .bind(now_ms)
    .bind(policy.attempts_max)
    .fetch_all(&mut **transaction)
    .await?;
    for row in rows {
        let id: i64 = row.try_get(0)?;
        let attempt: i64 = row.try_get(1)?;
        let state: String = row.try_get(2)?;
        let outcome = if state == "dead" { "dead" } else { "expired" };
        insert_attempt(
            transaction,
            id,
            attempt,
            now_ms,
            outcome,
            Some("lease expired"),
        )
        .await?;
    }
    Ok(())
}

/// Records attempts in one transaction. A send is recorded whoever holds the lease now (the
/// message went out); a failure only while the attempt's lease is still the message's (a
/// later lease has taken over otherwise). A failure schedules the next attempt with backoff,
/// or makes the message dead after `attempts_max` attempts.
pub(crate) async fn record(
    store: &SqlStore,
    records: &[AttemptRecord],
    policy: &DeliveryPolicy,
    now_ms: i64,
) -> StoreResult<()> {
    let mut transaction = store.pool().begin().await?;
    for record in records {
        match &record.outcome {
            AttemptOutcome::Sent { provider_id } => {
                sqlx::query(
                    "UPDATE outbox_messages SET state = 'sent', sent_ms = $1, provider_id = $2, \
                     lease_until_ms = NULL WHERE id = $3 AND state <> 'sent'",
                )
                .bind(now_ms)
                .bind(provider_id.clone())
                .bind(record.message_id)
                .execute(&mut *transaction)
                .await?;
                insert_attempt(
                    &mut transaction,
                    record.message_id,
                    record.attempt,
                    now_ms,
                    "sent",
                    None,
                )
                .await?;
            }
            AttemptOutcome::Failed { error } => {
                record_failure(&mut transaction, record, error, policy, now_ms).await?;
            }
        }
    }
    transaction.commit().await?;
    Ok(())
}

async fn record_failure(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    record: &AttemptRecord,
    error: &str,
    policy: &DeliveryPolicy,
    now_ms: i64,
) -> StoreResult<()> {
    let dead = record.attempt >= policy.attempts_max;
    let (state, outcome) = if dead {
        ("dead", "dead")
    } else {
        ("queued", "failed")
    };
    let written = sqlx::query(
        "UPDATE outbox_messages SET state = $1, next_attempt_ms = $2, lease_until_ms = NULL, \
         leased_by = NULL WHERE id = $3 AND state = 'sending' AND attempts = $4",
    )
    .bind(state)
    .bind(policy.next_attempt_ms(record.attempt, now_ms))
    .bind(record.message_id)
    .bind(record.attempt)
    .execute(&mut **transaction)
    .await?
    .rows_affected();
    // A failure reported after another lease took the message over changes nothing but is
    // still written down.
    let outcome = if written == 1 { outcome } else { "failed" };
    let error: String = error.chars().take(ERROR_CHARS_MAX).collect();
    insert_attempt(
        transaction,
        record.message_id,
        record.attempt,
        now_ms,
        outcome,
        Some(&error),
    )
    .await
}

async fn insert_attempt(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    message_id: i64,
    attempt: i64,
    at_ms: i64,
    outcome: &str,
    error: Option<&str>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO outbox_attempts (message_id, attempt, at_ms, outcome, error) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(message_id)
    .bind(attempt)
    .bind(at_ms)
    .bind(outcome)
    .bind(error.map(str::to_owned))
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// Puts a dead message back in the queue with a fresh set of attempts, journaled with who
/// did it. False when there is no dead message with this id.
pub(crate) async fn retry(
    store: &SqlStore,
    id: i64,
    actor: &str,
    now_ms: i64,
) -> StoreResult<bool> {
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::ADMIN)).await?;
    let row = sqlx::query(
        "UPDATE outbox_messages SET state = 'queued', attempts = 0, next_attempt_ms = $1 \
         WHERE id = $2 AND state = 'dead' RETURNING case_number",
    )
    .bind(now_ms)
    .bind(id)
    .fetch_optional(&mut *transaction)
    .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let case_number: i64 = row.try_get(0)?;
    insert_attempt(&mut transaction, id, 0, now_ms, "retried", None).await?;
    let entry = NewJournalEntry {
        at_ms: now_ms,
        actor: actor.to_owned(),
        kind: "outbox.retried".into(),
        subject: format!("outbox:{id}"),
        payload: serde_json::json!({ "case_number": case_number }).to_string(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(true)
}

/// Messages in `state` (all when `None`), oldest first, at most `limit`.
pub(crate) async fn list(
    store: &SqlStore,
    state: Option<OutboxState>,
    limit: i64,
) -> StoreResult<Vec<OutboxMessage>> {
    let rows = match state {
        Some(state) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM outbox_messages WHERE state = $1 ORDER BY id LIMIT $2"
            );
            sqlx::query(&sql)
                .bind(state.as_str())
                .bind(limit)
                .fetch_all(store.pool())
                .await?
        }
        None => {
            let sql = format!("SELECT {COLUMNS} FROM outbox_messages ORDER BY id LIMIT $1");
            sqlx::query(&sql)
                .bind(limit)
                .fetch_all(store.pool())
                .await?
        }
    };
    rows.iter().map(message_from_row).collect()
}

pub(crate) async fn by_id(store: &SqlStore, id: i64) -> StoreResult<Option<OutboxMessage>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox_messages WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(message_from_row).transpose()
}

pub(crate) async fn attempts(store: &SqlStore, id: i64) -> StoreResult<Vec<OutboxAttemptRow>> {
    let rows = sqlx::query(
        "SELECT attempt, at_ms, outcome, error FROM outbox_attempts WHERE message_id = $1 \
         ORDER BY id",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OutboxAttemptRow {
                attempt: row.try_get(0)?,
                at_ms: row.try_get(1)?,
                outcome: row.try_get(2)?,
                error: row.try_get(3)?,
            })
        })
        .collect()
}

/// How many messages are in each state (states without any left out).
pub(crate) async fn counts(store: &SqlStore) -> StoreResult<Vec<(OutboxState, i64)>> {
    let rows = sqlx::query("SELECT state, COUNT(*) FROM outbox_messages GROUP BY state")
        .fetch_all(store.pool())
        .await?;
    let mut counts = Vec::with_capacity(rows.len());
    for row in rows {
        let state: String = row.try_get(0)?;
        let state = OutboxState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox state {state}")))?;
        counts.push((state, row.try_get(1)?));
    }
    counts.sort();
    Ok(counts)
}

pub(crate) fn message_from_row(row: &AnyRow) -> StoreResult<OutboxMessage> {
    let state: String = row.try_get("state")?;
    Ok(OutboxMessage {
        id: row.try_get("id")?,
        case_number: row.try_get("case_number")?,
        decision_id: row.try_get("decision_id")?,
        channel: row.try_get("channel")?,
        template: row.try_get("template")?,
        language: row.try_get("language")?,
        recipient_sealed: row.try_get("recipient_sealed")?,
        content_sealed: row.try_get("content_sealed")?,
        state: OutboxState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox state {state}")))?,
        attempts: row.try_get("attempts")?,
        next_attempt_ms: row.try_get("next_attempt_ms")?,
        lease_until_ms: row.try_get("lease_until_ms")?,
        leased_by: row.try_get("leased_by")?,
        created_ms: row.try_get("created_ms")?,
        sent_ms: row.try_get("sent_ms")?,
        provider_id: row.try_get("provider_id")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_the_cap() {
        let policy = DeliveryPolicy {
            lease_ms: 1,
            backoff_base_ms: 1_000,
            backoff_cap_ms: 5_000,
            attempts_max: 9,
        };
        let waits: Vec<i64> = (1..=5)
            .map(|attempt| policy.next_attempt_ms(attempt, 0))
            .collect();
        assert_eq!(waits, vec![1_000, 2_000, 4_000, 5_000, 5_000]);
    }
}
