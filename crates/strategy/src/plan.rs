//! The planner: what comes next for a case, from its strategy, what was done and today's
//! date. Pure: the daily run supplies the date and proposes the result to the gate.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use reilu_core::Money;
use reilu_rules::model::{CaseView, Channel, Proposal, Recipient};

use crate::StrategySet;
use crate::model::{SegmentFacts, Step, StepKind};

/// A step carried out on a day (the customer's local date the contact went out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneStep {
    pub step_id: String,
    pub on: NaiveDate,
}

/// What the daily run knows of a case beyond its gate view.
#[derive(Debug, Clone, Copy)]
pub struct CaseProgress<'a> {
    pub case_number: i64,
    pub has_plan: bool,
    /// Steps done, in any order.
    pub done: &'a [DoneStep],
    /// The latest promise to pay the customer made on a call, if any.
    pub promise: Option<PromiseToPay>,
}

/// A promise to pay made on a call (a call task's outcome) and what the case received since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromiseToPay {
    /// The call task the promise was made on.
    pub task: i64,
    pub due_on: NaiveDate,
    pub amount_minor: i64,
    /// What the case received from the day of the call on (returns taken off).
    pub received_minor: i64,
}

impl PromiseToPay {
    /// The id of the follow-up step of this promise: done at most once.
    pub fn step_id(&self) -> String {
        format!("promise-{}", self.task)
    }
}

/// A promise not kept is followed up by SMS (by letter where the customer has no phone) the
/// morning after its day, without a fee: a reminder of the customer's own word, not a step
/// of the path.
const PROMISE_FOLLOWUP_CHANNEL: Channel = Channel::Sms;
pub const PROMISE_FOLLOWUP_TEMPLATE: &str = "promise_followup";
const PROMISE_FOLLOWUP_HOUR: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The next step's day has come.
    Due(PlannedStep),
    Waiting {
        step_id: String,
        on: NaiveDate,
    },
    /// Every step of the path done.
    Finished,
    /// Nothing to propose (an active hold).
    Paused {
        reason: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStep {
    pub strategy: String,
    pub path: String,
    pub variant: Option<String>,
    pub step_id: String,
    pub kind: StepKind,
    /// None for a legal review, which contacts nobody.
    pub channel: Option<Channel>,
    pub template: String,
    /// The contact first, then the fee if any; empty for a legal review.
    pub proposals: Vec<Proposal>,
}

impl StrategySet {
    /// The case's next step on `today` (the customer's local date).
    ///
    /// The path is chosen by the case's segment now, with its age taken at entry: the days
    /// from the due date to the first step done (to `today` before any). A step counts as
    /// done by its id, so a case moved to another path (a vulnerability flag set, a plan
    /// agreed) does not repeat a step of the same id; the next step is the path's first not
    /// done, due `after_days` after the latest step done (the first: after the due date).
    pub fn plan(&self, case: &CaseView, progress: &CaseProgress<'_>, today: NaiveDate) -> Plan {
        if case.holds.iter().any(|hold| hold.is_active(today)) {
            return Plan::Paused {
                reason: "an active hold stops the case's treatment",
            };
        }
        let strategy = self.for_market(case.market);
        let entered_on = progress
            .done
            .iter()
            .map(|done| done.on)
            .min()
            .unwrap_or(today);
        let facts = SegmentFacts {
            customer: case.customer_kind,
            principal_minor: case.original_principal.amount_minor(),
            age_days: (entered_on - case.due_date).num_days().max(0),
            vulnerable: case.vulnerable,
            has_plan: progress.has_plan,
        };
        let Some(path) = strategy.path_for(&facts) else {
            // Validated strategies cover every case; this guards a hand-built set.
            return Plan::Paused {
                reason: "no path of the strategy covers the case",
            };
        };
        let variant = strategy.variant_of(progress.case_number);
        let step_of = |id: String, kind, channel, template: &str, proposals| PlannedStep {
            strategy: strategy.id.clone(),
            path: path.id.clone(),
            variant: variant.map(str::to_owned),
            step_id: id,
            kind,
            channel,
            template: template.to_owned(),
            proposals,
        };
        if let Some(plan) = promise_plan(case, progress, today) {
            return match plan {
                PromisePlan::Waiting(step_id, on) => Plan::Waiting { step_id, on },
                PromisePlan::FollowUp(step_id, proposals) => Plan::Due(step_of(
                    step_id,
                    StepKind::PromiseFollowup,
                    Some(PROMISE_FOLLOWUP_CHANNEL),
                    PROMISE_FOLLOWUP_TEMPLATE,
                    proposals,
                )),
            };
        }
        let steps = path.steps_for(variant);
        let is_done = |step: &Step| progress.done.iter().any(|done| done.step_id == step.id);
        let Some(next) = steps.iter().find(|step| !is_done(step)) else {
            return Plan::Finished;
        };
        let from = progress
            .done
            .iter()
            .map(|done| done.on)
            .max()
            .unwrap_or(case.due_date);
        let on = from + Duration::days(i64::from(next.after_days));
        if today < on {
            return Plan::Waiting {
                step_id: next.id.clone(),
                on,
            };
        }
        Plan::Due(step_of(
            next.id.clone(),
            next.kind,
            next.channel,
            &next.template,
            proposals(next, case, today),
        ))
    }
}

/// What a promise to pay asks of the run, if anything.
enum PromisePlan {
    /// The path waits until the day after the promised day: a customer keeping their word is
    /// not pressed meanwhile.
    Waiting(String, NaiveDate),
    /// The promised day passed without the promised amount: one message about it.
    FollowUp(String, Vec<Proposal>),
}

/// A promise kept, or one already followed up, asks nothing: the path goes on.
fn promise_plan(
    case: &CaseView,
    progress: &CaseProgress<'_>,
    today: NaiveDate,
) -> Option<PromisePlan> {
    let promise = progress.promise?;
    let step_id = promise.step_id();
    if progress.done.iter().any(|done| done.step_id == step_id) {
        return None;
    }
    if today <= promise.due_on {
        return Some(PromisePlan::Waiting(
            step_id,
            promise.due_on + Duration::days(1),
        ));
    }
    if promise.received_minor >= promise.amount_minor {
        return None;
    }
    let contact = Proposal::Contact {
        channel: PROMISE_FOLLOWUP_CHANNEL,
        at: local_instant(case, today, PROMISE_FOLLOWUP_HOUR),
        recipient: Recipient::Customer,
        purpose: reilu_rules::model::ContactPurpose::Payment,
    };
    Some(PromisePlan::FollowUp(step_id, vec![contact]))
}

/// The contact at the step's local hour today, then its fee in the case's currency if the
/// step names an amount in it.
fn proposals(step: &Step, case: &CaseView, today: NaiveDate) -> Vec<Proposal> {
    let Some(channel) = step.channel else {
        return Vec::new();
    };
    let mut proposals = vec![Proposal::Contact {
        channel,
        at: local_instant(case, today, step.send_hour),
        recipient: Recipient::Customer,
        purpose: step.purpose,
    }];
    let currency = case.original_principal.currency();
    let principal_minor = case.original_principal.amount_minor();
    if let Some(fee) = &step.fee
        && let Some(amount_minor) = fee.amount_for(currency.code(), principal_minor)
    {
        proposals.push(Proposal::ChargeFee {
            fee: fee.kind,
            amount: Money::from_minor(amount_minor, currency),
        });
    }
    proposals
}

/// `hour`:00 on `day` in the case's zone, in UTC. An hour the clocks skip (spring forward)
/// becomes the next hour; an hour they repeat (autumn), its first occurrence.
fn local_instant(case: &CaseView, day: NaiveDate, hour: u32) -> DateTime<Utc> {
    let zone = case.time_zone;
    let mut naive = day.and_time(NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or_default());
    // A gap is at most a few hours long; three tries find its end.
    for _ in 0..3 {
        match zone.from_local_datetime(&naive) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => return at.to_utc(),
            LocalResult::None => naive += Duration::hours(1),
        }
    }
    naive.and_utc()
}
