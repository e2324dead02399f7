//! The proposals of the mix: contacts, fees, interest accruals, payment plans, escalations
//! and waivers, drawn from the same seeded generator as the portfolio.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use reilu_core::{Currency, CustomerKind, Money};
use reilu_rules::model::{
    Actor, CaseView, Channel, ContactPurpose, FeeKind, IncomeExpense, Instalment, Proposal,
    Recipient,
};

pub(crate) fn money(currency: Currency, minor: i64) -> Money {
    Money::from_minor(minor, currency)
}

/// Contact channels by weight: letter, email, sms, phone, visit.
const CHANNEL_WEIGHTS: [u32; 5] = [15, 30, 25, 25, 5];

pub(crate) fn channel(rng: &mut ChaCha8Rng) -> Channel {
    let total: u32 = CHANNEL_WEIGHTS.iter().sum();
    let mut roll = rng.gen_range(0..total);
    for (channel, weight) in Channel::ALL.into_iter().zip(CHANNEL_WEIGHTS) {
        if roll < weight {
            return channel;
        }
        roll -= weight;
    }
    Channel::Email
}

/// Contacts for now (the daily run) or scheduled up to three days ahead, any hour.
pub(crate) fn contact(rng: &mut ChaCha8Rng, now: DateTime<Utc>) -> Proposal {
    let at = if rng.gen_ratio(9, 20) {
        now
    } else {
        now + Duration::minutes(rng.gen_range(1..72 * 60))
    };
    Proposal::Contact {
        channel: channel(rng),
        at,
        recipient: if rng.gen_ratio(3, 100) {
            Recipient::ThirdParty
        } else {
            Recipient::Customer
        },
        purpose: if rng.gen_ratio(17, 20) {
            ContactPurpose::Payment
        } else {
            ContactPurpose::Service
        },
    }
}

/// The daily run or an agent; half the agents are vulnerability-trained, a few conflicted.
pub(crate) fn actor(rng: &mut ChaCha8Rng) -> Actor {
    if rng.gen_ratio(3, 5) {
        return Actor::System;
    }
    Actor::Agent {
        id: format!("agent-{:02}", rng.gen_range(0..40)),
        vulnerability_trained: rng.gen_bool(0.5),
        conflicted: rng.gen_ratio(1, 50),
    }
}

pub(crate) fn trained_agent(rng: &mut ChaCha8Rng) -> Actor {
    Actor::Agent {
        id: format!("agent-{:02}", rng.gen_range(0..40)),
        vulnerability_trained: true,
        conflicted: false,
    }
}

pub(crate) fn fee(rng: &mut ChaCha8Rng, case: &CaseView) -> Proposal {
    let kinds: &[FeeKind] = match case.customer_kind {
        CustomerKind::Consumer => &[
            FeeKind::Reminder,
            FeeKind::Demand,
            FeeKind::RepeatDemand,
            FeeKind::CollectionCosts,
        ],
        CustomerKind::Business => &[
            FeeKind::Reminder,
            FeeKind::Demand,
            FeeKind::CollectionCosts,
            FeeKind::BusinessCompensation,
        ],
    };
    let currency = case.original_principal.currency();
    Proposal::ChargeFee {
        fee: kinds[rng.gen_range(0..kinds.len())],
        amount: money(currency, rng.gen_range(100..8_000)),
    }
}

/// Daily or monthly accrual up to today.
pub(crate) fn interest(rng: &mut ChaCha8Rng, today: NaiveDate) -> Proposal {
    let days = if rng.gen_bool(0.5) {
        1
    } else {
        rng.gen_range(2..=31)
    };
    Proposal::AccrueInterest {
        from: today - Duration::days(days),
        to: today,
    }
}

/// Monthly instalments that add up to what is owed; most consumers have a statement.
pub(crate) fn plan(rng: &mut ChaCha8Rng, case: &CaseView, today: NaiveDate) -> Proposal {
    let currency = case.original_principal.currency();
    let b = &case.balances;
    let owed = b.principal.amount_minor()
        + b.interest.amount_minor()
        + b.collection_costs.amount_minor()
        + b.creditor_fees.amount_minor();
    let count = rng.gen_range(1..=12_i64).min(owed.max(1));
    let first = today + Duration::days(rng.gen_range(7..21));
    let instalments = (0..count)
        .map(|n| {
            let amount = owed / count + if n == count - 1 { owed % count } else { 0 };
            Instalment {
                due: first + Duration::days(30 * n),
                amount: money(currency, amount),
            }
        })
        .collect();
    let statement = rng.gen_ratio(17, 20).then(|| IncomeExpense {
        monthly_income: money(currency, rng.gen_range(150_000..400_000)),
        monthly_expenses: money(currency, rng.gen_range(80_000..250_000)),
        dependants: rng.gen_range(0..3),
    });
    let setup_fee = money(
        currency,
        if rng.gen_ratio(1, 5) {
            rng.gen_range(500..3_000)
        } else {
            0
        },
    );
    if rng.gen_bool(0.5) {
        Proposal::OfferPaymentPlan {
            instalments,
            statement,
            setup_fee,
        }
    } else {
        Proposal::AcceptPaymentPlan {
            instalments,
            statement,
            setup_fee,
        }
    }
}

pub(crate) fn escalation(rng: &mut ChaCha8Rng) -> Proposal {
    let second_approver = rng
        .gen_ratio(7, 10)
        .then(|| format!("agent-{:02}", rng.gen_range(40..60)));
    Proposal::EscalateToLegal { second_approver }
}

pub(crate) fn waiver(rng: &mut ChaCha8Rng, case: &CaseView) -> Proposal {
    let currency = case.original_principal.currency();
    let amount = money(
        currency,
        rng.gen_range(100..=case.balances.principal.amount_minor().max(100)),
    );
    if rng.gen_ratio(3, 5) {
        Proposal::Waive { amount }
    } else {
        Proposal::WriteOff {
            amount,
            second_approver: rng
                .gen_ratio(4, 5)
                .then(|| format!("agent-{:02}", rng.gen_range(40..60))),
        }
    }
}
