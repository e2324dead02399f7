//! Payment plans: they must add up to what is owed, be affordable by the customer's own
//! income and expense statement (leaving a protected living amount), carry no setup fee above
//! the law's and the house's caps, and not be pressed while collection is on hold.

use reilu_core::Money;

use super::{Judgement, fees};
use crate::approved::ApprovedAction;
use crate::decision::Change;
use crate::model::{FeeKind, IncomeExpense, Instalment};
use crate::pack::{Parameter, Value};
use reilu_core::CustomerKind;

/// More instalments than this is not a plan but a bug upstream.
const INSTALMENTS_MAX: usize = 120;

pub(super) fn decide(
    judgement: &mut Judgement<'_>,
    instalments: &[Instalment],
    statement: Option<&IncomeExpense>,
    setup_fee: Money,
) -> Option<ApprovedAction> {
    if !well_formed(judgement, instalments, setup_fee) {
        return None;
    }
    judgement.deny_for_holds(Parameter::CollectionStoppedBy, "collection.hold");
    judgement.deny_if_time_barred();
    super::contact::check_agent(judgement);
    if judgement.case.customer_kind == CustomerKind::Consumer {
        check_affordable(judgement, instalments, statement);
    }
    if judgement.is_denied() {
        return None;
    }
    let setup_fee = plan_fee(judgement, setup_fee, instalments.len())?;
    refer_to_debt_advice(judgement);
    Some(ApprovedAction::PaymentPlan {
        instalments: instalments.to_vec(),
        setup_fee,
    })
}

/// Dates strictly rising from today, amounts positive in the case's currency, adding up to
/// the balance.
fn well_formed(
    judgement: &mut Judgement<'_>,
    instalments: &[Instalment],
    setup_fee: Money,
) -> bool {
    let currency = judgement.case.original_principal.currency();
    let rising = instalments.windows(2).all(|pair| pair[0].due < pair[1].due);
    let from_today = instalments
        .first()
        .is_some_and(|first| first.due >= judgement.today);
    let amounts_ok = instalments.iter().all(|instalment| {
        instalment.amount.is_positive() && instalment.amount.currency() == currency
    });
    let total_minor: i64 = instalments
        .iter()
        .map(|instalment| instalment.amount.amount_minor())
        .sum();
    let owed_minor = owed(judgement);
    let fee_ok = setup_fee.currency() == currency && setup_fee.amount_minor() >= 0;
    let count_ok = !instalments.is_empty() && instalments.len() <= INSTALMENTS_MAX;
    if count_ok && rising && from_today && amounts_ok && fee_ok && total_minor == owed_minor {
        return true;
    }
    let params = vec![
        (
            "total",
            Money::from_minor(total_minor, currency).to_string(),
        ),
        ("owed", Money::from_minor(owed_minor, currency).to_string()),
    ];
    judgement.reject_input("plan.invalid", params);
    false
}

fn owed(judgement: &Judgement<'_>) -> i64 {
    let balances = &judgement.case.balances;
    [
        balances.principal,
        balances.interest,
        balances.collection_costs,
        balances.creditor_fees,
    ]
    .iter()
    .map(Money::amount_minor)
    .sum()
}

/// A consumer's plan is sized from their statement: the largest monthly amount may take only
/// the house's share of income left after essential expenses.
fn check_affordable(
    judgement: &mut Judgement<'_>,
    instalments: &[Instalment],
    statement: Option<&IncomeExpense>,
) {
    let Some(rule) = judgement
        .rules(Parameter::PlanMaxPercentOfDisposable, judgement.today)
        .next()
    else {
        return;
    };
    let Value::Percent(bp) = rule.value else {
        return;
    };
    let Some(statement) = statement else {
        judgement.deny(rule, "plan.needs_statement", Vec::new());
        return;
    };
    let currency = judgement.case.original_principal.currency();
    let disposable_minor =
        statement.monthly_income.amount_minor() - statement.monthly_expenses.amount_minor();
    if disposable_minor <= 0 {
        judgement.deny(rule, "plan.no_disposable_income", Vec::new());
        return;
    }
    let affordable_minor = fees::share_of(disposable_minor, bp);
    let largest_minor = largest_monthly(instalments);
    let affordable = Money::from_minor(affordable_minor, currency).to_string();
    if largest_minor > affordable_minor {
        let params = vec![
            (
                "largest",
                Money::from_minor(largest_minor, currency).to_string(),
            ),
            ("affordable", affordable),
        ];
        judgement.deny(rule, "plan.unaffordable", params);
    } else {
        judgement.applied(rule, "plan.affordable", vec![("affordable", affordable)]);
    }
}

/// The most due in any calendar month.
fn largest_monthly(instalments: &[Instalment]) -> i64 {
    use chrono::Datelike;
    let mut by_month: Vec<((i32, u32), i64)> = Vec::new();
    for instalment in instalments {
        let month = (instalment.due.year(), instalment.due.month());
        match by_month.iter_mut().find(|(key, _)| *key == month) {
            Some((_, sum)) => *sum += instalment.amount.amount_minor(),
            None => by_month.push((month, instalment.amount.amount_minor())),
        }
    }
    by_month.iter().map(|(_, sum)| *sum).max().unwrap_or(0)
}

/// The setup fee, capped (the house allows none, so any fee becomes zero).
fn plan_fee(judgement: &mut Judgement<'_>, setup_fee: Money, instalments: usize) -> Option<Money> {
    if !setup_fee.is_positive() {
        return Some(setup_fee);
    }
    let zero = Money::zero(setup_fee.currency());
    let denials_before = judgement.reasons.len();
    let capped = fees::cap_amount(
        judgement,
        FeeKind::PaymentPlan,
        setup_fee,
        Some(instalments),
    );
    match capped {
        Some(capped) => Some(capped),
        None => {
            // A plan fee that may not be charged does not sink the plan: the plan goes ahead
            // without it. The refusal becomes a change.
            for reason in judgement.reasons.iter_mut().skip(denials_before) {
                reason.outcome = crate::decision::Outcome::Changed;
                reason.message_key = "plan.fee_waived";
            }
            judgement.changes.push(Change {
                field: "setup_fee",
                from: setup_fee.to_string(),
                to: zero.to_string(),
            });
            Some(zero)
        }
    }
}

/// Tells the customer where free public debt advice is, on every plan.
fn refer_to_debt_advice(judgement: &mut Judgement<'_>) {
    let Some(rule) = judgement
        .rules(Parameter::DebtAdvice, judgement.today)
        .next()
    else {
        return;
    };
    if let Value::Advice { body, url } = &rule.value {
        let params = vec![("body", body.clone()), ("url", url.clone())];
        judgement.applied(rule, "plan.debt_advice", params);
    }
}
