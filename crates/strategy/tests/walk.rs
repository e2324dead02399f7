//! Every shipped path walked day by day through the real gate with the shipped packs: a
//! synthetic case per market, path and customer kind; each day the planner's step is proposed
//! to the gate and recorded as done when the gate allows its contact. No step may be refused
//! for its timing, and no fee charged above the law's cap.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use reilu_core::{CustomerKind, MarketCode, Markets, Money};
use reilu_rules::model::{
    Actor, Balances, CaseView, ContactRecord, Context, FeeKind, FeeRecord, Proposal,
};
use reilu_rules::pack::{Parameter, Source, Value};
use reilu_rules::{ApprovedAction, Gate, GateOutcome};
use reilu_strategy::{
    CaseProgress, DoneStep, Plan, StepKind, Strategy, StrategySet, TreatmentPath,
};

/// Gate denials that mean a step came too early: a strategy bug.
const TIMING_KEYS: [&str; 3] = [
    "fee.too_early",
    "fee.demand_too_soon_after_reminder",
    "fee.demand_needs_reminder",
];

/// Days a walk may take before it counts as stuck.
const WALK_DAYS_MAX: i64 = 400;

fn case_view(
    markets: &Markets,
    market: MarketCode,
    kind: CustomerKind,
    principal: Money,
) -> CaseView {
    let zero = Money::zero(principal.currency());
    CaseView {
        market,
        customer_kind: kind,
        time_zone: markets.get(market.as_str()).unwrap().main_time_zone(),
        original_principal: principal,
        balances: Balances {
            principal,
            interest: zero,
            collection_costs: zero,
            creditor_fees: zero,
        },
        // A Monday, in a year whose rules (NO's 2026 sats) are all encoded.
        due_date: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        limitation_interrupted_on: None,
        holds: Vec::new(),
        vulnerable: false,
        contact_history: Vec::new(),
        fee_history: Vec::new(),
        channels_refused: Vec::new(),
        first_demand_sent_at: None,
        plans_charged: 0,
        contractual_rate_bp: None,
        statutory_claims: false,
        interest_carry_minor_bp_days: 0,
        arose_on: None,
        // SE allows a reminder fee only where agreed (lag 1981:739 2 §): the walk exercises it.
        reminder_fee_agreed: true,
        jurisdiction: None,
        last_reminder_sent_at: None,
        vulnerability_review_on: None,
        principal_history: Vec::new(),
    }
}

/// Principals inside the path's band: its bottom (at least one unit) and its top, or a large
/// claim where it has none.
fn principals(path: &TreatmentPath) -> Vec<i64> {
    let from = path.segment.principal_from_minor.max(1);
    let to = path
        .segment
        .principal_to_minor
        .unwrap_or(from.max(5_000_000));
    let mut points = vec![from, to];
    points.dedup();
    points
}

/// The law's cap on a fee for a claim of `principal` like the case's on `day`, times the largest factor the pack allows.
fn law_cap_minor(
    gate: &Gate,
    case: &CaseView,
    principal: i64,
    fee: FeeKind,
    day: NaiveDate,
) -> Option<i64> {
    let book = gate.book();
    let cap = book
        .rules(case.market, case.customer_kind, Parameter::Fee(fee), day)
        .filter(|rule| rule.source == Source::Law)
        .filter_map(|rule| match &rule.value {
            Value::Cap(cap) => Some(cap.for_principal(principal)),
            _ => None,
        })
        .min()?;
    let factor_bp = book
        .rules(
            case.market,
            case.customer_kind,
            Parameter::FeeFactors(fee),
            day,
        )
        .filter_map(|rule| match &rule.value {
            Value::Factors(steps) => steps.iter().map(|step| step.factor_bp).max(),
            _ => None,
        })
        .max()
        .unwrap_or(10_000);
    Some(i64::try_from(i128::from(cap) * i128::from(factor_bp) / 10_000).unwrap())
}

struct Walked {
    steps_done: usize,
    fees_charged: usize,
}

/// Walks one case through its path; panics on a timing denial or a fee above the cap.
fn walk(
    gate: &Gate,
    set: &StrategySet,
    mut case: CaseView,
    path: &TreatmentPath,
    entry: NaiveDate,
    (case_number, has_plan): (i64, bool),
    label: &str,
) -> Walked {
    let mut done: Vec<DoneStep> = Vec::new();
    let mut fees_charged = 0;
    let mut today = entry;
    while today < entry + Duration::days(WALK_DAYS_MAX) {
        let progress = CaseProgress {
            case_number,
            has_plan,
            done: &done,
            promise: None,
        };
        match set.plan(&case, &progress, today) {
            Plan::Finished => {
                let variant = set.variant_of(case.market.as_str(), case_number);
                assert_eq!(
                    done.len(),
                    path.steps_for(variant).len(),
                    "{label}: every step done"
                );
                return Walked {
                    steps_done: done.len(),
                    fees_charged,
                };
            }
            Plan::Paused { reason } => panic!("{label}: paused without a hold: {reason}"),
            Plan::Waiting { on, .. } => {
                assert!(on > today, "{label}: waiting for a past day");
                today = on;
            }
            Plan::Due(step) => {
                assert_eq!(step.path, path.id, "{label}: the case stays on its path");
                let on = carry_out(gate, &mut case, &step, today, label, &mut fees_charged);
                done.push(DoneStep {
                    step_id: step.step_id.clone(),
                    on,
                });
                today = today.succ_opt().unwrap();
            }
        }
    }
    panic!("{label}: not finished after {WALK_DAYS_MAX} days; done {done:?}");
}

/// Proposes the step's contact and fee to the gate and records what it allowed; returns the
/// local day the step was done.
fn carry_out(
    gate: &Gate,
    case: &mut CaseView,
    step: &reilu_strategy::PlannedStep,
    today: NaiveDate,
    label: &str,
    fees_charged: &mut usize,
) -> NaiveDate {
    let label = format!("{label} step {}", step.step_id);
    let mut proposals = step.proposals.iter();
    let Some(contact) = proposals.next() else {
        assert_eq!(
            step.kind,
            StepKind::LegalReview,
            "{label}: only a legal review proposes nothing"
        );
        return today;
    };
    let Proposal::Contact { at, .. } = contact else {
        panic!("{label}: the contact comes first");
    };
    let outcome = decide(gate, contact, case, *at);
    let slot = match outcome
        .approved
        .as_ref()
        .map(|approved| approved.action().clone())
    {
        Some(ApprovedAction::Contact { at, channel, .. }) => {
            case.contact_history.push(ContactRecord { at, channel });
            at
        }
        _ => panic!("{label}: contact refused: {:?}", outcome.decision.reasons),
    };
    let local_day = slot.with_timezone(&case.time_zone).date_naive();
    match step.kind {
        StepKind::Reminder => case.last_reminder_sent_at = Some(slot),
        StepKind::Demand if case.first_demand_sent_at.is_none() => {
            case.first_demand_sent_at = Some(slot)
        }
        _ => {}
    }
    for proposal in proposals {
        let Proposal::ChargeFee { fee, amount } = proposal else {
            panic!("{label}: only a fee follows the contact");
        };
        // The strategy never proposes more than the law's cap for the case's own claim (at
        // the largest factor of its stages): the gate has nothing to cut but the totals.
        let principal = case.original_principal.amount_minor();
        let cap = law_cap_minor(gate, case, principal, *fee, local_day);
        assert!(
            cap.is_some_and(|cap| amount.amount_minor() <= cap),
            "{label}: proposes {amount}, more than the law's cap {cap:?}"
        );
        let outcome = decide(gate, proposal, case, slot);
        for reason in outcome.decision.denials() {
            assert!(
                !TIMING_KEYS.contains(&reason.message_key),
                "{label}: fee refused for its timing: {} {:?} ({})",
                reason.message_key,
                reason.params,
                reason.rule_id
            );
            // Besides timing, the one refusal a lawful strategy meets is a claim too small for
            // any more costs (the caps on all costs together); any other (a count reached, no
            // legal basis) means the strategy proposes a fee the case can never carry.
            assert_eq!(
                reason.message_key, "fee.total_reached",
                "{label}: fee refused: {:?} ({})",
                reason.params, reason.rule_id
            );
        }
        if let Some(ApprovedAction::Fee {
            amount: charged, ..
        }) = outcome.approved.as_ref().map(|a| a.action().clone())
        {
            assert!(
                charged.amount_minor() <= amount.amount_minor(),
                "{label}: charged more than proposed"
            );
            let principal = case.original_principal.amount_minor();
            let cap = law_cap_minor(gate, case, principal, *fee, local_day)
                .unwrap_or_else(|| panic!("{label}: a fee without a law cap was allowed"));
            assert!(
                charged.amount_minor() <= cap,
                "{label}: {charged} above the law's cap {cap}"
            );
            case.fee_history.push(FeeRecord {
                kind: *fee,
                amount: charged,
                at: slot,
            });
            *fees_charged += 1;
        }
    }
    local_day
}

fn decide(gate: &Gate, proposal: &Proposal, case: &CaseView, now: DateTime<Utc>) -> GateOutcome {
    let context = Context {
        now,
        actor: Actor::System,
    };
    gate.decide(proposal, case, &context)
}

/// A case number in each of the strategy's variants (one case where it has none).
fn variant_cases(strategy: &Strategy) -> Vec<i64> {
    if strategy.variants.is_empty() {
        return vec![1];
    }
    strategy
        .variants
        .iter()
        .map(|variant| {
            (1..)
                .find(|&n| strategy.variant_of(n) == Some(variant.name.as_str()))
                .unwrap()
        })
        .collect()
}

/// Walks every path of a market's strategy for each customer kind and principal it covers.
fn walk_market(
    gate: &Gate,
    set: &StrategySet,
    markets: &Markets,
    market: MarketCode,
) -> (usize, usize) {
    let strategy = set.for_market(market);
    let currency = markets.get(market.as_str()).unwrap().currency;
    let (mut steps, mut fees) = (0, 0);
    for path in &strategy.paths {
        let kinds = match path.segment.customer {
            Some(kind) => vec![kind],
            None => vec![CustomerKind::Consumer, CustomerKind::Business],
        };
        for kind in kinds {
            for principal_minor in principals(path) {
                let mut case = case_view(
                    markets,
                    market,
                    kind,
                    Money::from_minor(principal_minor, currency),
                );
                case.vulnerable = path.segment.vulnerable.unwrap_or(false);
                let has_plan = path.segment.has_plan.unwrap_or(false);
                let entry = case.due_date + Duration::days(path.segment.age_from_days);
                // One case in each variant, so that every variant's steps meet the gate.
                for case_number in variant_cases(strategy) {
                    let variant = strategy.variant_of(case_number).unwrap_or("-");
                    let label = format!(
                        "{} {} {variant} {kind:?} {principal_minor}",
                        market.as_str(),
                        path.id
                    );
                    let progress = (case_number, has_plan);
                    let walked = walk(gate, set, case.clone(), path, entry, progress, &label);
                    steps += walked.steps_done;
                    fees += walked.fees_charged;
                }
            }
        }
    }
    (steps, fees)
}

#[test]
fn every_shipped_path_passes_the_gate_without_a_timing_denial() {
    let markets = Markets::builtin().unwrap();
    let gate = Gate::builtin(&markets).unwrap();
    let set = StrategySet::builtin().unwrap_or_else(|error| panic!("{error}"));
    for market in set.own_markets() {
        let (steps, fees) = walk_market(&gate, &set, &markets, market);
        assert!(steps > 10, "{}: {steps} steps walked", market.as_str());
        // Every market with its own file but GB's consumers charges some fee; make sure the
        // fee checks above ran.
        assert!(
            fees > 0,
            "{}: no fee was charged in any walk",
            market.as_str()
        );
    }
    // The house strategy on every market it serves.
    for market in markets.iter().map(|market| market.code) {
        if !set.own_markets().contains(&market) {
            let (steps, _) = walk_market(&gate, &set, &markets, market);
            assert!(steps > 0);
        }
    }
}
