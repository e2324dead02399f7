//! Late-payment interest: accrued day by day at the statutory rate in force on each day
//! (the rule packs carry one rate per period). Day count Actual/365 Fixed: each day earns
//! principal × rate / 365, whether or not the year is a leap year. The sum over the period is
//! computed exactly in i128 (basis-point-minor-units) and rounded half up once, at the end.
//! A day with no rate encoded is never guessed: the accrual is refused and says which day.

use chrono::{Duration, NaiveDate};
use reilu_core::Money;

use super::Judgement;
use crate::approved::ApprovedAction;
use crate::pack::{Parameter, Rule, Value};

/// The longest period one accrual may cover: accrual runs daily or monthly; ten years would
/// be a bug upstream.
const ACCRUAL_DAYS_MAX: i64 = 3660;
const DAYS_PER_YEAR: i128 = 365;

pub(super) fn decide(
    judgement: &mut Judgement<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<ApprovedAction> {
    let days = (to - from).num_days();
    if days <= 0 || days > ACCRUAL_DAYS_MAX || to > judgement.today + Duration::days(1) {
        let params = vec![("from", from.to_string()), ("to", to.to_string())];
        judgement.reject_input("interest.invalid_period", params);
        return None;
    }
    judgement.deny_for_holds(Parameter::InterestFrozenBy, "interest.frozen");
    judgement.deny_if_time_barred();
    if judgement.is_denied() {
        return None;
    }
    let principal_minor = judgement.case.balances.principal.amount_minor();
    let accrued = accrue(judgement, from, to, principal_minor)?;
    let amount = Money::from_minor(accrued, judgement.case.balances.principal.currency());
    Some(ApprovedAction::Interest { from, to, amount })
}

/// Interest on `principal_minor` for each day in `[from, to)`, or None (with a reason) if a
/// day has no statutory rate.
fn accrue(
    judgement: &mut Judgement<'_>,
    from: NaiveDate,
    to: NaiveDate,
    principal_minor: i64,
) -> Option<i64> {
    let mut total_bp_minor_days: i128 = 0;
    let mut day = from;
    let mut rules_used: Vec<&Rule> = Vec::new();
    while day < to {
        let Some((rule, rate_bp)) = rate_on(judgement, day) else {
            deny_missing_rate(judgement, day);
            return None;
        };
        if !rules_used.iter().any(|used| used.id == rule.id) {
            rules_used.push(rule);
        }
        total_bp_minor_days += i128::from(principal_minor) * i128::from(rate_bp);
        day += Duration::days(1);
    }
    let divisor = 10_000 * DAYS_PER_YEAR;
    let rounded = (total_bp_minor_days + divisor / 2) / divisor;
    let accrued = i64::try_from(rounded).ok()?;
    for rule in rules_used {
        let Value::Percent(bp) = rule.value else {
            continue;
        };
        let params = vec![
            ("rate", format_percent(bp)),
            ("from", rule.effective_from.to_string()),
        ];
        judgement.applied(rule, "interest.rate", params);
    }
    Some(accrued)
}

/// The law's rate for a day: the first law rule in force (packs do not overlap periods).
fn rate_on<'g>(judgement: &Judgement<'g>, day: NaiveDate) -> Option<(&'g Rule, u32)> {
    judgement
        .rules(Parameter::InterestLateRate, day)
        .find_map(|rule| match rule.value {
            Value::Percent(bp) => Some((rule, bp)),
            _ => None,
        })
}

fn deny_missing_rate(judgement: &mut Judgement<'_>, day: NaiveDate) {
    // No rule carries a missing rate, so the reason cites the house's refusal to guess.
    if let Some(rule) = judgement.flag(Parameter::ChargesRequireLegalBasis) {
        let params = vec![
            ("date", day.to_string()),
            ("market", judgement.market().to_string()),
        ];
        judgement.deny(rule, "interest.no_rate", params);
    }
}

/// 1150 → "11.50".
pub(super) fn format_percent(bp: u32) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_show_two_decimals() {
        assert_eq!(format_percent(1150), "11.50");
        assert_eq!(format_percent(5), "0.05");
    }
}
