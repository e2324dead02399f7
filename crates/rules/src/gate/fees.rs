//! Fees: whether a fee may be charged at all (legal basis, holds, count, timing), and how much
//! at most: the stricter of the law's cap for the claim's size and stage and the house's
//! proportionality caps. A fee over its cap is capped; a cap of nothing denies.

use chrono::Duration;
use reilu_core::Money;

use super::Judgement;
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
    if strictest.amount_minor <= 0 {
        let key = if strictest.key == "fee.total_reached" {
            "fee.total_reached"
        } else {
            "fee.not_allowed"
        };
        judgement.deny(strictest.rule, key, vec![("fee", fee_name)]);
        return None;
    }
    let cap = Money::from_minor(strictest.amount_minor, currency);
    if amount.amount_minor() > strictest.amount_minor {
        judgement.changed(
            strictest.rule,
            strictest.key,
            vec![("fee", fee_name), ("cap", cap.to_string())],
        );
        judgement.changes.push(Change {
            field: "amount",
            from: amount.to_string(),
            to: cap.to_string(),
        });
        return Some(cap);
    }
    judgement.applied(
        strictest.rule,
        "fee.within_cap",
        vec![("fee", fee_name), ("cap", cap.to_string())],
    );
    Some(amount)
}

fn limits<'g>(
    judgement: &Judgement<'g>,
    fee: FeeKind,
    instalments: Option<usize>,
) -> Vec<Limit<'g>> {
    let principal_minor = judgement.case.original_principal.amount_minor();
    let today = judgement.today;
    let mut limits = Vec::new();
    for rule in judgement.rules(Parameter::Fee(fee), today) {
        if let Value::Cap(cap) = &rule.value {
            limits.push(Limit {
                amount_minor: cap.for_principal(principal_minor),
                rule,
                key: "fee.capped",
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
            limits.push(Limit {
                amount_minor: remaining(cap.for_principal(principal_minor), charged_minor),
                rule,
                key: "fee.total_reached",
            });
        }
    }
    for rule in judgement.rules(Parameter::FeeTotalMaxPercentOfPrincipal, judgement.today) {
        if let Value::Percent(bp) = rule.value {
            let total = share_of(principal_minor, bp);
            limits.push(Limit {
                amount_minor: remaining(total, charged_minor),
                rule,
                key: "fee.total_reached",
            });
        }
    }
    limits
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
