//! Where a case stands in collection, for fees: the last reminder (a payment demand's fee waits
//! for it), an agreed reminder fee, and the stage that sets a fee's factor (the German RVG
//! rate, the Norwegian heavy rate). All dates are the customer's local dates.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use reilu_core::Money;

use super::Judgement;
use crate::model::FeeKind;
use crate::pack::{FactorStep, FactorWhen, Parameter, Rule, Value};

impl Judgement<'_> {
    /// An instant's date in the customer's zone.
    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.case.time_zone).date_naive()
    }
}

/// The day the last reminder was sent: the later of the case's record of it and the last
/// reminder fee charged.
fn last_reminder_on(judgement: &Judgement<'_>) -> Option<NaiveDate> {
    let charged = judgement
        .case
        .fee_history
        .iter()
        .filter(|record| record.kind == FeeKind::Reminder)
        .map(|record| record.at);
    let sent = charged.chain(judgement.case.last_reminder_sent_at).max()?;
    Some(judgement.local_date(sent))
}

/// A payment demand's fee only after a reminder, and only once `days` whole days lie between
/// the reminder's day and the demand's: FI (KKV 21.10.2024: never on the 14th day after the
/// previous letter) and NO (only once the reminder's deadline of at least 14 days has passed).
pub(super) fn check_demand_after_reminder(judgement: &mut Judgement<'_>, fee: FeeKind) {
    if fee != FeeKind::Demand {
        return;
    }
    let rules: Vec<&Rule> = judgement
        .rules(Parameter::DemandMinDaysAfterReminder, judgement.today)
        .collect();
    let last = last_reminder_on(judgement);
    for rule in rules {
        let Value::Days(days) = rule.value else {
            continue;
        };
        let Some(sent_on) = last else {
            judgement.deny(rule, "fee.demand_needs_reminder", Vec::new());
            continue;
        };
        let allowed_from = sent_on + Duration::days(i64::from(days) + 1);
        if judgement.today < allowed_from {
            let params = vec![
                ("reminder", sent_on.to_string()),
                ("days", days.to_string()),
                ("date", allowed_from.to_string()),
            ];
            judgement.deny(rule, "fee.demand_too_soon_after_reminder", params);
        }
    }
}

/// A reminder fee only where it was agreed when the debt arose (SE: lag 1981:739 2 §).
pub(super) fn check_reminder_agreement(judgement: &mut Judgement<'_>, fee: FeeKind) {
    if fee != FeeKind::Reminder || judgement.case.reminder_fee_agreed {
        return;
    }
    if let Some(rule) = judgement.flag(Parameter::ReminderFeeNeedsAgreement) {
        judgement.deny(rule, "fee.reminder_not_agreed", Vec::new());
    }
}

/// The facts about the first payment demand that decide a fee's stage.
struct DemandFacts {
    /// The last day of the first demand's time to pay, if a demand was sent.
    deadline: Option<NaiveDate>,
    /// A contact after that day, or a repeat demand's fee after the first demand.
    further_demand: bool,
    today: NaiveDate,
}

impl DemandFacts {
    fn of(judgement: &Judgement<'_>) -> Self {
        let today = judgement.today;
        let Some(sent_at) = judgement.case.first_demand_sent_at else {
            return DemandFacts {
                deadline: None,
                further_demand: false,
                today,
            };
        };
        let sent_on = judgement.local_date(sent_at);
        // The longest time to pay any rule requires, as for legal steps.
        let days = judgement
            .rules(Parameter::DemandDaysToPay, today)
            .filter_map(|rule| match rule.value {
                Value::Days(days) => Some(days),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let deadline = sent_on + Duration::days(i64::from(days));
        let contact_after = judgement
            .case
            .contact_history
            .iter()
            .any(|record| judgement.local_date(record.at) > deadline);
        let repeat_after = judgement.case.fee_history.iter().any(|record| {
            record.kind == FeeKind::RepeatDemand && judgement.local_date(record.at) > sent_on
        });
        DemandFacts {
            deadline: Some(deadline),
            further_demand: today > deadline && (contact_after || repeat_after),
            today,
        }
    }

    fn meets(&self, when: FactorWhen) -> bool {
        match when {
            FactorWhen::Otherwise => true,
            FactorWhen::FurtherDemand => self.further_demand,
            FactorWhen::DemandOverdue { days } => self
                .deadline
                .is_some_and(|deadline| self.today > deadline + Duration::days(i64::from(days))),
        }
    }
}

/// The factor a fee's cap is multiplied by at the case's stage, with the rule that sets it.
pub(super) struct Factor<'g> {
    pub rule: &'g Rule,
    pub factor_bp: u32,
    /// The step that applies, and the next one (whose condition is not met).
    step: FactorStep,
    next: Option<FactorStep>,
    deadline: Option<NaiveDate>,
}

/// The last step of the fee's factor rule whose condition the case meets.
pub(super) fn factor<'g>(judgement: &Judgement<'g>, fee: FeeKind) -> Option<Factor<'g>> {
    let rule = judgement
        .rules(Parameter::FeeFactors(fee), judgement.today)
        .next()?;
    let Value::Factors(steps) = &rule.value else {
        return None;
    };
    let facts = DemandFacts::of(judgement);
    let index = steps.iter().rposition(|step| facts.meets(step.when))?;
    let step = *steps.get(index)?;
    Some(Factor {
        rule,
        factor_bp: step.factor_bp,
        step,
        next: steps.get(index + 1).copied(),
        deadline: facts.deadline,
    })
}

/// `amount_minor` × the factor, rounded down: a cap never rounds up in the creditor's favour.
pub(super) fn scaled(amount_minor: i64, factor_bp: u32) -> i64 {
    let scaled = i128::from(amount_minor) * i128::from(factor_bp) / 10_000;
    i64::try_from(scaled).unwrap_or(i64::MAX)
}

/// 9_000 → "0.9", 20_000 → "2".
fn factor_text(factor_bp: u32) -> String {
    let whole = factor_bp / 10_000;
    let fraction = factor_bp % 10_000;
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:04}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// Says which factor applied and why: the stage's facts, the statutory fee and the result.
pub(super) fn explain_factor(
    judgement: &mut Judgement<'_>,
    fee: FeeKind,
    factor: &Factor<'_>,
    full: Money,
) {
    let cap = Money::from_minor(
        scaled(full.amount_minor(), factor.factor_bp),
        full.currency(),
    );
    let mut params = vec![
        ("fee", fee.as_str().to_owned()),
        ("factor", factor_text(factor.factor_bp)),
        ("full", full.to_string()),
        ("cap", cap.to_string()),
    ];
    let deadline = factor
        .deadline
        .map(|day| day.to_string())
        .unwrap_or_default();
    let key = match (factor.step.when, factor.next.map(|next| next.when)) {
        (FactorWhen::FurtherDemand, _) => {
            params.push(("date", deadline));
            "fee.factor_further_demand"
        }
        (FactorWhen::DemandOverdue { days }, _) => {
            params.extend([("date", deadline), ("days", days.to_string())]);
            "fee.factor_demand_overdue"
        }
        (FactorWhen::Otherwise, Some(FactorWhen::FurtherDemand)) => "fee.factor_simple_case",
        (FactorWhen::Otherwise, Some(FactorWhen::DemandOverdue { days })) => {
            params.push(("days", days.to_string()));
            "fee.factor_not_overdue"
        }
        (FactorWhen::Otherwise, _) => "fee.factor",
    };
    judgement.applied(factor.rule, key, params);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_are_written_without_trailing_zeros() {
        assert_eq!(factor_text(5_000), "0.5");
        assert_eq!(factor_text(9_000), "0.9");
        assert_eq!(factor_text(10_000), "1");
        assert_eq!(factor_text(20_000), "2");
        assert_eq!(factor_text(13_250), "1.325");
    }

    #[test]
    fn scaling_rounds_down() {
        assert_eq!(scaled(5_150, 5_000), 2_575);
        assert_eq!(scaled(3_151, 5_000), 1_575);
        assert_eq!(scaled(60_000, 20_000), 120_000);
    }
}
