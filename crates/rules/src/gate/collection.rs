//! The heavier steps: legal escalation, selling the debt, writing off, waiving.

use chrono::Duration;
use reilu_core::Money;

use super::Judgement;
use crate::approved::ApprovedAction;
use crate::model::Actor;
use crate::pack::{Parameter, Value};

/// Legal steps need an agent and a second, different approver; no holds, no vulnerability, no
/// time bar; and a first demand whose time to pay has run out.
pub(super) fn escalate(
    judgement: &mut Judgement<'_>,
    second_approver: Option<&str>,
) -> Option<ApprovedAction> {
    check_four_eyes(judgement, second_approver);
    super::contact::check_agent(judgement);
    judgement.deny_for_holds(Parameter::CollectionStoppedBy, "collection.hold");
    judgement.deny_if_time_barred();
    if judgement.case.vulnerable
        && let Some(rule) = judgement.flag(Parameter::VulnerabilityTrainedOnly)
    {
        judgement.deny(rule, "escalation.vulnerable", Vec::new());
    }
    check_demand_period(judgement);
    if judgement.is_denied() {
        return None;
    }
    Some(ApprovedAction::Escalation)
}

/// The first demand was sent and the longest time to pay any rule requires has passed.
fn check_demand_period(judgement: &mut Judgement<'_>) {
    let rules: Vec<_> = judgement
        .rules(Parameter::DemandDaysToPay, judgement.today)
        .collect();
    let Some(longest) = rules.iter().max_by_key(|rule| match rule.value {
        Value::Days(days) => days,
        _ => 0,
    }) else {
        return;
    };
    let Value::Days(days) = longest.value else {
        return;
    };
    let Some(sent_at) = judgement.case.first_demand_sent_at else {
        judgement.deny(longest, "escalation.no_demand", Vec::new());
        return;
    };
    let sent_on = sent_at
        .with_timezone(&judgement.case.time_zone)
        .date_naive();
    let runs_until = sent_on + Duration::days(i64::from(days));
    if judgement.today <= runs_until {
        judgement.deny(
            longest,
            "escalation.demand_period_running",
            vec![("date", runs_until.to_string())],
        );
    }
}

fn check_four_eyes(judgement: &mut Judgement<'_>, second_approver: Option<&str>) {
    let Some(rule) = judgement.flag(Parameter::FourEyes) else {
        return;
    };
    let proposer = match &judgement.context.actor {
        Actor::Agent { id, .. } => id.as_str(),
        Actor::System => {
            judgement.deny(rule, "four_eyes.agent_needed", Vec::new());
            return;
        }
    };
    let second = second_approver
        .map(str::trim)
        .filter(|second| !second.is_empty());
    if second.is_none_or(|second| second == proposer) {
        judgement.deny(rule, "four_eyes.second_approver", Vec::new());
    }
}

/// Selling the debt: not while a hold runs or the customer is vulnerable.
pub(super) fn sell(judgement: &mut Judgement<'_>, buyer: &str) -> Option<ApprovedAction> {
    if buyer.trim().is_empty() {
        judgement.reject_input("input.buyer", Vec::new());
        return None;
    }
    super::contact::check_agent(judgement);
    judgement.deny_for_holds(Parameter::CollectionStoppedBy, "collection.hold");
    if judgement.case.vulnerable
        && let Some(rule) = judgement.flag(Parameter::VulnerabilityTrainedOnly)
    {
        judgement.deny(rule, "sale.vulnerable", Vec::new());
    }
    if judgement.is_denied() {
        return None;
    }
    Some(ApprovedAction::Sale {
        buyer: buyer.trim().to_owned(),
    })
}

/// Writing off needs four eyes; it never harms the customer, so nothing else stops it.
pub(super) fn write_off(
    judgement: &mut Judgement<'_>,
    amount: Money,
    second_approver: Option<&str>,
) -> Option<ApprovedAction> {
    if !judgement.valid_amount(amount) {
        return None;
    }
    check_four_eyes(judgement, second_approver);
    if judgement.is_denied() {
        return None;
    }
    Some(ApprovedAction::WriteOff { amount })
}

/// Waiving part of the debt is always allowed.
pub(super) fn waive(judgement: &mut Judgement<'_>, amount: Money) -> Option<ApprovedAction> {
    if !judgement.valid_amount(amount) {
        return None;
    }
    Some(ApprovedAction::Waiver { amount })
}
