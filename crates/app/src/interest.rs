//! The daily interest run: for every open case, late interest from where it was last accrued
//! to the run date is proposed to the gate, every decision is journaled with its reasons, and
//! what the gate approves is posted with a record of the period — in one transaction per page
//! of cases. How far a case has been accrued is read back from those records, so running the
//! same date twice posts nothing twice, and a run stopped half way continues where it stopped.
//!
//! Periods are `[from, to)` as the gate reads them: the run for date D accrues the days before
//! D. Where the gate approves only the days before the first day without a statutory rate, the
//! accrual ends on that day, and the next run starts there — after a rate for it is published
//! (`reilu rules add-rate`), it accrues from that day on. Each run's summary warns of every
//! market whose late rates run out within 30 days, or have run out.
//!
//! A case's first accrual starts the day after the latest due date of its claims: interest
//! runs on the case's whole principal, so starting at the earliest would charge a later claim
//! for days before it fell due (the earlier claim loses those days instead — the conservative
//! side). A claim placed later into a case that was already accrued starts at the next run.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use reilu_core::{Currency, Money};
use reilu_rules::model::{Actor, Context, Proposal};
use reilu_rules::pack::RateGap;
use reilu_rules::{ApprovedAction, CaseDecision};
use reilu_store::{CaseFactRows, Execution, InterestCase, Store};
use serde::Serialize;

use crate::decisions::{CaseTerms, new_decision_id};
use crate::{App, AppError, AppResult};

/// Open cases read, decided and recorded together: one read and one transaction a page.
pub const CASES_PER_PAGE: i64 = 2_000;
/// Who the journal says proposed: the run is the system's.
const ACTOR: &str = "system";

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccrualSummary {
    /// The run date D: interest is accrued for the days before it.
    pub run_date: String,
    /// Open cases looked at.
    pub cases_considered: u64,
    /// Cases accrued by this run (the gate approved; a posting where the amount was positive).
    pub accrued: u64,
    /// Cases already accrued to the date by an earlier run: nothing proposed.
    pub up_to_date: u64,
    /// Cases whose claims are not yet overdue on the day before the date: nothing proposed.
    pub not_yet_due: u64,
    /// Cases owing no principal: nothing to accrue, nothing proposed.
    pub nothing_owed: u64,
    /// Cases the gate refused: journaled with the reasons, nothing posted.
    pub denied: u64,
    /// Cases another run accrued while this one was deciding them, or whose facts changed
    /// meanwhile (a payment, a hold): nothing written; the next run decides them again.
    pub accrued_elsewhere: u64,
    /// What this run accrued, per currency.
    pub totals: Vec<CurrencyTotal>,
    /// For the denied cases, how many each reason (its message key) stopped; a case refused
    /// for two reasons counts under both.
    pub denied_by_reason: BTreeMap<String, u64>,
    /// Of the accrued cases, those accrued only up to a day without a statutory rate (short of
    /// the run date): the next run continues from that day.
    pub stopped_at_missing_rate: u64,
    /// Markets and customer kinds whose late rates run out within 30 days of today, or have
    /// run out: a rate to publish (`reilu rules add-rate`).
    pub rate_warnings: Vec<RateGap>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrencyTotal {
    pub currency: String,
    pub amount_minor: i64,
    /// `12.34 EUR`.
    pub amount: String,
}

/// What to do with one case.
enum Step {
    UpToDate,
    NotYetDue,
    NothingOwed,
    /// The gate's decision to record, and the keys of the reasons that denied it.
    Decided(Box<CaseDecision>, Vec<&'static str>),
}

impl<S: Store> App<S> {
    /// Accrues late interest on every open case up to `run_date` (exclusive). `progress` is
    /// called after each page with the summary so far.
    pub async fn accrue_interest(
        &self,
        run_date: NaiveDate,
        progress: &(dyn Fn(&AccrualSummary) + Sync),
    ) -> AppResult<AccrualSummary> {
        self.interest_pages(run_date, true, progress).await
    }

    /// The interest decisions of `run_date` with nothing written (the daily run's limit in
    /// `reilu bench run-day`): the summary counts the decisions, not what they did.
    pub async fn decide_interest(&self, run_date: NaiveDate) -> AppResult<AccrualSummary> {
        self.interest_pages(run_date, false, &|_| {}).await
    }

    async fn interest_pages(
        &self,
        run_date: NaiveDate,
        write: bool,
        progress: &(dyn Fn(&AccrualSummary) + Sync),
    ) -> AppResult<AccrualSummary> {
        let now = self.clock.now();
        if run_date > now.date_naive() + Duration::days(1) {
            return Err(AppError::Invalid(format!(
                "{run_date} is in the future: interest is accrued only for days that have begun"
            )));
        }
        let context = Context {
            now,
            actor: Actor::System,
        };
        let mut summary = AccrualSummary {
            run_date: run_date.to_string(),
            ..AccrualSummary::default()
        };
        let mut totals: BTreeMap<String, i64> = BTreeMap::new();
        let mut after = 0;
        loop {
            let page = self
                .store
                .open_interest_cases(after, CASES_PER_PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.case_number;
            let numbers: Vec<i64> = page.iter().map(|case| case.case_number).collect();
            let facts = self.facts_of(&numbers).await?;
            let mut batch = Vec::with_capacity(page.len());
            let mut denials = Vec::with_capacity(page.len());
            for case in &page {
                summary.cases_considered += 1;
                let stored = facts.get(&case.case_number).cloned().unwrap_or_default();
                match self.step(case, &stored, run_date, &context)? {
                    Step::UpToDate => summary.up_to_date += 1,
                    Step::NotYetDue => summary.not_yet_due += 1,
                    Step::NothingOwed => summary.nothing_owed += 1,
                    Step::Decided(decision, denied_by) => {
                        batch.push(*decision);
                        denials.push(denied_by);
                    }
                }
            }
            if write && !batch.is_empty() {
                let amounts: Vec<Option<(String, i64, String)>> =
                    batch.iter().map(accrued_amount).collect();
                let executions = self
                    .store
                    .execute(batch, ACTOR, now.timestamp_millis())
                    .await?;
                tally(&mut summary, &mut totals, &amounts, &denials, &executions);
            }
            progress(&summary);
        }
        summary.totals = currency_totals(totals)?;
        summary.rate_warnings = self.rate_warnings(now.date_naive());
        Ok(summary)
    }

    /// Decides one case's accrual for `[from, run_date)`, or says why there is none to propose.
    fn step(
        &self,
        case: &InterestCase,
        stored: &CaseFactRows,
        run_date: NaiveDate,
        context: &Context,
    ) -> AppResult<Step> {
        let invalid = |what: &str| AppError::Invalid(format!("case {}: {what}", case.case_number));
        let (Some(earliest_due), Some(latest_due)) =
            (&case.earliest_due_date, &case.latest_due_date)
        else {
            return Ok(Step::NothingOwed);
        };
        let date = |text: &str| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| invalid("a date is not YYYY-MM-DD"))
        };
        let first_day = date(latest_due)? + Duration::days(1);
        let accrued_to = case.accrued_to.as_deref().map(date).transpose()?;
        if accrued_to.is_some_and(|to| to >= run_date) {
            return Ok(Step::UpToDate);
        }
        let from = accrued_to.map_or(first_day, |to| to.max(first_day));
        if from >= run_date {
            return Ok(Step::NotYetDue);
        }
        if case.principal_balance_minor <= 0 {
            return Ok(Step::NothingOwed);
        }
        let (terms, owed) = case_terms(case, earliest_due);
        let mut snapshot = self.snapshot_of(&terms, owed, stored)?;
        // The facts were read after the balances: the version read with the balances is the
        // one the decision rests on, so anything that changed in between makes it stale.
        snapshot.version = case.version;
        let proposal = Proposal::AccrueInterest { from, to: run_date };
        let decision = self
            .gate
            .decide_case(&proposal, &snapshot, context, new_decision_id()?);
        let denied_by = decision
            .decision()
            .denials()
            .map(|reason| reason.message_key)
            .collect();
        Ok(Step::Decided(Box::new(decision), denied_by))
    }
}

/// The terms and the owed balances of an open case as the interest run's page gives them.
pub(crate) fn case_terms<'a>(
    case: &'a InterestCase,
    earliest_due_date: &'a str,
) -> (CaseTerms<'a>, [i64; 4]) {
    let terms = CaseTerms {
        case_number: case.case_number,
        market: &case.market,
        currency: &case.currency,
        customer_kind: &case.customer_kind,
        principal_minor: case.principal_minor,
        earliest_due_date,
        lowest_interest_rate_bp: case.lowest_interest_rate_bp,
        claims_without_rate: case.claims_without_rate,
        interest_carry_minor_bp_days: case.interest_carry_minor_bp_days,
        arose_on: case.earliest_arose_on.as_deref(),
        reminder_fee_agreed: case.reminder_fee_agreed,
        jurisdiction: case.jurisdiction.as_deref(),
    };
    let owed = [
        case.principal_balance_minor,
        case.interest_balance_minor,
        case.collection_costs_balance_minor,
        case.creditor_fees_balance_minor,
    ];
    (terms, owed)
}

/// What an interest decision accrues, if approved: (currency, minor units, to which day).
fn accrued_amount(decision: &CaseDecision) -> Option<(String, i64, String)> {
    match decision.approved()?.action() {
        ApprovedAction::Interest { amount, to, .. } => Some((
            amount.currency().code().to_owned(),
            amount.amount_minor(),
            to.to_string(),
        )),
        _ => None,
    }
}

/// Counts what the executor did with a page.
fn tally(
    summary: &mut AccrualSummary,
    totals: &mut BTreeMap<String, i64>,
    amounts: &[Option<(String, i64, String)>],
    denials: &[Vec<&'static str>],
    executions: &[Execution],
) {
    for ((amount, denied_by), execution) in amounts.iter().zip(denials).zip(executions) {
        match execution {
            Execution::Executed { .. } => {
                summary.accrued += 1;
                if let Some((currency, amount_minor, to_date)) = amount {
                    *totals.entry(currency.clone()).or_insert(0) += amount_minor;
                    // Dates are ISO YYYY-MM-DD, so text order is date order.
                    if *to_date < summary.run_date {
                        summary.stopped_at_missing_rate += 1;
                    }
                }
            }
            Execution::Denied | Execution::NotExecutable => {
                summary.denied += 1;
                for key in denied_by {
                    *summary
                        .denied_by_reason
                        .entry((*key).to_owned())
                        .or_insert(0) += 1;
                }
            }
            Execution::AlreadyAccrued | Execution::Stale { .. } | Execution::AlreadyRecorded => {
                summary.accrued_elsewhere += 1
            }
        }
    }
}

fn currency_totals(totals: BTreeMap<String, i64>) -> AppResult<Vec<CurrencyTotal>> {
    totals
        .into_iter()
        .map(|(currency, amount_minor)| {
            let parsed =
                Currency::parse(&currency).map_err(|error| AppError::Invalid(error.to_string()))?;
            Ok(CurrencyTotal {
                amount: Money::from_minor(amount_minor, parsed).to_string(),
                currency,
                amount_minor,
            })
        })
        .collect()
}
