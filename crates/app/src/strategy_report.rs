//! The champion/challenger report: per strategy and path, one row per variant with what its
//! cases did — how many paid and how much, how often they were contacted, the fees charged,
//! the complaints and disputes raised. The store groups in SQL (see
//! `reilu_store::Store::strategy_outcomes`); this module only shapes the few rows it returns.
//!
//! Broken payment plans are not counted: Reilu keeps no record of a plan or its instalments yet
//! (a plan is only a `payment_plan` fee charged), so the column is `null` ("n/a").

use std::collections::BTreeMap;

use reilu_store::{Store, StrategyOutcomeRows, VariantMoneyRow};
use reilu_strategy::{Strategy, StrategySet};
use serde::Serialize;

use crate::{App, AppResult};

/// Said in the report where broken plans would be counted.
pub const PLANS_BROKEN_NOTE: &str = "n/a: payment plans and their instalments are not recorded yet, so broken plans cannot be counted";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategyReport {
    pub paths: Vec<PathOutcomes>,
    pub plans_broken: &'static str,
}

/// One strategy's path (as each case entered it: the path of its first step).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathOutcomes {
    pub strategy: String,
    pub path: String,
    pub variants: Vec<VariantOutcomes>,
}

/// One variant's cases on a path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantOutcomes {
    /// None: the strategy has no variants.
    pub variant: Option<String>,
    /// The share the strategy gives the variant, when the strategy is among those loaded.
    pub share_percent: Option<u32>,
    pub cases: i64,
    /// Cases with any payment posted after their first step.
    pub paid_cases: i64,
    /// `paid_cases / cases`, 0 when there are none (a ratio, not money).
    pub paid_share: f64,
    /// What those payments came to, per currency (minor units).
    pub paid: Vec<MoneyTotal>,
    /// Contacts approved and made on the cases.
    pub contacts: i64,
    pub contacts_per_case: f64,
    pub fees_charged: i64,
    pub fees: Vec<MoneyTotal>,
    pub complaints: i64,
    pub disputes: i64,
    /// Always None: see [`PLANS_BROKEN_NOTE`].
    pub plans_broken: Option<i64>,
}

/// Money in one currency: `count` payments' cases or fees, and their sum in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyTotal {
    pub currency: String,
    pub count: i64,
    pub amount_minor: i64,
}

type Key = (String, String);

impl<S: Store> App<S> {
    /// The report over every case with a step done. `strategies` adds the shares of the
    /// variants and lists a variant that no case of a path has reached yet.
    pub async fn strategy_report(&self, strategies: &StrategySet) -> AppResult<StrategyReport> {
        let rows = self.store.strategy_outcomes().await?;
        Ok(build_report(rows, strategies))
    }
}

/// Shapes the store's rows into the report; pure.
pub fn build_report(rows: StrategyOutcomeRows, strategies: &StrategySet) -> StrategyReport {
    let loaded = loaded_strategies(strategies);
    let mut paths: BTreeMap<Key, BTreeMap<String, VariantOutcomes>> = BTreeMap::new();
    for row in rows.counts {
        let share = share_of(&loaded, &row.strategy, &row.variant);
        let mut outcomes = empty_variant(&row.variant, share);
        outcomes.cases = row.cases;
        outcomes.contacts = row.contacts;
        outcomes.complaints = row.complaints;
        outcomes.disputes = row.disputes;
        paths
            .entry((row.strategy, row.path))
            .or_default()
            .insert(row.variant, outcomes);
    }
    for ((strategy, _), variants) in paths.iter_mut() {
        let Some(declared) = loaded.get(strategy.as_str()) else {
            continue;
        };
        for variant in &declared.variants {
            variants
                .entry(variant.name.clone())
                .or_insert_with(|| empty_variant(&variant.name, Some(variant.share_percent)));
        }
    }
    add_money(&mut paths, rows.payments, |outcomes, total| {
        outcomes.paid_cases += total.count;
        outcomes.paid.push(total);
    });
    add_money(&mut paths, rows.fees, |outcomes, total| {
        outcomes.fees_charged += total.count;
        outcomes.fees.push(total);
    });
    let paths = paths
        .into_iter()
        .map(|((strategy, path), variants)| PathOutcomes {
            strategy,
            path,
            variants: variants.into_values().map(with_ratios).collect(),
        })
        .collect();
    StrategyReport {
        paths,
        plans_broken: PLANS_BROKEN_NOTE,
    }
}

fn loaded_strategies(strategies: &StrategySet) -> BTreeMap<&str, &Strategy> {
    let markets = strategies.own_markets();
    std::iter::once(strategies.house())
        .chain(markets.iter().map(|market| strategies.for_market(*market)))
        .map(|strategy| (strategy.id.as_str(), strategy))
        .collect()
}

fn share_of(loaded: &BTreeMap<&str, &Strategy>, strategy: &str, variant: &str) -> Option<u32> {
    loaded.get(strategy).and_then(|strategy| {
        strategy
            .variants
            .iter()
            .find(|declared| declared.name == variant)
            .map(|declared| declared.share_percent)
    })
}

fn empty_variant(variant: &str, share_percent: Option<u32>) -> VariantOutcomes {
    VariantOutcomes {
        variant: (!variant.is_empty()).then(|| variant.to_owned()),
        share_percent,
        cases: 0,
        paid_cases: 0,
        paid_share: 0.0,
        paid: Vec::new(),
        contacts: 0,
        contacts_per_case: 0.0,
        fees_charged: 0,
        fees: Vec::new(),
        complaints: 0,
        disputes: 0,
        plans_broken: None,
    }
}

/// Adds per-currency money rows to their variants (every such row's variant has cases, so it
/// is there already).
fn add_money(
    paths: &mut BTreeMap<Key, BTreeMap<String, VariantOutcomes>>,
    rows: Vec<VariantMoneyRow>,
    mut add: impl FnMut(&mut VariantOutcomes, MoneyTotal),
) {
    for row in rows {
        let variants = paths.entry((row.strategy, row.path)).or_default();
        let outcomes = variants
            .entry(row.variant.clone())
            .or_insert_with(|| empty_variant(&row.variant, None));
        let total = MoneyTotal {
            currency: row.currency,
            count: row.count,
            amount_minor: row.amount_minor,
        };
        add(outcomes, total);
    }
}

fn with_ratios(mut outcomes: VariantOutcomes) -> VariantOutcomes {
    outcomes.paid_share = ratio(outcomes.paid_cases, outcomes.cases);
    outcomes.contacts_per_case = ratio(outcomes.contacts, outcomes.cases);
    outcomes
}

/// `part / whole` rounded to four decimals; 0 for no whole.
fn ratio(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    // Counts of cases stay far below 2^53, so the conversions are exact.
    let value = part as f64 / whole as f64;
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use reilu_store::{StrategyOutcomeRows, VariantCountsRow, VariantMoneyRow};
    use reilu_strategy::StrategySet;

    use super::build_report;

    fn money(variant: &str, currency: &str, count: i64, amount_minor: i64) -> VariantMoneyRow {
        VariantMoneyRow {
            strategy: "fi-2026-12".into(),
            path: "consumer".into(),
            variant: variant.into(),
            currency: currency.into(),
            count,
            amount_minor,
        }
    }

    #[test]
    fn a_variant_without_cases_is_listed_with_its_share_and_ratios_are_per_case() {
        let strategies = StrategySet::builtin().unwrap_or_else(|e| panic!("{e}"));
        let rows = StrategyOutcomeRows {
            counts: vec![VariantCountsRow {
                strategy: "fi-2026-12".into(),
                path: "consumer".into(),
                variant: "champion".into(),
                cases: 8,
                contacts: 12,
                complaints: 1,
                disputes: 0,
            }],
            payments: vec![money("champion", "EUR", 2, 15_000)],
            fees: vec![money("champion", "EUR", 8, 4_000)],
        };
        let report = build_report(rows, &strategies);
        assert_eq!(report.paths.len(), 1);
        let variants = &report.paths[0].variants;
        let names: Vec<Option<&str>> = variants.iter().map(|v| v.variant.as_deref()).collect();
        assert_eq!(names, [Some("champion"), Some("email-reminder")]);
        let champion = &variants[0];
        assert_eq!(champion.share_percent, Some(80));
        assert_eq!((champion.paid_cases, champion.paid_share), (2, 0.25));
        assert_eq!(champion.contacts_per_case, 1.5);
        assert_eq!(
            (champion.fees_charged, champion.fees[0].amount_minor),
            (8, 4_000)
        );
        assert_eq!(champion.plans_broken, None);
        let challenger = &variants[1];
        assert_eq!((challenger.cases, challenger.share_percent), (0, Some(20)));
        assert_eq!(challenger.paid_share, 0.0);
    }
}
