//! Call tasks for agents. A phone contact the gate approved in the daily run waits in the
//! outbox as a task; an agent calls only when the gate allows a call now (the customer's
//! local hours, no-contact days, holds, a refusal of calls made since), and records what the
//! call came to. A promise to pay is then followed up by the run once its day has passed; a
//! wrong number is not called or texted again.

use chrono::{DateTime, NaiveDate, Utc};
use reilu_core::{Money, Phone};
use reilu_rules::model::{Actor, Channel, ContactPurpose, Context, Proposal, Recipient};
use reilu_rules::{ApprovedAction, CaseSnapshot};
use reilu_store::{CallOutcome, CallRecorded, NewCallOutcome, OutboxMessage, Store};
use serde::Serialize;

use crate::decisions::new_decision_id;
use crate::{App, AppError, AppResult, personal_data};

/// The furthest a promised day may lie after the call: a promise further out is a payment
/// plan, which goes through the gate as one.
pub const PROMISE_DAYS_MAX: i64 = 60;
/// Tasks listed at most.
pub const TASKS_LISTED_MAX: i64 = 1_000;

/// Whether a task may be called at an instant, as the gate sees the case then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Callable {
    Now,
    /// Not yet: the first instant the gate allows.
    From {
        at: DateTime<Utc>,
    },
    /// Not at all now (a hold, calls refused): the rules that say so.
    Denied {
        rules: Vec<String>,
    },
}

/// A task as an agent's list shows it: no personal data (`tasks show` opens that, journaled).
#[derive(Debug, Clone, Serialize)]
pub struct CallTask {
    pub id: i64,
    pub case_number: i64,
    pub template: String,
    pub language: String,
    /// When the gate's approved slot opened.
    pub approved_for: DateTime<Utc>,
    pub callable: Callable,
}

/// What the agent says the call came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportedOutcome {
    /// `amount` in the case's currency's major units as typed ("50.00").
    Promise {
        due_on: NaiveDate,
        amount: String,
    },
    NoAnswer,
    Refused,
    WrongNumber,
}

impl<S: Store> App<S> {
    /// Open call tasks with whether each may be called now; `callable_only` leaves out the
    /// others.
    pub async fn call_tasks(&self, callable_only: bool) -> AppResult<Vec<CallTask>> {
        let now = self.clock.now();
        let mut tasks = Vec::new();
        for message in self.store().open_call_tasks(TASKS_LISTED_MAX).await? {
            let callable = self.callable(&message, now).await?;
            if callable_only && callable != Callable::Now {
                continue;
            }
            tasks.push(CallTask {
                id: message.id,
                case_number: message.case_number,
                template: message.template.clone(),
                language: message.language.clone(),
                approved_for: approved_for(&message)?,
                callable,
            });
        }
        Ok(tasks)
    }

    /// Records what the call of task `id`, made by `agent` at `called_at`, came to. A call at
    /// an instant the gate does not allow is refused, with the reason, and so is an outcome
    /// for a task that has one.
    pub async fn record_call(
        &self,
        id: i64,
        agent: &str,
        called_at: DateTime<Utc>,
        reported: ReportedOutcome,
    ) -> AppResult<i64> {
        let agent = agent.trim();
        if agent.is_empty() {
            return Err(AppError::Invalid("say which agent called (--agent)".into()));
        }
        let message = self.open_task(id).await?;
        let now = self.clock.now();
        check_call_time(&message, called_at, now)?;
        match self.callable(&message, called_at).await? {
            Callable::Now => {}
            Callable::From { at } => {
                return Err(AppError::Invalid(format!(
                    "task {id}: the gate does not allow a call at {called_at}; the next allowed \
                     time is {at} (call then, or give the call's time with --at)"
                )));
            }
            Callable::Denied { rules } => {
                return Err(AppError::Invalid(format!(
                    "task {id}: the case may not be called now ({})",
                    rules.join(", ")
                )));
            }
        }
        let outcome = self
            .call_outcome(&message, agent, called_at, reported)
            .await?;
        let call = NewCallOutcome {
            message_id: id,
            outcome,
            agent: agent.to_owned(),
            called_at_ms: called_at.timestamp_millis(),
            recorded_at_ms: now.timestamp_millis(),
        };
        match self.store().record_call_outcome(&call).await? {
            CallRecorded::Recorded { case_number } => Ok(case_number),
            CallRecorded::AlreadyDone(done) => Err(AppError::Invalid(format!(
                "task {id} was done already: {} by {}",
                done.outcome, done.agent
            ))),
            CallRecorded::NoSuchTask => Err(AppError::NotFound(format!("no call task {id}"))),
        }
    }

    async fn open_task(&self, id: i64) -> AppResult<OutboxMessage> {
        let message = self.store().outbox_message(id).await?;
        match message {
            Some(message) if message.channel == "phone" => Ok(message),
            _ => Err(AppError::NotFound(format!("no call task {id}"))),
        }
    }

    /// Asks the gate whether the task's case may be called at `at`, on the case as stored
    /// without the task's own approved contact (that contact is the call being placed).
    async fn callable(&self, message: &OutboxMessage, at: DateTime<Utc>) -> AppResult<Callable> {
        let approved = approved_for(message)?;
        let mut snapshot = self.snapshot(message.case_number).await?;
        without_own_contact(&mut snapshot, approved);
        let proposal = Proposal::Contact {
            channel: Channel::Phone,
            at: at.max(approved),
            recipient: Recipient::Customer,
            purpose: ContactPurpose::Payment,
        };
        let context = Context {
            now: at,
            actor: Actor::System,
        };
        let decision = self
            .gate
            .decide_case(&proposal, &snapshot, &context, new_decision_id()?);
        let slot = decision
            .approved()
            .and_then(|approved| match approved.action() {
                ApprovedAction::Contact { at, .. } => Some(*at),
                _ => None,
            });
        Ok(match slot {
            Some(slot) if slot <= at => Callable::Now,
            Some(slot) => Callable::From { at: slot },
            None => Callable::Denied {
                rules: decision
                    .decision()
                    .denials()
                    .map(|reason| reason.rule_id.to_string())
                    .collect(),
            },
        })
    }

    /// The stored form of a reported outcome: a promise checked against the case, a wrong
    /// number as the blind index of the number the task called (opened, journaled).
    async fn call_outcome(
        &self,
        message: &OutboxMessage,
        agent: &str,
        called_at: DateTime<Utc>,
        reported: ReportedOutcome,
    ) -> AppResult<CallOutcome> {
        Ok(match reported {
            ReportedOutcome::NoAnswer => CallOutcome::NoAnswer,
            ReportedOutcome::Refused => CallOutcome::Refused,
            ReportedOutcome::Promise { due_on, amount } => {
                self.promise(message.case_number, called_at, due_on, &amount)
                    .await?
            }
            ReportedOutcome::WrongNumber => {
                let purpose = format!("call task {}: the number was wrong", message.id);
                let opened = self
                    .read_outbox_message(message.id, agent, &purpose)
                    .await?;
                let phone = Phone::parse(&opened.recipient.address).map_err(|_| {
                    AppError::Invalid(format!(
                        "task {}: the number called is not a phone number",
                        message.id
                    ))
                })?;
                CallOutcome::WrongNumber {
                    phone_index: personal_data::phone_index(&self.vault, &phone),
                }
            }
        })
    }

    async fn promise(
        &self,
        case_number: i64,
        called_at: DateTime<Utc>,
        due_on: NaiveDate,
        amount: &str,
    ) -> AppResult<CallOutcome> {
        let snapshot = self.snapshot(case_number).await?;
        let zone = snapshot.view.time_zone;
        let called_on = called_at.with_timezone(&zone).date_naive();
        let days = (due_on - called_on).num_days();
        if !(0..=PROMISE_DAYS_MAX).contains(&days) {
            return Err(AppError::Invalid(format!(
                "a promised day must be from the call's day to {PROMISE_DAYS_MAX} days after it \
                 ({due_on} is {days} days after {called_on}); a longer promise is a payment plan"
            )));
        }
        let currency = snapshot.view.original_principal.currency();
        let money = Money::parse_major(amount, currency).map_err(|error| {
            AppError::Invalid(format!("--amount {amount}: {error} ({})", currency.code()))
        })?;
        let balances = &snapshot.view.balances;
        let owed = [
            balances.principal,
            balances.interest,
            balances.collection_costs,
            balances.creditor_fees,
        ]
        .iter()
        .try_fold(0_i64, |sum, part| sum.checked_add(part.amount_minor()))
        .ok_or_else(|| AppError::Invalid(format!("case {case_number}: its balance overflows")))?;
        if money.amount_minor() <= 0 || money.amount_minor() > owed {
            return Err(AppError::Invalid(format!(
                "--amount {amount}: a promise is more than nothing and at most what case \
                 {case_number} owes"
            )));
        }
        Ok(CallOutcome::Promise {
            due_on: due_on.to_string(),
            amount_minor: money.amount_minor(),
            currency: currency.code().to_owned(),
        })
    }
}

fn approved_for(message: &OutboxMessage) -> AppResult<DateTime<Utc>> {
    // A phone message is never leased, so its next attempt stays the slot it was enqueued
    // for (the approved contact's instant).
    DateTime::from_timestamp_millis(message.next_attempt_ms)
        .ok_or_else(|| AppError::Invalid(format!("task {}: its time is out of range", message.id)))
}

/// The call is the task's: not before its slot, not in the future.
fn check_call_time(
    message: &OutboxMessage,
    called_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let approved = approved_for(message)?;
    if called_at > now {
        return Err(AppError::Invalid(format!(
            "--at {called_at} is in the future: record a call once it was made"
        )));
    }
    if called_at < approved {
        return Err(AppError::Invalid(format!(
            "task {}: a call at {called_at} is before the task's slot ({approved})",
            message.id
        )));
    }
    Ok(())
}

fn without_own_contact(snapshot: &mut CaseSnapshot, approved: DateTime<Utc>) {
    let history = &mut snapshot.view.contact_history;
    if let Some(index) = history
        .iter()
        .position(|record| record.channel == Channel::Phone && record.at == approved)
    {
        history.remove(index);
    }
}
