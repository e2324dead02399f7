//! The daily run: takes every open case one day forward. Interest first, then each case's
//! treatment strategy says what comes next; each step is proposed to the gate on the stored
//! case and carried out through the one door (the store's executor), which records the step
//! as done in the decision's transaction. A denied step stays pending and is proposed again
//! on a later day, its reasons on the case; a step moved by the gate (a contact to the next
//! allowed slot) is carried out as moved.
//!
//! Resumable by construction: a step is done exactly when its decision was carried out, in
//! one transaction, and the strategy plans from the steps done; a killed run started again
//! for the same date plans again from what was committed and does nothing twice. A date that
//! finished is not run again.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use reilu_rules::model::{Actor, ContactRecord, Context};
use reilu_rules::{ApprovedAction, CaseDecision, CaseSnapshot, Verdict};
use reilu_store::{
    CallOutcomeRow, CaseFactRows, CaseStepRow, Effects, Execution, InterestCase, RunDayState,
    StepDone, Store,
};
use reilu_strategy::{CaseProgress, DoneStep, Plan, PlannedStep, PromiseToPay, StrategySet};
use serde::Serialize;

mod messages;

use messages::{Addressee, Outgoing, check_templates, message_for, reachable};
use reilu_rules::model::Proposal;

use crate::decisions::{new_decision_id, parse_date};
use crate::interest::{AccrualSummary, CASES_PER_PAGE, case_terms};
use crate::outbox::Templates;
use crate::{App, AppError, AppResult};

/// Who the journal says proposed: the run is the system's.
const ACTOR: &str = "system";
/// How often a case that moved on between the run's read and its write is decided again.
const STALE_RETRIES_MAX: usize = 3;

/// What a run did, by market.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunDaySummary {
    pub run_date: String,
    /// `started`, or `resumed` when a run of this date was killed before it finished.
    pub state: &'static str,
    pub interest: AccrualSummary,
    pub cases_considered: u64,
    pub markets: BTreeMap<String, MarketDay>,
}

/// One market's day.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MarketDay {
    pub cases: u64,
    /// Steps carried out, by the strategy's step kind.
    pub steps: BTreeMap<String, u64>,
    /// Contacts approved, by channel.
    pub channels: BTreeMap<String, u64>,
    /// Steps the gate allowed with changes (a contact moved, a fee capped).
    pub changed: u64,
    /// Steps denied: each stays pending and is proposed again on a later day.
    pub denied: u64,
    /// Denials (of steps and of their fees) by the rule that denied.
    pub denied_by_rule: BTreeMap<String, u64>,
    /// Fees charged, by currency.
    pub fees: BTreeMap<String, FeeTotal>,
    /// Cases whose next step's day has not come.
    pub waiting: u64,
    /// Cases whose path is done.
    pub finished: u64,
    /// Cases the strategy pauses (a hold, …).
    pub paused: u64,
    /// Steps that propose nothing themselves (a legal review for an agent): they wait for
    /// the agent.
    pub for_agents: u64,
    /// Decisions made again because the case moved on meanwhile (a payment, a hold).
    pub decided_again: u64,
    /// Contacts sent by letter because the customer has no address for the step's channel.
    pub by_letter_instead: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FeeTotal {
    pub count: u64,
    pub amount_minor: i64,
}

/// A run, or the summary of the run of that date that finished before.
#[derive(Debug, Clone)]
pub enum RunDayOutcome {
    Ran(Box<RunDaySummary>),
    AlreadyFinished { run_date: String, summary: String },
}

/// What the executor is told about one decision, kept to count what it did.
struct Tallied {
    market: String,
    kind: String,
    /// The step's own decision (its first), not a fee chained on it.
    step_head: bool,
    verdict: Verdict,
    denied_by: Vec<String>,
    channel: Option<&'static str>,
    fee: Option<(String, i64)>,
}

/// A page's decisions on their way to the executor.
#[derive(Default)]
struct Batch {
    decisions: Vec<(CaseDecision, Effects)>,
    tallied: Vec<Tallied>,
}

impl<S: Store> App<S> {
    /// Runs the day `run_date` (today or earlier) over every open case. `progress` is called
    /// after each page with the summary so far.
    pub async fn run_day(
        &self,
        strategies: &StrategySet,
        run_date: NaiveDate,
        progress: &(dyn Fn(&RunDaySummary) + Sync),
    ) -> AppResult<RunDayOutcome> {
        let now = self.clock.now();
        if run_date > now.date_naive() {
            return Err(AppError::Invalid(format!(
                "{run_date} is in the future: a day is run when it has come"
            )));
        }
        let templates = Templates::builtin()?;
        check_templates(strategies, &templates)?;
        let date_text = run_date.to_string();
        let state = self
            .store
            .start_run_day(&date_text, ACTOR, now.timestamp_millis())
            .await?;
        let state = match state {
            RunDayState::Finished { summary } => {
                return Ok(RunDayOutcome::AlreadyFinished {
                    run_date: date_text,
                    summary,
                });
            }
            RunDayState::Started => "started",
            RunDayState::Resumed => "resumed",
        };
        let interest = self.accrue_interest(run_date, &|_| {}).await?;
        let mut summary = RunDaySummary {
            run_date: date_text.clone(),
            state,
            interest,
            ..RunDaySummary::default()
        };
        let day = Day {
            strategies,
            templates: &templates,
            run_date,
            context: Context {
                now: run_instant(run_date, now),
                actor: Actor::System,
            },
            decide_only: false,
        };
        self.run_pages(&day, &mut summary, progress).await?;
        let json = serde_json::to_string(&summary)
            .map_err(|error| AppError::Invalid(format!("the run's summary: {error}")))?;
        self.store
            .finish_run_day(
                &date_text,
                &json,
                ACTOR,
                self.clock.now().timestamp_millis(),
            )
            .await?;
        Ok(RunDayOutcome::Ran(Box::new(summary)))
    }

    /// What the run of `run_date` would decide, with nothing written: every open case's
    /// interest decided, then every open case read, planned and its due step decided by the
    /// gate, as the run does. The limit the run is
    /// measured against (`reilu bench run-day`); the steps it counts are the approved ones.
    pub async fn decide_day(
        &self,
        strategies: &StrategySet,
        run_date: NaiveDate,
    ) -> AppResult<RunDaySummary> {
        let templates = Templates::builtin()?;
        let interest = self.decide_interest(run_date).await?;
        let mut summary = RunDaySummary {
            run_date: run_date.to_string(),
            state: "decided only",
            interest,
            ..RunDaySummary::default()
        };
        let day = Day {
            strategies,
            templates: &templates,
            run_date,
            context: Context {
                now: run_instant(run_date, self.clock.now()),
                actor: Actor::System,
            },
            decide_only: true,
        };
        self.run_pages(&day, &mut summary, &|_| {}).await?;
        Ok(summary)
    }

    /// Every page of open cases, in case-number order, as a pipeline: while one page's
    /// decisions are written (by the executor, on another thread), the next page's steps are
    /// decided and their messages built. Each page's personal-data read is journaled before
    /// the previous page's write starts, so that the journal entry never waits behind it.
    async fn run_pages(
        &self,
        day: &Day<'_>,
        summary: &mut RunDaySummary,
        progress: &(dyn Fn(&RunDaySummary) + Sync),
    ) -> AppResult<()> {
        let mut after = 0;
        let mut ready: Option<Batch> = None;
        loop {
            let due = self.next_page(day, &mut after, summary).await?;
            if day.decide_only {
                let Some(due) = due else { break };
                self.decide_only(day, due, summary)?;
                progress(summary);
                continue;
            }
            let in_flight = ready.take().map(|batch| self.launch(batch));
            let next = match due {
                Some(due) => Some(self.decide_batch(day, due, summary).await?),
                None => None,
            };
            if let Some(in_flight) = in_flight {
                self.land(day, in_flight, summary).await?;
            }
            progress(summary);
            match next {
                Some(batch) => ready = Some(batch),
                None => break,
            }
        }
        Ok(())
    }

    /// Reads and plans the page of open cases after `after` and journals the read of the due
    /// cases' personal data; None when no case is left.
    async fn next_page(
        &self,
        day: &Day<'_>,
        after: &mut i64,
        summary: &mut RunDaySummary,
    ) -> AppResult<Option<Vec<(CaseSnapshot, PlannedStep)>>> {
        let page = self
            .store
            .open_interest_cases(*after, CASES_PER_PAGE)
            .await?;
        let Some(last) = page.last() else {
            return Ok(None);
        };
        *after = last.case_number;
        let due = self.plan_page(day, &page, summary).await?;
        if !day.decide_only {
            let cases: Vec<i64> = due
                .iter()
                .map(|(snapshot, _)| snapshot.case_number)
                .collect();
            self.journal_addressee_read(&cases, day.run_date).await?;
        }
        Ok(Some(due))
    }

    /// Plans one page of open cases: the steps due today.
    async fn plan_page(
        &self,
        day: &Day<'_>,
        page: &[InterestCase],
        summary: &mut RunDaySummary,
    ) -> AppResult<Vec<(CaseSnapshot, PlannedStep)>> {
        let numbers: Vec<i64> = page.iter().map(|case| case.case_number).collect();
        let facts = self.facts_of(&numbers).await?;
        let steps = self.store.case_steps(&numbers).await?;
        let calls = self.store.call_outcomes(&numbers).await?;
        let mut due = Vec::new();
        for case in page {
            summary.cases_considered += 1;
            let Some(stored) = facts.get(&case.case_number) else {
                continue;
            };
            let Some(snapshot) = self.page_snapshot(case, stored)? else {
                continue;
            };
            let done = steps.get(&case.case_number);
            let promise = promise_of(calls.get(&case.case_number), stored)?;
            if let Some(step) = plan_case(day, &snapshot, done, promise, summary)? {
                due.push((snapshot, step));
            }
        }
        Ok(due)
    }

    /// Hands a batch to the executor on a task of its own.
    fn launch(&self, batch: Batch) -> InFlight {
        let cases = batch
            .decisions
            .iter()
            .map(|(decision, _)| decision.case_number())
            .collect();
        let store = self.store.clone();
        let at_ms = self.clock.now().timestamp_millis();
        let decisions = batch.decisions;
        let writing =
            tokio::spawn(async move { store.execute_with(decisions, ACTOR, at_ms).await });
        InFlight {
            writing,
            tallied: batch.tallied,
            cases,
        }
    }

    /// Waits for a batch's write, counts it, and decides again (three times at most) the
    /// cases that moved on meanwhile.
    async fn land(
        &self,
        day: &Day<'_>,
        in_flight: InFlight,
        summary: &mut RunDaySummary,
    ) -> AppResult<()> {
        let executions = in_flight
            .writing
            .await
            .map_err(|error| AppError::Io(format!("the run's writer stopped: {error}")))??;
        let mut stale = count_page(&in_flight.tallied, &in_flight.cases, &executions, summary);
        for _ in 0..STALE_RETRIES_MAX {
            if stale.is_empty() {
                break;
            }
            stale = self.decide_again(day, &stale, summary).await?;
        }
        Ok(())
    }

    /// Decides the due steps (their customers' addresses opened first, journaled) and hands
    /// them to the executor; returns the cases that moved on meanwhile.
    async fn decide_and_execute(
        &self,
        day: &Day<'_>,
        due: Vec<(CaseSnapshot, PlannedStep)>,
        summary: &mut RunDaySummary,
    ) -> AppResult<Vec<i64>> {
        let cases: Vec<i64> = due
            .iter()
            .map(|(snapshot, _)| snapshot.case_number)
            .collect();
        self.journal_addressee_read(&cases, day.run_date).await?;
        let batch = self.decide_batch(day, due, summary).await?;
        self.execute_page(batch, summary).await
    }

    /// Opens the due cases' addressees (their read journaled before) and decides each step,
    /// with its message.
    async fn decide_batch(
        &self,
        day: &Day<'_>,
        due: Vec<(CaseSnapshot, PlannedStep)>,
        summary: &mut RunDaySummary,
    ) -> AppResult<Batch> {
        let cases: Vec<i64> = due
            .iter()
            .map(|(snapshot, _)| snapshot.case_number)
            .collect();
        let addressees = self.open_addressees(&cases).await?;
        let mut batch = Batch::default();
        for (snapshot, step) in due {
            let addressee = addressees.get(&snapshot.case_number).ok_or_else(|| {
                AppError::NotFound(format!("case {} has no customer", snapshot.case_number))
            })?;
            self.decide_step(day, snapshot, step, addressee, &mut batch, summary)?;
        }
        Ok(batch)
    }

    /// Decides the due steps as the run would and counts what the gate approved.
    fn decide_only(
        &self,
        day: &Day<'_>,
        due: Vec<(CaseSnapshot, PlannedStep)>,
        summary: &mut RunDaySummary,
    ) -> AppResult<()> {
        for (snapshot, step) in due {
            let market = snapshot.view.market.as_str().to_owned();
            let chain = self.decide_chain(day, &snapshot, &step.proposals)?;
            let counts = summary.markets.entry(market.clone()).or_default();
            for (index, (decision, _)) in chain.iter().enumerate() {
                let tallied = tallied(decision, &market, step.kind.as_str(), index == 0);
                let execution = match tallied.verdict {
                    Verdict::Deny => Execution::Denied,
                    _ => Execution::NotExecutable,
                };
                count_execution(counts, &tallied, execution);
            }
        }
        Ok(())
    }

    /// The snapshot of a case from the page's read; None for a case without claims.
    fn page_snapshot(
        &self,
        case: &InterestCase,
        stored: &CaseFactRows,
    ) -> AppResult<Option<CaseSnapshot>> {
        let Some(earliest_due) = case.earliest_due_date.as_deref() else {
            return Ok(None);
        };
        let (terms, owed) = case_terms(case, earliest_due);
        let mut snapshot = self.snapshot_of(&terms, owed, stored)?;
        // The version read with the balances is the one the decision rests on (see the
        // interest run): anything that changed after it makes the decision stale.
        snapshot.version = case.version;
        Ok(Some(snapshot))
    }

    /// Decides a step's proposals in order, each on the case as the one before leaves it: the
    /// contact on the stored case, its fee on the case with the contact made. A proposal the
    /// gate does not approve ends the step there (no fee for a letter not sent). The contact's
    /// message goes with its decision.
    fn decide_step(
        &self,
        day: &Day<'_>,
        snapshot: CaseSnapshot,
        mut step: PlannedStep,
        addressee: &Addressee,
        batch: &mut Batch,
        summary: &mut RunDaySummary,
    ) -> AppResult<()> {
        let market = snapshot.view.market.as_str().to_owned();
        if reachable(&mut step.proposals, addressee) {
            summary
                .markets
                .entry(market.clone())
                .or_default()
                .by_letter_instead += 1;
        }
        let chain = self.decide_chain(day, &snapshot, &step.proposals)?;
        let mut message = self.chain_message(day, &snapshot, &step, addressee, &chain)?;
        let first = batch.decisions.len();
        let time_zone = snapshot.view.time_zone;
        for (index, (decision, action)) in chain.into_iter().enumerate() {
            let effects = Effects {
                step: (index == 0).then(|| StepDone {
                    strategy: step.strategy.clone(),
                    path: step.path.clone(),
                    variant: step.variant.clone(),
                    step_id: step.step_id.clone(),
                    done_on: done_on(action.as_ref(), time_zone, day.run_date).to_string(),
                }),
                after: index.checked_sub(1).map(|before| first + before),
                message: message.take(),
            };
            batch
                .tallied
                .push(tallied(&decision, &market, step.kind.as_str(), index == 0));
            batch.decisions.push((decision, effects));
        }
        Ok(())
    }

    /// The gate's decisions on a step's proposals, each on the case as the approved one
    /// before it leaves it, up to the first not approved.
    fn decide_chain(
        &self,
        day: &Day<'_>,
        snapshot: &CaseSnapshot,
        proposals: &[Proposal],
    ) -> AppResult<Vec<(CaseDecision, Option<ApprovedAction>)>> {
        let mut current = snapshot.clone();
        let mut chain = Vec::with_capacity(proposals.len());
        for proposal in proposals {
            let decision =
                self.gate
                    .decide_case(proposal, &current, &day.context, new_decision_id()?);
            let action = decision
                .approved()
                .map(|approved| approved.action().clone());
            let go_on = match &action {
                Some(ApprovedAction::Contact { channel, at, .. }) => {
                    current.view.contact_history.push(ContactRecord {
                        at: *at,
                        channel: *channel,
                    });
                    current.version += 1;
                    true
                }
                _ => false,
            };
            chain.push((decision, action));
            if !go_on {
                break;
            }
        }
        Ok(chain)
    }

    /// The message of the chain's approved contact, naming the fee approved with it.
    fn chain_message(
        &self,
        day: &Day<'_>,
        snapshot: &CaseSnapshot,
        step: &PlannedStep,
        addressee: &Addressee,
        chain: &[(CaseDecision, Option<ApprovedAction>)],
    ) -> AppResult<Option<reilu_store::NewOutboxMessage>> {
        let Some((decision, Some(ApprovedAction::Contact { channel, at, .. }))) = chain.first()
        else {
            return Ok(None);
        };
        let fee_minor = chain
            .iter()
            .filter_map(|(_, action)| match action {
                Some(ApprovedAction::Fee { amount, .. }) => Some(amount.amount_minor()),
                _ => None,
            })
            .sum();
        let outgoing = Outgoing {
            decision_id: decision.id().as_str(),
            channel: *channel,
            template: &step.template,
            not_before_ms: at.timestamp_millis(),
            fee_minor,
            days_to_pay: messages::days_to_pay(&self.gate, snapshot, day.run_date),
            signer: &self.signer,
        };
        message_for(
            &self.vault,
            day.templates,
            addressee,
            snapshot,
            &outgoing,
            day.run_date,
        )
        .map(Some)
    }

    /// Hands a batch to the executor and counts what it did; returns the cases that moved on
    /// meanwhile.
    async fn execute_page(&self, batch: Batch, summary: &mut RunDaySummary) -> AppResult<Vec<i64>> {
        if batch.decisions.is_empty() {
            return Ok(Vec::new());
        }
        let cases: Vec<i64> = batch
            .decisions
            .iter()
            .map(|(decision, _)| decision.case_number())
            .collect();
        let executions = self
            .store
            .execute_with(batch.decisions, ACTOR, self.clock.now().timestamp_millis())
            .await?;
        Ok(count_page(&batch.tallied, &cases, &executions, summary))
    }

    /// Reads the cases that moved on afresh, plans and decides them again.
    async fn decide_again(
        &self,
        day: &Day<'_>,
        cases: &[i64],
        summary: &mut RunDaySummary,
    ) -> AppResult<Vec<i64>> {
        let steps = self.store.case_steps(cases).await?;
        let calls = self.store.call_outcomes(cases).await?;
        let facts = self.facts_of(cases).await?;
        let mut due = Vec::new();
        for case_number in cases {
            let snapshot = self.snapshot(*case_number).await?;
            let promise = match facts.get(case_number) {
                Some(stored) => promise_of(calls.get(case_number), stored)?,
                None => None,
            };
            let market = snapshot.view.market.as_str().to_owned();
            summary.markets.entry(market).or_default().decided_again += 1;
            let done = done_steps(steps.get(case_number))?;
            let progress = CaseProgress {
                case_number: *case_number,
                has_plan: snapshot.view.plans_charged > 0,
                done: &done,
                promise,
            };
            if let Plan::Due(step) = day.strategies.plan(&snapshot.view, &progress, day.run_date)
                && !step.proposals.is_empty()
            {
                due.push((snapshot, step));
            }
        }
        self.decide_and_execute(day, due, summary).await
    }
}

/// A batch being written by the executor on its own task, with what is needed to count it.
struct InFlight {
    writing: tokio::task::JoinHandle<Result<Vec<Execution>, reilu_store::StoreError>>,
    tallied: Vec<Tallied>,
    cases: Vec<i64>,
}

/// Counts a batch's executions into the summary; the cases that moved on meanwhile.
fn count_page(
    tallied: &[Tallied],
    cases: &[i64],
    executions: &[Execution],
    summary: &mut RunDaySummary,
) -> Vec<i64> {
    let mut stale = Vec::new();
    for ((tallied, execution), case_number) in tallied.iter().zip(executions).zip(cases) {
        let day = summary.markets.entry(tallied.market.clone()).or_default();
        if count_execution(day, tallied, *execution) {
            stale.push(*case_number);
        }
    }
    stale.dedup();
    stale
}

/// What a run holds for its whole day.
struct Day<'a> {
    strategies: &'a StrategySet,
    templates: &'a Templates,
    run_date: NaiveDate,
    context: Context,
    /// Decide and count, write nothing (the bench's limit).
    decide_only: bool,
}

/// Asks the strategy what comes next on one case; the step when one is due and proposes
/// something.
fn plan_case(
    day: &Day<'_>,
    snapshot: &CaseSnapshot,
    done: Option<&Vec<CaseStepRow>>,
    promise: Option<PromiseToPay>,
    summary: &mut RunDaySummary,
) -> AppResult<Option<PlannedStep>> {
    let market = snapshot.view.market.as_str().to_owned();
    let counts = summary.markets.entry(market).or_default();
    counts.cases += 1;
    let done = done_steps(done)?;
    let progress = CaseProgress {
        case_number: snapshot.case_number,
        has_plan: snapshot.view.plans_charged > 0,
        done: &done,
        promise,
    };
    Ok(
        match day.strategies.plan(&snapshot.view, &progress, day.run_date) {
            // A step that proposes nothing (a legal review) waits for an agent.
            Plan::Due(step) if step.proposals.is_empty() => {
                counts.for_agents += 1;
                None
            }
            Plan::Due(step) => Some(step),
            Plan::Waiting { .. } => {
                counts.waiting += 1;
                None
            }
            Plan::Finished => {
                counts.finished += 1;
                None
            }
            Plan::Paused { .. } => {
                counts.paused += 1;
                None
            }
        },
    )
}

/// The step is done on the customer's local day of the contact as approved: a letter the
/// gate moved from a Sunday is done on the Monday, and the next step counts from there.
fn done_on(
    action: Option<&ApprovedAction>,
    time_zone: chrono_tz::Tz,
    run_date: NaiveDate,
) -> NaiveDate {
    match action {
        Some(ApprovedAction::Contact { at, .. }) => at.with_timezone(&time_zone).date_naive(),
        _ => run_date,
    }
}

/// The instant the run decides at: now for today's run; the start of the day (UTC) for an
/// earlier date, so that the day's contacts fall on that day.
fn run_instant(run_date: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    if run_date == now.date_naive() {
        now
    } else {
        run_date.and_time(chrono::NaiveTime::MIN).and_utc()
    }
}

fn done_steps(rows: Option<&Vec<CaseStepRow>>) -> AppResult<Vec<DoneStep>> {
    rows.map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|row| {
            Ok(DoneStep {
                step_id: row.step_id.clone(),
                on: parse_date(&row.done_on).map_err(AppError::Invalid)?,
            })
        })
        .collect()
}

/// The case's latest promise to pay made on a call, with what the case received from the
/// call's (UTC) day on.
fn promise_of(
    calls: Option<&Vec<CallOutcomeRow>>,
    stored: &CaseFactRows,
) -> AppResult<Option<PromiseToPay>> {
    let Some(call) = calls
        .into_iter()
        .flatten()
        .rev()
        .find(|call| call.outcome == "promise")
    else {
        return Ok(None);
    };
    let (Some(due_on), Some(amount_minor)) = (&call.promise_due_on, call.promise_amount_minor)
    else {
        return Err(AppError::Invalid(format!(
            "call task {}: a promise without its day or amount",
            call.message_id
        )));
    };
    let called_on = DateTime::from_timestamp_millis(call.called_at_ms)
        .map(|at| at.date_naive().to_string())
        .unwrap_or_default();
    let received_minor = stored
        .received
        .iter()
        .filter(|(day, _)| *day >= called_on)
        .try_fold(0_i64, |sum, (_, amount)| sum.checked_add(*amount))
        .ok_or_else(|| AppError::Invalid("a case's payments overflow".into()))?;
    Ok(Some(PromiseToPay {
        task: call.message_id,
        due_on: parse_date(due_on).map_err(AppError::Invalid)?,
        amount_minor,
        received_minor,
    }))
}

fn tallied(decision: &CaseDecision, market: &str, kind: &str, step_head: bool) -> Tallied {
    let outcome = decision.decision();
    let (channel, fee) = match decision.approved().map(|approved| approved.action()) {
        Some(ApprovedAction::Contact { channel, .. }) => (Some(channel.as_str()), None),
        Some(ApprovedAction::Fee { amount, .. }) => (
            None,
            Some((amount.currency().code().to_owned(), amount.amount_minor())),
        ),
        _ => (None, None),
    };
    Tallied {
        market: market.to_owned(),
        kind: kind.to_owned(),
        step_head,
        verdict: outcome.verdict,
        denied_by: outcome
            .denials()
            .map(|reason| reason.rule_id.to_string())
            .collect(),
        channel,
        fee,
    }
}

/// Counts one execution into its market's day; true when the case moved on meanwhile.
fn count_execution(day: &mut MarketDay, tallied: &Tallied, execution: Execution) -> bool {
    match execution {
        Execution::Executed { .. } | Execution::NotExecutable => {
            if tallied.step_head {
                *day.steps.entry(tallied.kind.clone()).or_insert(0) += 1;
            }
            if let Some(channel) = tallied.channel {
                *day.channels.entry(channel.to_owned()).or_insert(0) += 1;
            }
            if let Some((currency, amount_minor)) = &tallied.fee {
                let total = day.fees.entry(currency.clone()).or_default();
                total.count += 1;
                total.amount_minor = total.amount_minor.saturating_add(*amount_minor);
            }
            if tallied.verdict == Verdict::AllowWithChanges {
                day.changed += 1;
            }
            false
        }
        Execution::Denied => {
            if tallied.step_head {
                day.denied += 1;
            }
            for rule in &tallied.denied_by {
                *day.denied_by_rule.entry(rule.clone()).or_insert(0) += 1;
            }
            false
        }
        // Only the step's own decision says the case moved: a fee chained on a stale
        // contact is stale with it.
        Execution::Stale { .. } => tallied.step_head,
        Execution::AlreadyRecorded | Execution::AlreadyAccrued => false,
    }
}
