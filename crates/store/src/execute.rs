//! The one executor: the only writer of charges (fees, interest) and collection actions on a
//! case. It takes the gate's [`CaseDecision`]s by value — a type only the gate can make and
//! nobody can clone — and in one transaction per batch records every decision once per
//! decision id, and carries out each approval only if the case is still at the version the
//! gate decided on: the posting, the fee or contact record, the interest accrual, and the
//! decision itself are written together or not at all.

use std::collections::{HashMap, HashSet};

use reilu_rules::{ApprovedAction, CaseDecision};
use sqlx::Row;

use crate::interest::{insert_accruals, latest_accruals};
use crate::ledger::write_postings;
use crate::models::{NewJournalEntry, NewPosting};
use crate::{Backend, SqlStore, StoreError, StoreResult, journal};

/// A batch larger than this is a caller's bug: the interest run works in pages of thousands.
pub const DECISIONS_PER_BATCH_MAX: usize = 20_000;
/// Cases or decisions per `IN (…)` list.
const KEYS_PER_STATEMENT: usize = 500;
/// Rows per multi-row insert.
const ROWS_PER_STATEMENT: usize = 400;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// What the executor did with one decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Execution {
    /// The approval was carried out; the posting when it charged something.
    Executed { posting_id: Option<i64> },
    /// A denial: recorded with its reasons, nothing carried out.
    Denied,
    /// A decision with this id was recorded before: nothing was done again.
    AlreadyRecorded,
    /// The case moved on since the snapshot the gate decided on (a hold placed, a payment
    /// booked, another decision carried out): nothing was done; decide again.
    Stale { version: i64 },
    /// Interest for the period's start was accrued meanwhile by another run: nothing done.
    AlreadyAccrued,
    /// The gate approved an action this executor cannot carry out yet (escalation, sale,
    /// write-off, waiver): recorded as decided and not executed.
    NotExecutable,
}

/// What a carried-out decision leaves besides its own records, written in its transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    /// The treatment-strategy step the decision carries out: recorded as done with it.
    pub step: Option<StepDone>,
    /// The decision was made on the case as the decision at this index of the batch leaves
    /// it (a fee decided on the case after its letter was approved): it is carried out only if
    /// that one is, on that one's version plus one, and is stale otherwise.
    pub after: Option<usize>,
    /// The message the approved contact sends: enqueued in the outbox with the decision.
    pub message: Option<crate::NewOutboxMessage>,
}

/// A strategy step carried out on a case (the `case_steps` row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDone {
    pub strategy: String,
    pub path: String,
    pub variant: Option<String>,
    pub step_id: String,
    /// The run's date, YYYY-MM-DD.
    pub done_on: String,
}

/// One decision on its way through the executor.
struct Planned {
    decision: CaseDecision,
    effects: Effects,
    outcome: Execution,
    /// The index of its posting among the batch's postings.
    posting: Option<usize>,
}

/// Records and carries out a batch of decisions in one transaction.
pub(crate) async fn execute(
    store: &SqlStore,
    batch: Vec<(CaseDecision, Effects)>,
    actor: &str,
    at_ms: i64,
) -> StoreResult<Vec<Execution>> {
    if batch.len() > DECISIONS_PER_BATCH_MAX {
        return Err(StoreError::Conflict(format!(
            "a batch holds at most {DECISIONS_PER_BATCH_MAX} decisions"
        )));
    }
    let backend = store.backend();
    let mut transaction = store.pool().begin().await?;
    // The journal's head first: it takes the write lock (SQLite) or the head row's lock
    // (PostgreSQL), so the versions read next stay true until the commit.
    let head = journal::lock_head(&mut transaction, store.journal(journal::MAIN)).await?;
    let mut planned = plan(&mut transaction, batch, backend).await?;
    let postings = build_postings(&mut transaction, &mut planned, actor, at_ms, backend).await?;
    let posting_ids =
        write_postings(&mut transaction, &postings, backend, store.keyring().key()).await?;
    for item in &mut planned {
        if let (Some(index), Execution::Executed { posting_id }) = (item.posting, &mut item.outcome)
        {
            *posting_id = posting_ids.get(index).copied();
        }
    }
    bump_versions(&mut transaction, &planned, backend).await?;
    // Each recorded decision is one journal entry, in batch order: its sequence number is
    // known before the entries are written, and the decision row points at it.
    let entries = journal_entries(&planned, actor, at_ms)?;
    let seqs = journal::write_many(&mut transaction, head, &entries, backend).await?;
    write_records(&mut transaction, &planned, &seqs, actor, at_ms, backend).await?;
    transaction.commit().await?;
    Ok(planned.into_iter().map(|item| item.outcome).collect())
}

/// Decides per decision what the executor will do: recorded before, stale, already accrued,
/// denied, or carried out.
async fn plan(
    transaction: &mut Tx,
    batch: Vec<(CaseDecision, Effects)>,
    backend: Backend,
) -> StoreResult<Vec<Planned>> {
    let ids: Vec<String> = batch
        .iter()
        .map(|(d, _)| d.id().as_str().to_owned())
        .collect();
    let cases: Vec<i64> = batch.iter().map(|(d, _)| d.case_number()).collect();
    let mut recorded = recorded_ids(transaction, &ids, backend).await?;
    let versions = versions(transaction, &cases, backend).await?;
    let interest_cases: Vec<i64> = batch
        .iter()
        .filter(|(d, _)| matches!(action_of(d), Some(ApprovedAction::Interest { .. })))
        .map(|(d, _)| d.case_number())
        .collect();
    let accrued_to = latest_accruals(transaction, &interest_cases, backend).await?;
    // A case whose approval is carried out in this batch has moved on for the rest of it.
    let mut moved: HashSet<i64> = HashSet::new();
    let mut planned = Vec::with_capacity(batch.len());
    for (decision, effects) in batch {
        let case_number = decision.case_number();
        let current = versions.get(&case_number).copied();
        let chained = effects
            .after
            .map(|index| follows_carried_out(&planned, index, &decision));
        let outcome = if !recorded.insert(decision.id().as_str().to_owned()) {
            Execution::AlreadyRecorded
        } else if current.is_none() {
            return Err(StoreError::NotFound(format!(
                "no case number {case_number}"
            )));
        } else if decision.approved().is_none() {
            Execution::Denied
        } else if chained == Some(false)
            || (chained.is_none()
                && (moved.contains(&case_number) || current != Some(decision.version())))
        {
            Execution::Stale {
                version: current.unwrap_or(0),
            }
        } else if interest_already_accrued(&decision, &accrued_to) {
            Execution::AlreadyAccrued
        } else if executable(&decision) {
            moved.insert(case_number);
            Execution::Executed { posting_id: None }
        } else {
            Execution::NotExecutable
        };
        planned.push(Planned {
            decision,
            effects,
            outcome,
            posting: None,
        });
    }
    Ok(planned)
}

/// A chained decision may be carried out only after the decision it was made on, earlier in
/// the batch and on the same case, was carried out, and only on the version that one leaves.
fn follows_carried_out(planned: &[Planned], index: usize, decision: &CaseDecision) -> bool {
    planned.get(index).is_some_and(|before| {
        matches!(before.outcome, Execution::Executed { .. })
            && before.decision.case_number() == decision.case_number()
            && before.decision.version().checked_add(1) == Some(decision.version())
    })
}

fn action_of(decision: &CaseDecision) -> Option<&ApprovedAction> {
    decision.approved().map(|approved| approved.action())
}

fn executable(decision: &CaseDecision) -> bool {
    matches!(
        action_of(decision),
        Some(
            ApprovedAction::Fee { .. }
                | ApprovedAction::Interest { .. }
                | ApprovedAction::Contact { .. }
                | ApprovedAction::PaymentPlan { .. }
        )
    )
}

fn interest_already_accrued(decision: &CaseDecision, accrued_to: &HashMap<i64, String>) -> bool {
    let Some(ApprovedAction::Interest { from, .. }) = action_of(decision) else {
        return false;
    };
    // Dates are ISO YYYY-MM-DD, so text order is date order.
    accrued_to
        .get(&decision.case_number())
        .is_some_and(|to_date| to_date.as_str() > from.to_string().as_str())
}

async fn recorded_ids(
    transaction: &mut Tx,
    ids: &[String],
    backend: Backend,
) -> StoreResult<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in ids.chunks(KEYS_PER_STATEMENT) {
        let sql = format!(
            "SELECT decision_id FROM case_decisions WHERE decision_id IN ({})",
            crate::sql::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&mut **transaction).await? {
            found.insert(row.try_get(0)?);
        }
    }
    Ok(found)
}

/// Each existing case's current version (0 before its first balance).
async fn versions(
    transaction: &mut Tx,
    cases: &[i64],
    backend: Backend,
) -> StoreResult<HashMap<i64, i64>> {
    let mut unique: Vec<i64> = cases.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let mut found = HashMap::with_capacity(unique.len());
    for chunk in unique.chunks(KEYS_PER_STATEMENT) {
        let sql = format!(
            "SELECT c.case_number, COALESCE(b.version, 0) FROM cases c \
             LEFT JOIN case_balances b ON b.case_number = c.case_number WHERE c.case_number IN ({})",
            crate::sql::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for case_number in chunk {
            query = query.bind(*case_number);
        }
        for row in query.fetch_all(&mut **transaction).await? {
            found.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    Ok(found)
}

/// The ledger postings of the approvals carried out, built by the ledger from the decisions.
async fn build_postings(
    transaction: &mut Tx,
    planned: &mut [Planned],
    actor: &str,
    at_ms: i64,
    backend: Backend,
) -> StoreResult<Vec<NewPosting>> {
    let charged: Vec<i64> = planned
        .iter()
        .filter(|item| matches!(item.outcome, Execution::Executed { .. }))
        .map(|item| item.decision.case_number())
        .collect();
    let clients = case_clients(transaction, &charged, backend).await?;
    let mut postings = Vec::new();
    for item in planned.iter_mut() {
        if !matches!(item.outcome, Execution::Executed { .. }) {
            continue;
        }
        let case_number = item.decision.case_number();
        let client = clients.get(&case_number).map_or("", String::as_str);
        let posting = reilu_ledger::charge_for(&item.decision, client)
            .map_err(|error| StoreError::Conflict(format!("case {case_number}: {error}")))?;
        if let Some(posting) = posting {
            let mut row =
                NewPosting::from_ledger(&posting, at_ms, actor, description(&item.decision));
            // The decision id makes the posting once-only even outside this table.
            row.idempotency_key = Some(format!("decision:{}", item.decision.id().as_str()));
            item.posting = Some(postings.len());
            postings.push(row);
        }
    }
    Ok(postings)
}

fn description(decision: &CaseDecision) -> String {
    let case_number = decision.case_number();
    match action_of(decision) {
        Some(ApprovedAction::Interest { from, to, .. }) => {
            format!("interest [{from}, {to}) approved on case {case_number}")
        }
        Some(ApprovedAction::Fee { fee, .. }) => {
            format!("{} fee approved on case {case_number}", fee.as_str())
        }
        Some(ApprovedAction::PaymentPlan { .. }) => {
            format!("payment plan fee approved on case {case_number}")
        }
        _ => format!("approved on case {case_number}"),
    }
}

async fn case_clients(
    transaction: &mut Tx,
    cases: &[i64],
    backend: Backend,
) -> StoreResult<HashMap<i64, String>> {
    let mut found = HashMap::with_capacity(cases.len());
    for chunk in cases.chunks(KEYS_PER_STATEMENT) {
        let sql = format!(
            "SELECT case_number, client_id FROM cases WHERE case_number IN ({})",
            crate::sql::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for case_number in chunk {
            query = query.bind(*case_number);
        }
        for row in query.fetch_all(&mut **transaction).await? {
            found.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    Ok(found)
}

/// Moves each carried-out case's version on (its posting, if any, moves it again).
async fn bump_versions(
    transaction: &mut Tx,
    planned: &[Planned],
    backend: Backend,
) -> StoreResult<()> {
    let mut cases: Vec<i64> = planned
        .iter()
        .filter(|item| matches!(item.outcome, Execution::Executed { .. }))
        .map(|item| item.decision.case_number())
        .collect();
    // A chained decision is carried out on a case its predecessor moved already: one move per
    // case and batch is enough for every snapshot read before the batch to be stale after it.
    cases.sort_unstable();
    cases.dedup();
    for chunk in cases.chunks(KEYS_PER_STATEMENT) {
        let sql = format!(
            "UPDATE case_balances SET version = version + 1 WHERE case_number IN ({})",
            crate::sql::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for case_number in chunk {
            query = query.bind(*case_number);
        }
        let changed = query.execute(&mut **transaction).await?.rows_affected();
        if changed != chunk.len() as u64 {
            return Err(StoreError::Conflict(
                "a decision was carried out on a case without balances".into(),
            ));
        }
    }
    Ok(())
}

/// The decision rows, and the records the carried-out approvals leave: fees charged,
/// contacts approved, interest accrued.
async fn write_records(
    transaction: &mut Tx,
    planned: &[Planned],
    seqs: &[i64],
    actor: &str,
    at_ms: i64,
    backend: Backend,
) -> StoreResult<()> {
    insert_decisions(transaction, planned, seqs, actor, at_ms, backend).await?;
    let mut charges = Vec::new();
    let mut contacts = Vec::new();
    let mut accruals = Vec::new();
    for item in planned {
        let Execution::Executed { posting_id } = item.outcome else {
            continue;
        };
        let decision = &item.decision;
        match action_of(decision) {
            Some(ApprovedAction::Fee { fee, amount }) => {
                charges.push(charge_row(decision, fee.as_str(), *amount, posting_id)?);
            }
            Some(ApprovedAction::PaymentPlan { setup_fee, .. }) if setup_fee.is_positive() => {
                charges.push(charge_row(
                    decision,
                    "payment_plan",
                    *setup_fee,
                    posting_id,
                )?);
            }
            Some(ApprovedAction::Contact {
                channel,
                at,
                purpose,
            }) => contacts.push(ContactRow {
                case_number: decision.case_number(),
                at_ms: at.timestamp_millis(),
                channel: channel.as_str(),
                purpose: match purpose {
                    reilu_rules::model::ContactPurpose::Payment => "payment",
                    reilu_rules::model::ContactPurpose::Service => "service",
                },
                decision_id: decision.id().as_str(),
            }),
            Some(ApprovedAction::Interest {
                from,
                to,
                amount,
                carry_minor_bp_days,
            }) => accruals.push(crate::interest::AccrualRow {
                case_number: decision.case_number(),
                from_date: from.to_string(),
                to_date: to.to_string(),
                currency: amount.currency().code().to_owned(),
                amount_minor: amount.amount_minor(),
                carry_minor_bp_days: *carry_minor_bp_days,
                posting_id,
            }),
            _ => {}
        }
    }
    insert_charges(transaction, &charges, at_ms, backend).await?;
    insert_contacts(transaction, &contacts, actor, backend).await?;
    insert_accruals(transaction, &accruals, at_ms, backend).await?;
    insert_steps(transaction, planned, at_ms, backend).await?;
    // The messages of the contacts carried out, in the decision's transaction: a message is
    // in the outbox exactly when its contact was approved and recorded.
    let mut messages = Vec::new();
    for item in planned {
        let (Execution::Executed { .. }, Some(message)) = (item.outcome, &item.effects.message)
        else {
            continue;
        };
        // The message's seal is bound to its decision id: one carried by another decision
        // would be another decision's message.
        if message.decision_id != item.decision.id().as_str()
            || message.case_number != item.decision.case_number()
        {
            return Err(StoreError::Conflict(format!(
                "case {}: a message was handed to the executor with another decision",
                item.decision.case_number()
            )));
        }
        messages.push(message.clone());
    }
    crate::outbox::enqueue_in(transaction, &messages, backend).await
}

/// A contact carried out, as `case_contacts` keeps it.
struct ContactRow<'a> {
    case_number: i64,
    at_ms: i64,
    channel: &'static str,
    purpose: &'static str,
    decision_id: &'a str,
}

/// A fee carried out, as `case_charges` keeps it.
struct ChargeRow<'a> {
    case_number: i64,
    kind: &'a str,
    amount: reilu_core::Money,
    decision_id: &'a str,
    posting_id: i64,
}

fn charge_row<'a>(
    decision: &'a CaseDecision,
    kind: &'a str,
    amount: reilu_core::Money,
    posting_id: Option<i64>,
) -> StoreResult<ChargeRow<'a>> {
    let posting_id = posting_id.ok_or_else(|| {
        StoreError::Conflict(format!(
            "case {}: a fee was approved without its posting",
            decision.case_number()
        ))
    })?;
    Ok(ChargeRow {
        case_number: decision.case_number(),
        kind,
        amount,
        decision_id: decision.id().as_str(),
        posting_id,
    })
}

// Contacts, charges and steps are written many rows to a statement: the daily run hands over
// thousands a page, and one statement each was a round trip (and on SQLite a hop to its
// thread) per row.

async fn insert_contacts(
    transaction: &mut Tx,
    contacts: &[ContactRow<'_>],
    actor: &str,
    backend: Backend,
) -> StoreResult<()> {
    for chunk in contacts.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO case_contacts (case_number, at_ms, channel, purpose, outcome, actor, \
             decision_id) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 7)
        );
        let mut query = sqlx::query(&sql);
        for contact in chunk {
            query = query
                .bind(contact.case_number)
                .bind(contact.at_ms)
                .bind(contact.channel)
                .bind(contact.purpose)
                .bind("approved")
                .bind(actor)
                .bind(contact.decision_id);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(())
}

async fn insert_charges(
    transaction: &mut Tx,
    charges: &[ChargeRow<'_>],
    at_ms: i64,
    backend: Backend,
) -> StoreResult<()> {
    for chunk in charges.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO case_charges (case_number, kind, amount_minor, currency, at_ms, \
             decision_id, posting_id) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 7)
        );
        let mut query = sqlx::query(&sql);
        for charge in chunk {
            query = query
                .bind(charge.case_number)
                .bind(charge.kind)
                .bind(charge.amount.amount_minor())
                .bind(charge.amount.currency().code().to_owned())
                .bind(at_ms)
                .bind(charge.decision_id)
                .bind(charge.posting_id);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(())
}

/// The strategy steps the carried-out decisions did. A step the case has done already (the
/// key is the case and the step) refuses the whole batch: it would be the step twice.
async fn insert_steps(
    transaction: &mut Tx,
    planned: &[Planned],
    at_ms: i64,
    backend: Backend,
) -> StoreResult<()> {
    let steps: Vec<(&Planned, &StepDone)> = planned
        .iter()
        .filter_map(|item| match (item.outcome, &item.effects.step) {
            (Execution::Executed { .. } | Execution::NotExecutable, Some(step)) => {
                Some((item, step))
            }
            _ => None,
        })
        .collect();
    for chunk in steps.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO case_steps (case_number, strategy, path, variant, step_id, done_on, \
             decision_id, at_ms) VALUES {} ON CONFLICT DO NOTHING",
            crate::sql::value_rows(backend, chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for (item, step) in chunk {
            query = query
                .bind(item.decision.case_number())
                .bind(&step.strategy)
                .bind(&step.path)
                .bind(step.variant.as_deref())
                .bind(&step.step_id)
                .bind(&step.done_on)
                .bind(item.decision.id().as_str())
                .bind(at_ms);
        }
        let inserted = query.execute(&mut **transaction).await?.rows_affected();
        if inserted != chunk.len() as u64 {
            // Which of the chunk's rows met its key is not reported by a multi-row insert.
            let named = chunk.first().map_or_else(String::new, |(item, _)| {
                format!(
                    " (among the steps from case {} on)",
                    item.decision.case_number()
                )
            });
            return Err(StoreError::Conflict(format!(
                "a step of the batch is done already{named}"
            )));
        }
    }
    Ok(())
}

async fn insert_decisions(
    transaction: &mut Tx,
    planned: &[Planned],
    seqs: &[i64],
    actor: &str,
    at_ms: i64,
    backend: Backend,
) -> StoreResult<()> {
    let rows: Vec<(&Planned, i64)> = planned
        .iter()
        .filter(|item| item.outcome != Execution::AlreadyRecorded)
        .zip(seqs.iter().copied())
        .collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO case_decisions (decision_id, case_number, version, proposal, verdict, journal_seq, actor, at_ms, executed, posting_id) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 10)
        );
        let mut query = sqlx::query(&sql);
        for (item, seq) in chunk {
            let decision = item.decision.decision();
            let (executed, posting_id) = match item.outcome {
                Execution::Executed { posting_id } => (1_i64, posting_id),
                _ => (0, None),
            };
            query = query
                .bind(item.decision.id().as_str().to_owned())
                .bind(item.decision.case_number())
                .bind(item.decision.version())
                .bind(decision.proposal)
                .bind(verdict_name(decision.verdict))
                .bind(*seq)
                .bind(actor.to_owned())
                .bind(at_ms)
                .bind(executed)
                .bind(posting_id);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(())
}

fn verdict_name(verdict: reilu_rules::Verdict) -> &'static str {
    match verdict {
        reilu_rules::Verdict::Allow => "allow",
        reilu_rules::Verdict::AllowWithChanges => "allow_with_changes",
        reilu_rules::Verdict::Deny => "deny",
    }
}

fn decision_json(decision: &CaseDecision) -> StoreResult<String> {
    serde_json::to_string(decision.decision())
        .map_err(|error| StoreError::Conflict(format!("decision: {error}")))
}

fn outcome_name(outcome: Execution) -> &'static str {
    match outcome {
        Execution::Executed { .. } => "executed",
        Execution::Denied => "denied",
        Execution::AlreadyRecorded => "already_recorded",
        Execution::Stale { .. } => "stale",
        Execution::AlreadyAccrued => "already_accrued",
        Execution::NotExecutable => "not_executable",
    }
}

/// One `gate.decided` entry per decision recorded now, naming what was carried out. The
/// payload is written as text around the decision's own JSON, serialised once: the interest
/// run writes thousands of them per page.
fn journal_entries(
    planned: &[Planned],
    actor: &str,
    at_ms: i64,
) -> StoreResult<Vec<NewJournalEntry>> {
    planned
        .iter()
        .filter(|item| item.outcome != Execution::AlreadyRecorded)
        .map(|item| {
            let posting_id = match item.outcome {
                Execution::Executed {
                    posting_id: Some(id),
                } => id.to_string(),
                _ => "null".to_owned(),
            };
            // The id is letters, digits, `-` and `_` (DecisionId), so it needs no escaping.
            let payload = format!(
                "{{\"decision_id\":\"{}\",\"version\":{},\"execution\":\"{}\",\"posting_id\":{posting_id},\"decision\":{}}}",
                item.decision.id().as_str(),
                item.decision.version(),
                outcome_name(item.outcome),
                decision_json(&item.decision)?,
            );
            Ok(NewJournalEntry {
                at_ms,
                actor: actor.to_owned(),
                kind: "gate.decided".into(),
                subject: format!("case:{}", item.decision.case_number()),
                payload,
            })
        })
        .collect()
}
