//! `reilu simulate`: what a rule or strategy change would do to the live portfolio before it
//! is live. Days are run forward with the daily run itself, on a throwaway copy of the store
//! (the live store is only read), once with today's gate and strategies (the baseline) and,
//! when a change is proposed, again on a second copy with the proposed ones; the days'
//! summaries are added up per market and the two runs compared, rule by rule.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use reilu_rules::Gate;
use reilu_store::{SqlStore, Store};
use reilu_strategy::StrategySet;
use serde::Serialize;

use crate::daily_run::{FeeTotal, MarketDay, RunDayOutcome, RunDaySummary};
use crate::{App, AppError, AppResult, FixedClock};

/// The longest span simulated in one command: a year (of 366 days). Each day is a whole
/// daily run, twice; longer spans are more likely a typo than a plan.
pub const SIMULATED_DAYS_MAX: i64 = 366;

/// One side of a simulation: the gate (its rule packs and the published rates) and the
/// strategies the days are run with.
#[derive(Clone)]
pub struct Variant<'a> {
    pub gate: Arc<Gate>,
    pub strategies: &'a StrategySet,
}

/// What to simulate: the days `from..=to`, today's variant and, if any, the proposed one.
pub struct SimulationPlan<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub baseline: Variant<'a>,
    pub proposed: Option<Variant<'a>>,
}

/// The outcome: each side's days added up, and the differences when a change was proposed.
#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    pub from: String,
    pub to: String,
    pub baseline: SimulatedDays,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<SimulatedDays>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub differences: Option<Differences>,
}

/// The days of one side, added up. Per-day counts of cases (`cases`, `waiting`, `finished`,
/// `paused`, `for_agents`) are summed over the days run: case-days, not distinct cases.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SimulatedDays {
    /// Days the daily run ran on the copy.
    pub days_run: u64,
    /// Days the live store had run already (their run is on record, so the copy does not
    /// run them again): nothing of theirs is in the counts.
    pub days_finished_before: Vec<String>,
    /// Days a live run had started and not finished (killed): the copy goes on from what
    /// that run committed, so only the rest of the day is in the counts.
    pub days_resumed: Vec<String>,
    pub cases_considered: u64,
    pub interest: InterestDays,
    pub markets: BTreeMap<String, MarketDay>,
}

/// Interest over the days run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InterestDays {
    /// Case accruals (a case accrued on two days counts twice).
    pub accrued: u64,
    pub denied: u64,
    /// Minor units accrued, by currency.
    pub amount_minor: BTreeMap<String, i64>,
    pub denied_by_reason: BTreeMap<String, u64>,
}

/// Proposed less baseline, only where they differ.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Differences {
    /// Denials by rule over every market: the rules a change makes deny more or less.
    pub by_rule: BTreeMap<String, RuleDifference>,
    pub markets: BTreeMap<String, MarketDifference>,
    /// Interest accrued, minor units by currency.
    pub interest_minor: BTreeMap<String, i64>,
}

/// A rule's denials on each side.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct RuleDifference {
    pub baseline: u64,
    pub proposed: u64,
    pub difference: i64,
}

/// One market's counts, proposed less baseline; zero differences are left out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MarketDifference {
    pub steps: BTreeMap<String, i64>,
    pub channels: BTreeMap<String, i64>,
    pub fees_count: BTreeMap<String, i64>,
    pub fees_minor: BTreeMap<String, i64>,
    pub changed: i64,
    pub denied: i64,
    pub denied_by_rule: BTreeMap<String, i64>,
}

impl<S: Store> App<S> {
    /// Runs the plan's days on copies of the store: the baseline, then the proposal if any.
    /// `progress` is told which side and day is being run.
    pub async fn simulate(
        &self,
        plan: &SimulationPlan<'_>,
        progress: &(dyn Fn(&str, NaiveDate) + Sync),
    ) -> AppResult<Simulation> {
        check_span(plan.from, plan.to)?;
        self.journal_simulation_read(plan).await?;
        let baseline = self
            .simulate_side(&plan.baseline, plan, &|day| progress("baseline", day))
            .await?;
        let proposed = match &plan.proposed {
            Some(variant) => Some(
                self.simulate_side(variant, plan, &|day| progress("proposed", day))
                    .await?,
            ),
            None => None,
        };
        let differences = proposed
            .as_ref()
            .map(|proposed| Differences::between(&baseline, proposed));
        Ok(Simulation {
            from: plan.from.to_string(),
            to: plan.to.to_string(),
            baseline,
            proposed,
            differences,
        })
    }

    /// The runs on the copies open customers' contact data to build their messages; each
    /// run journals that on its copy, which is discarded, so the read is journaled here, on
    /// the live store, before any copy is made: the one thing a simulation writes there.
    async fn journal_simulation_read(&self, plan: &SimulationPlan<'_>) -> AppResult<()> {
        let payload = serde_json::json!({
            "purpose": format!(
                "simulation of {} to {}: the daily run's messages built on a copy that is discarded",
                plan.from, plan.to
            ),
            "case_numbers": "every open case with a step due in the span",
        });
        self.store
            .append_journal(&reilu_store::NewJournalEntry {
                at_ms: self.now_ms(),
                actor: "system".into(),
                kind: "personal_data.read".into(),
                subject: format!("simulation:{}..{}", plan.from, plan.to),
                payload: payload.to_string(),
            })
            .await?;
        Ok(())
    }

    /// One side on its own copy, discarded afterwards whatever happened (the run's error
    /// comes first: it is the one the user can act on).
    async fn simulate_side(
        &self,
        variant: &Variant<'_>,
        plan: &SimulationPlan<'_>,
        progress: &(dyn Fn(NaiveDate) + Sync),
    ) -> AppResult<SimulatedDays> {
        let copy = self.store.simulation_copy().await?;
        let ran = self
            .run_days_on(copy.store(), variant, plan, progress)
            .await;
        let discarded = copy.discard().await;
        let days = ran?;
        discarded?;
        Ok(days)
    }

    /// Each day in order with a fresh App over the copy whose clock stands at the start of
    /// that day (UTC): the daily run then decides at that instant, as it does when a past
    /// date is run (see `run_instant`), so a day simulated matches `run-day --date` of it.
    async fn run_days_on(
        &self,
        copy: &SqlStore,
        variant: &Variant<'_>,
        plan: &SimulationPlan<'_>,
        progress: &(dyn Fn(NaiveDate) + Sync),
    ) -> AppResult<SimulatedDays> {
        let mut days = SimulatedDays::default();
        for date in plan.from.iter_days().take_while(|date| *date <= plan.to) {
            progress(date);
            let app = App {
                store: copy.clone(),
                vault: self.vault.clone(),
                markets: self.markets.clone(),
                gate: Arc::clone(&variant.gate),
                clock: Arc::new(FixedClock(start_of(date))),
                // Messages on the copy are thrown away with it: they are not signed with the
                // key whose codes the public can check.
                signer: crate::verify::MessageSigner {
                    key: reilu_vault::MessageSigningKey::ephemeral(),
                    verify_address: self.signer.verify_address.clone(),
                },
            };
            match app.run_day(variant.strategies, date, &|_| {}).await? {
                RunDayOutcome::Ran(summary) => days.add(&summary),
                RunDayOutcome::AlreadyFinished { run_date, .. } => {
                    days.days_finished_before.push(run_date);
                }
            }
        }
        Ok(days)
    }
}

/// Refuses an empty or overlong span with the reason.
fn check_span(from: NaiveDate, to: NaiveDate) -> AppResult<()> {
    if to < from {
        return Err(AppError::Invalid(format!(
            "--to {to} is before --from {from}: nothing to simulate"
        )));
    }
    let days = (to - from).num_days() + 1;
    if days > SIMULATED_DAYS_MAX {
        return Err(AppError::Invalid(format!(
            "{from} to {to} is {days} days: at most {SIMULATED_DAYS_MAX} are simulated at once"
        )));
    }
    Ok(())
}

fn start_of(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(chrono::NaiveTime::MIN).and_utc()
}

impl SimulatedDays {
    /// Adds one day's run.
    pub fn add(&mut self, day: &RunDaySummary) {
        self.days_run += 1;
        if day.state == "resumed" {
            self.days_resumed.push(day.run_date.clone());
        }
        self.cases_considered += day.cases_considered;
        let interest = &day.interest;
        self.interest.accrued += interest.accrued;
        self.interest.denied += interest.denied;
        for total in &interest.totals {
            *self
                .interest
                .amount_minor
                .entry(total.currency.clone())
                .or_insert(0) += total.amount_minor;
        }
        add_counts(
            &mut self.interest.denied_by_reason,
            &interest.denied_by_reason,
        );
        for (market, counts) in &day.markets {
            self.markets.entry(market.clone()).or_default().add(counts);
        }
    }
}

impl MarketDay {
    /// Adds another day's counts of the same market. Every field is named, so that a count
    /// added to the day's summary does not go missing here unnoticed.
    pub fn add(&mut self, other: &MarketDay) {
        let MarketDay {
            cases,
            steps,
            channels,
            changed,
            denied,
            denied_by_rule,
            fees,
            waiting,
            finished,
            paused,
            for_agents,
            decided_again,
            by_letter_instead,
        } = other;
        self.cases += cases;
        add_counts(&mut self.steps, steps);
        add_counts(&mut self.channels, channels);
        self.changed += changed;
        self.denied += denied;
        add_counts(&mut self.denied_by_rule, denied_by_rule);
        for (currency, fee) in fees {
            self.fees.entry(currency.clone()).or_default().add(fee);
        }
        self.waiting += waiting;
        self.finished += finished;
        self.paused += paused;
        self.for_agents += for_agents;
        self.decided_again += decided_again;
        self.by_letter_instead += by_letter_instead;
    }
}

impl FeeTotal {
    pub fn add(&mut self, other: &FeeTotal) {
        self.count += other.count;
        self.amount_minor = self.amount_minor.saturating_add(other.amount_minor);
    }
}

fn add_counts(into: &mut BTreeMap<String, u64>, from: &BTreeMap<String, u64>) {
    for (key, count) in from {
        *into.entry(key.clone()).or_insert(0) += count;
    }
}

impl Differences {
    /// Proposed less baseline.
    pub fn between(baseline: &SimulatedDays, proposed: &SimulatedDays) -> Self {
        let markets = union_keys(&baseline.markets, &proposed.markets)
            .filter_map(|market| {
                let empty = MarketDay::default();
                let before = baseline.markets.get(market).unwrap_or(&empty);
                let after = proposed.markets.get(market).unwrap_or(&empty);
                let difference = MarketDifference::between(before, after);
                (!difference.is_empty()).then(|| (market.clone(), difference))
            })
            .collect();
        Differences {
            by_rule: rule_differences(baseline, proposed),
            markets,
            interest_minor: signed_differences(
                &baseline.interest.amount_minor,
                &proposed.interest.amount_minor,
            ),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_rule.is_empty() && self.markets.is_empty() && self.interest_minor.is_empty()
    }
}

impl MarketDifference {
    fn between(before: &MarketDay, after: &MarketDay) -> Self {
        let fee_field = |day: &MarketDay, field: fn(&FeeTotal) -> i64| -> BTreeMap<String, i64> {
            day.fees
                .iter()
                .map(|(currency, fee)| (currency.clone(), field(fee)))
                .collect()
        };
        let count = |fee: &FeeTotal| i64::try_from(fee.count).unwrap_or(i64::MAX);
        let amount = |fee: &FeeTotal| fee.amount_minor;
        MarketDifference {
            steps: differences(&before.steps, &after.steps),
            channels: differences(&before.channels, &after.channels),
            fees_count: signed_differences(&fee_field(before, count), &fee_field(after, count)),
            fees_minor: signed_differences(&fee_field(before, amount), &fee_field(after, amount)),
            changed: signed(after.changed) - signed(before.changed),
            denied: signed(after.denied) - signed(before.denied),
            denied_by_rule: differences(&before.denied_by_rule, &after.denied_by_rule),
        }
    }

    fn is_empty(&self) -> bool {
        self.steps.is_empty()
            && self.channels.is_empty()
            && self.fees_count.is_empty()
            && self.fees_minor.is_empty()
            && self.changed == 0
            && self.denied == 0
            && self.denied_by_rule.is_empty()
    }
}

/// Each rule's denials over every market on both sides, where they differ.
fn rule_differences(
    baseline: &SimulatedDays,
    proposed: &SimulatedDays,
) -> BTreeMap<String, RuleDifference> {
    let totals = |days: &SimulatedDays| {
        let mut by_rule = BTreeMap::new();
        for day in days.markets.values() {
            add_counts(&mut by_rule, &day.denied_by_rule);
        }
        by_rule
    };
    let (before, after) = (totals(baseline), totals(proposed));
    union_keys(&before, &after)
        .filter_map(|rule| {
            let baseline = before.get(rule).copied().unwrap_or(0);
            let proposed = after.get(rule).copied().unwrap_or(0);
            let difference = signed(proposed) - signed(baseline);
            (difference != 0).then(|| {
                let counts = RuleDifference {
                    baseline,
                    proposed,
                    difference,
                };
                (rule.clone(), counts)
            })
        })
        .collect()
}

fn differences(
    before: &BTreeMap<String, u64>,
    after: &BTreeMap<String, u64>,
) -> BTreeMap<String, i64> {
    let signed_map = |map: &BTreeMap<String, u64>| -> BTreeMap<String, i64> {
        map.iter()
            .map(|(key, count)| (key.clone(), signed(*count)))
            .collect()
    };
    signed_differences(&signed_map(before), &signed_map(after))
}

fn signed_differences(
    before: &BTreeMap<String, i64>,
    after: &BTreeMap<String, i64>,
) -> BTreeMap<String, i64> {
    union_keys(before, after)
        .filter_map(|key| {
            let difference =
                after.get(key).copied().unwrap_or(0) - before.get(key).copied().unwrap_or(0);
            (difference != 0).then(|| (key.clone(), difference))
        })
        .collect()
}

fn union_keys<'a, A, B>(
    left: &'a BTreeMap<String, A>,
    right: &'a BTreeMap<String, B>,
) -> impl Iterator<Item = &'a String> {
    let mut keys: Vec<&String> = left.keys().chain(right.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
}

fn signed(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(denied_by: &[(&str, u64)], fees: u64) -> RunDaySummary {
        let mut market = MarketDay {
            cases: 10,
            denied: 1,
            ..MarketDay::default()
        };
        market.steps.insert("reminder".into(), 3);
        for (rule, count) in denied_by {
            market.denied_by_rule.insert((*rule).into(), *count);
        }
        market.fees.insert(
            "EUR".into(),
            FeeTotal {
                count: fees,
                amount_minor: 500 * i64::try_from(fees).unwrap_or(0),
            },
        );
        let mut summary = RunDaySummary::default();
        summary.markets.insert("FI".into(), market);
        summary
    }

    #[test]
    fn days_add_up_and_differences_name_the_rules_that_changed() {
        let mut baseline = SimulatedDays::default();
        baseline.add(&day(&[("FI-a", 1)], 3));
        baseline.add(&day(&[("FI-a", 1)], 3));
        let mut proposed = SimulatedDays::default();
        proposed.add(&day(&[("FI-a", 1), ("FI-b", 2)], 1));
        proposed.add(&day(&[("FI-a", 1), ("FI-b", 2)], 1));
        let fi = &baseline.markets["FI"];
        assert_eq!(
            (baseline.days_run, fi.cases, fi.steps["reminder"]),
            (2, 20, 6)
        );
        assert_eq!(fi.fees["EUR"].amount_minor, 3000);
        let differences = Differences::between(&baseline, &proposed);
        assert_eq!(
            differences.by_rule.keys().collect::<Vec<_>>(),
            vec!["FI-b"],
            "FI-a denied as often on both sides"
        );
        assert_eq!(
            differences.by_rule["FI-b"],
            RuleDifference {
                baseline: 0,
                proposed: 4,
                difference: 4
            }
        );
        let market = &differences.markets["FI"];
        assert_eq!(market.fees_count["EUR"], -4);
        assert_eq!(market.fees_minor["EUR"], -2000);
        assert!(market.steps.is_empty() && market.denied == 0);
        assert!(Differences::between(&baseline, &baseline).is_empty());
    }

    #[test]
    fn a_span_backwards_or_over_a_year_is_refused() {
        let date = |text: &str| text.parse::<NaiveDate>().unwrap_or_default();
        assert!(check_span(date("2026-12-02"), date("2026-12-01")).is_err());
        assert!(check_span(date("2026-12-01"), date("2026-12-01")).is_ok());
        assert!(check_span(date("2026-01-01"), date("2026-12-31")).is_ok());
        assert!(check_span(date("2024-01-01"), date("2024-12-31")).is_ok());
        assert!(check_span(date("2026-01-01"), date("2027-01-02")).is_err());
    }
}
