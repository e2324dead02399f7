//! Fees: whether a fee may be charged at all (legal basis, holds, count, timing), and how much
//! at most: the stricter of the law's cap for the claim's size and stage and the house's
//! proportionality caps. A fee over its cap is capped; a cap of nothing denies.

use chrono::Duration;
use reilu_core::Money;

use super::Judgement;
use super::fee_stage::{self, Factor};
use crate::approved::ApprovedAction;
use crate::decision::Change;
use crate::model::FeeKind;
use crate::pack::{Parameter, Rule, Value};

pub(super) fn decide(
    judgement: &mut Judgement<'_>,
    fee: FeeKind,
    amount: Money,
) -> Option<ApprovedAction> {
    if !judgement.valid_amount(amount) {
        return None;
    }
    check_may_charge(judgement, fee);
    if judgement.is_denied() {
        return None;
    }
    explain_stage(judgement, fee);
    let capped = cap_amount(judgement, fee, amount, None)?;
    Some(ApprovedAction::Fee {
        fee,
        amount: capped,
    })
}

/// Everything that forbids a fee outright, whatever its amount.
pub(super) fn check_may_charge(judgement: &mut Judgement<'_>, fee: FeeKind) {
    judgement.deny_for_holds(Parameter::CollectionStoppedBy, "collection.hold");
    judgement.deny_for_holds(Parameter::InterestFrozenBy, "fee.frozen");
    judgement.deny_if_time_barred();
    check_legal_basis(judgement, fee);
    check_count(judgement, fee);
    check_timing(judgement, fee);
    fee_stage::check_demand_after_reminder(judgement, fee);
    fee_stage::check_reminder_agreement(judgement, fee);
}

/// Where a factor multiplies the fee's cap, says which and why.
fn explain_stage(judgement: &mut Judgement<'_>, fee: FeeKind) {
    let Some(factor) = fee_stage::factor(judgement, fee) else {
        return;
    };
    let principal_minor = judgement.case.original_principal.amount_minor();
    let full_minor = judgement
        .rules(Parameter::Fee(fee), judgement.today)
        .filter(|rule| rule.source == factor.rule.source)
        .filter_map(|rule| match &rule.value {
            Value::Cap(cap) => Some(cap.for_principal(principal_minor)),
            _ => None,
        })
        .min();
    if let Some(full_minor) = full_minor {
        let full = Money::from_minor(full_minor, judgement.case.original_principal.currency());
        fee_stage::explain_factor(judgement, fee, &factor, full);
    }
}

/// A fee needs a law rule that caps it (house policy): no basis, no fee.
fn check_legal_basis(judgement: &mut Judgement<'_>, fee: FeeKind) {
    let has_law_cap = judgement
        .rules(Parameter::Fee(fee), judgement.today)
        .any(|rule| rule.source == crate::pack::Source::Law);
    if has_law_cap {
        return;
    }
    if let Some(rule) = judgement.flag(Parameter::ChargesRequireLegalBasis) {
        let params = vec![
            ("fee", fee.as_str().to_owned()),
            ("market", judgement.market().to_string()),
        ];
        judgement.deny(rule, "fee.no_legal_basis", params);
    }
}

fn check_count(judgement: &mut Judgement<'_>, fee: FeeKind) {
    let charged = judgement
        .case
        .fee_history
        .iter()
        .filter(|record| record.kind == fee)
        .count();
    let rules: Vec<&Rule> = judgement
        .rules(Parameter::FeeMaxCount(fee), judgement.today)
        .collect();
    for rule in rules {
        let Value::Count(count) = rule.value else {
            continue;
        };
        if charged >= usize::try_from(count).unwrap_or(usize::MAX) {
            judgement.deny(
                rule,
                "fee.count_reached",
                vec![
                    ("fee", fee.as_str().to_owned()),
                    ("count", count.to_string()),
                ],
            );
        }
    }
}

fn check_timing(judgement: &mut Judgement<'_>, fee: FeeKind) {
    let today = judgement.today;
    let after_due: Vec<&Rule> = judgement
        .rules(Parameter::FeeMinDaysAfterDue(fee), today)
        .collect();
    for rule in after_due {
        let Value::Days(days) = rule.value else {
            continue;
        };
        let allowed_from = judgement.case.due_date + Duration::days(i64::from(days));
        if today < allowed_from {
            judgement.deny(
                rule,
                "fee.too_early",
                vec![
                    ("fee", fee.as_str().to_owned()),
                    ("date", allowed_from.to_string()),
                ],
            );
        }
    }
    let last = judgement
        .case
        .fee_history
        .iter()
        .filter(|record| record.kind == fee)
        .map(|record| record.at)
        .max();
    let Some(last) = last else { return };
    let between: Vec<&Rule> = judgement
        .rules(Parameter::FeeMinDaysBetween(fee), today)
        .collect();
    for rule in between {
        let Value::Days(days) = rule.value else {
            continue;
        };
        let allowed_from = last.with_timezone(&judgement.case.time_zone).date_naive()
            + Duration::days(i64::from(days));
        if today < allowed_from {
            judgement.deny(
                rule,
                "fee.too_early",
                vec![
                    ("fee", fee.as_str().to_owned()),
                    ("date", allowed_from.to_string()),
                ],
            );
        }
    }
}

/// The most the fee may be, with the rule that sets it.
struct Limit<'r> {
    amount_minor: i64,
    rule: &'r Rule,
    key: &'static str,
    /// For a cap on all collection costs together: that total (the limit is what is left).
    total_minor: Option<i64>,
}

/// Caps `amount` to the strictest limit; denies when the limit is nothing. `instalments`
/// is the plan's instalment count, for plan fees.
pub(super) fn cap_amount(
    judgement: &mut Judgement<'_>,
    fee: FeeKind,
    amount: Money,
    instalments: Option<usize>,
) -> Option<Money> {
    let limits = limits(judgement, fee, instalments);
    let strictest = limits.iter().min_by_key(|limit| limit.amount_minor);
    let Some(strictest) = strictest else {
        return Some(amount);
    };
    let fee_name = fee.as_str().to_owned();
    let currency = amount.currency();
    let money = |minor: i64| Money::from_minor(minor, currency).to_string();
    if strictest.amount_minor <= 0 {
        let (key, params) = match strictest.total_minor {
            Some(total) => (
                "fee.total_reached",
                vec![("fee", fee_name), ("total", money(total))],
            ),
            None => ("fee.not_allowed", vec![("fee", fee_name)]),
        };
        judgement.deny(strictest.rule, key, params);
        return None;
    }
    let cap = Money::from_minor(strictest.amount_minor, currency);
    if amount.amount_minor() <= strictest.amount_minor {
        let params = vec![("fee", fee_name), ("cap", cap.to_string())];
        judgement.applied(strictest.rule, "fee.within_cap", params);
        return Some(amount);
    }
    // What the total leaves is charged, so the message names both the remainder and the total.
    let (key, mut params) = (
        strictest.key,
        vec![("fee", fee_name), ("cap", cap.to_string())],
    );
    if let Some(total) = strictest.total_minor {
        params.push(("total", money(total)));
    }
    judgement.changed(strictest.rule, key, params);
    judgement.changes.push(Change {
        field: "amount",
        from: amount.to_string(),
        to: cap.to_string(),
    });
    Some(cap)
}

fn limits<'g>(
    judgement: &Judgement<'g>,
    fee: FeeKind,
    instalments: Option<usize>,
) -> Vec<Limit<'g>> {
    let principal_minor = judgement.case.original_principal.amount_minor();
    let today = judgement.today;
    let mut limits = Vec::new();
    let factor: Option<Factor<'g>> = fee_stage::factor(judgement, fee);
    for rule in judgement.rules(Parameter::Fee(fee), today) {
        if let Value::Cap(cap) = &rule.value {
            let mut amount_minor = cap.for_principal(principal_minor);
            // The stage's factor multiplies the caps of its own source's table (the law's).
            // A factored fee is one fee for the matter that grows with the stage (the RVG
            // business fee, the Norwegian salær): what was charged for it already counts.
            if let Some(factor) = factor.as_ref().filter(|f| f.rule.source == rule.source) {
                let scaled_minor = fee_stage::scaled(amount_minor, factor.factor_bp);
                amount_minor = remaining(scaled_minor, charged_of_kind(judgement, fee));
            }
            limits.push(Limit {
                amount_minor,
                rule,
                key: "fee.capped",
                total_minor: None,
            });
        }
    }
    if let Some(count) = instalments {
        for rule in judgement.rules(Parameter::PlanFeeFewInstalments, today) {
            if let Value::FewInstalments {
                count: few,
                amount_minor,
            } = rule.value
                && count <= usize::try_from(few).unwrap_or(0)
            {
                limits.push(Limit {
                    amount_minor,
                    rule,
                    key: "fee.capped",
                    total_minor: None,
                });
            }
        }
    }
    for rule in judgement.rules(Parameter::FeeMaxPercentOfPrincipal, today) {
        if let Value::Percent(bp) = rule.value {
            limits.push(Limit {
                amount_minor: share_of(principal_minor, bp),
                rule,
                key: "fee.capped_proportion",
                total_minor: None,
            });
        }
    }
    limits.extend(total_limits(judgement));
    limits
}

/// What is left under the caps on all collection costs together.
fn total_limits<'g>(judgement: &Judgement<'g>) -> Vec<Limit<'g>> {
    let principal_minor = judgement.case.original_principal.amount_minor();
    let charged_minor: i64 = judgement
        .case
        .fee_history
        .iter()
        .map(|record| record.amount.amount_minor())
        .sum();
    let mut limits = Vec::new();
    for rule in judgement.rules(Parameter::FeeTotal, judgement.today) {
        if let Value::Cap(cap) = &rule.value {
            let total_minor = cap.for_principal(principal_minor);
            limits.push(Limit {
                amount_minor: remaining(total_minor, charged_minor),
                rule,
                key: "fee.capped_to_total",
                total_minor: Some(total_minor),
            });
        }
    }
    for rule in judgement.rules(Parameter::FeeTotalMaxPercentOfPrincipal, judgement.today) {
        if let Value::Percent(bp) = rule.value {
            let total = share_of(principal_minor, bp);
            limits.push(Limit {
                amount_minor: remaining(total, charged_minor),
                rule,
                key: "fee.capped_to_total",
                total_minor: Some(total),
            });
        }
    }
    limits
}

/// What fees of this kind the case has been charged so far, in minor units.
fn charged_of_kind(judgement: &Judgement<'_>, fee: FeeKind) -> i64 {
    judgement
        .case
        .fee_history
        .iter()
        .filter(|record| record.kind == fee)
        .map(|record| record.amount.amount_minor())
        .sum()
}

fn remaining(total_minor: i64, charged_minor: i64) -> i64 {
    total_minor.saturating_sub(charged_minor).max(0)
}

/// `bp` basis points of an amount, rounded down: a cap never rounds up in the creditor's favour.
pub(super) fn share_of(amount_minor: i64, bp: u32) -> i64 {
    let share = i128::from(amount_minor) * i128::from(bp) / 10_000;
    i64::try_from(share).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::Cap;

    #[test]
    fn shares_round_down() {
        assert_eq!(share_of(10_001, 5_000), 5_000);
        assert_eq!(share_of(12_345, 10_000), 12_345);
        assert_eq!(share_of(0, 10_000), 0);
    }

    #[test]
    fn caps_are_used_by_principal() {
        let cap = Cap::Amount { amount_minor: 500 };
        assert_eq!(cap.for_principal(1), 500);
    }
}
