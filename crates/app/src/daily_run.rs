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
    CaseFactRows, CaseStepRow, Effects, Execution, InterestCase, RunDayState, StepDone, Store,
};
use reilu_strategy::{CaseProgress, DoneStep, Plan, PlannedStep, StrategySet};
use serde::Serialize;

use crate::decisions::{new_decision_id, parse_date};
use crate::interest::{AccrualSummary, CASES_PER_PAGE, case_terms};
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
    cases: Vec<i64>,
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
        let context = Context {
            now: run_instant(run_date, now),
            actor: Actor::System,
        };
        let mut after = 0;
        loop {
            let page = self
                .store
                .open_interest_cases(after, CASES_PER_PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.case_number;
            self.run_page(strategies, &page, run_date, &context, &mut summary)
                .await?;
            progress(&summary);
        }
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

    /// Plans, decides and carries out one page of open cases; cases that moved on meanwhile
    /// are read and decided again.
    async fn run_page(
        &self,
        strategies: &StrategySet,
        page: &[InterestCase],
        run_date: NaiveDate,
        context: &Context,
        summary: &mut RunDaySummary,
    ) -> AppResult<()> {
        let numbers: Vec<i64> = page.iter().map(|case| case.case_number).collect();
        let facts = self.facts_of(&numbers).await?;
        let steps = self.store.case_steps(&numbers).await?;
        let mut batch = Batch::default();
        for case in page {
            summary.cases_considered += 1;
            let Some(stored) = facts.get(&case.case_number) else {
                continue;
            };
            let Some(snapshot) = self.page_snapshot(case, stored)? else {
                continue;
            };
            let done = steps.get(&case.case_number);
            self.plan_case(
                strategies, snapshot, done, run_date, context, &mut batch, summary,
            )?;
        }
        let mut stale = self.execute_page(batch, summary).await?;
        for _ in 0..STALE_RETRIES_MAX {
            if stale.is_empty() {
                break;
            }
            stale = self
                .decide_again(strategies, &stale, run_date, context, summary)
                .await?;
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

    /// Asks the strategy what comes next on one case and decides it into the batch.
    #[allow(clippy::too_many_arguments)]
    fn plan_case(
        &self,
        strategies: &StrategySet,
        snapshot: CaseSnapshot,
        done: Option<&Vec<CaseStepRow>>,
        run_date: NaiveDate,
        context: &Context,
        batch: &mut Batch,
        summary: &mut RunDaySummary,
    ) -> AppResult<()> {
        let market = snapshot.view.market.as_str().to_owned();
        let day = summary.markets.entry(market).or_default();
        day.cases += 1;
        let done = done_steps(done)?;
        let progress = CaseProgress {
            case_number: snapshot.case_number,
            has_plan: snapshot.view.plans_charged > 0,
            done: &done,
        };
        match strategies.plan(&snapshot.view, &progress, run_date) {
            // A step that proposes nothing (a legal review) waits for an agent.
            Plan::Due(step) if step.proposals.is_empty() => day.for_agents += 1,
            Plan::Due(step) => self.decide_step(snapshot, step, run_date, context, batch)?,
            Plan::Waiting { .. } => day.waiting += 1,
            Plan::Finished => day.finished += 1,
            Plan::Paused { .. } => day.paused += 1,
        }
        Ok(())
    }

    /// Decides a step's proposals in order, each on the case as the one before leaves it: the
    /// contact on the stored case, its fee on the case with the contact made. A proposal the
    /// gate does not approve ends the step there (no fee for a letter not sent).
    fn decide_step(
        &self,
        snapshot: CaseSnapshot,
        step: PlannedStep,
        run_date: NaiveDate,
        context: &Context,
        batch: &mut Batch,
    ) -> AppResult<()> {
        let market = snapshot.view.market.as_str().to_owned();
        let time_zone = snapshot.view.time_zone;
        let case_number = snapshot.case_number;
        let mut current = snapshot;
        let first = batch.decisions.len();
        for (index, proposal) in step.proposals.iter().enumerate() {
            let decision = self
                .gate
                .decide_case(proposal, &current, context, new_decision_id()?);
            let action = decision
                .approved()
                .map(|approved| approved.action().clone());
            // The step is done on the customer's local day of the contact as approved: a
            // letter the gate moved from a Sunday is done on the Monday, and the next step
            // counts from there.
            let done_on = match &action {
                Some(ApprovedAction::Contact { at, .. }) => {
                    at.with_timezone(&time_zone).date_naive()
                }
                _ => run_date,
            };
            let effects = Effects {
                step: (index == 0).then(|| StepDone {
                    strategy: step.strategy.clone(),
                    path: step.path.clone(),
                    variant: step.variant.clone(),
                    step_id: step.step_id.clone(),
                    done_on: done_on.to_string(),
                }),
                after: index.checked_sub(1).map(|before| first + before),
            };
            batch
                .tallied
                .push(tallied(&decision, &market, step.kind.as_str(), index == 0));
            batch.decisions.push((decision, effects));
            match action {
                Some(ApprovedAction::Contact { channel, at, .. }) => {
                    current
                        .view
                        .contact_history
                        .push(ContactRecord { at, channel });
                    current.version += 1;
                }
                _ => break,
            }
        }
        batch.cases.push(case_number);
        Ok(())
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
        let mut stale = Vec::new();
        for ((tallied, execution), case_number) in batch.tallied.iter().zip(&executions).zip(&cases)
        {
            let day = summary.markets.entry(tallied.market.clone()).or_default();
            if count_execution(day, tallied, *execution) {
                stale.push(*case_number);
            }
        }
        stale.dedup();
        Ok(stale)
    }

    /// Reads the cases that moved on afresh, plans and decides them again.
    async fn decide_again(
        &self,
        strategies: &StrategySet,
        cases: &[i64],
        run_date: NaiveDate,
        context: &Context,
        summary: &mut RunDaySummary,
    ) -> AppResult<Vec<i64>> {
        let steps = self.store.case_steps(cases).await?;
        let mut batch = Batch::default();
        for case_number in cases {
            let snapshot = self.snapshot(*case_number).await?;
            let market = snapshot.view.market.as_str().to_owned();
            summary.markets.entry(market).or_default().decided_again += 1;
            let done = done_steps(steps.get(case_number))?;
            let progress = CaseProgress {
                case_number: *case_number,
                has_plan: snapshot.view.plans_charged > 0,
                done: &done,
            };
            if let Plan::Due(step) = strategies.plan(&snapshot.view, &progress, run_date) {
                self.decide_step(snapshot, step, run_date, context, &mut batch)?;
            }
        }
        self.execute_page(batch, summary).await
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
