//! The order in which a payment pays off a case's components (`payment.allocation_order`).
//! A payment is not proposed to the gate, so no decision applies this rule; the payment import
//! reads it here, through the gate, and the probe of `reilu rules check` counts the rule this
//! returns as applied (`gate::probe`).

use chrono::NaiveDate;
use reilu_core::{CustomerKind, MarketCode};

use super::Gate;
use crate::pack::{Parameter, Rule, Value};

/// The allocation order in force and the rule that sets it.
#[derive(Debug, Clone, Copy)]
pub struct AllocationOrder<'g> {
    pub rule: &'g Rule,
    /// Component names, first paid first (`collection_costs`, `interest`, …).
    pub components: &'g [String],
}

impl Gate {
    /// The market's allocation order on `date`: the law's where it sets one, else the house's.
    pub fn allocation_order(
        &self,
        market: MarketCode,
        kind: CustomerKind,
        date: NaiveDate,
    ) -> Option<AllocationOrder<'_>> {
        self.book
            .rules(market, kind, Parameter::PaymentAllocationOrder, date)
            .find_map(|rule| match &rule.value {
                Value::Items(components) => Some(AllocationOrder { rule, components }),
                _ => None,
            })
    }
}

impl Gate {
    /// The days a payment demand gives to pay in the market on `date`: the longest any rule
    /// in force requires (the law's or the house's; `demand.days_to_pay`), None when no rule
    /// sets it. Messages name the date this gives; the gate enforces the same days between
    /// a demand and what may follow it.
    pub fn days_to_pay(
        &self,
        market: MarketCode,
        kind: CustomerKind,
        date: NaiveDate,
    ) -> Option<u32> {
        self.book
            .rules(market, kind, Parameter::DemandDaysToPay, date)
            .filter_map(|rule| match rule.value {
                Value::Days(days) => Some(days),
                _ => None,
            })
            .max()
    }
}
