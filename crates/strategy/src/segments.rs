//! Every case must fall in exactly one path: the segments of a strategy tile the space of
//! (customer kind, vulnerable, has a plan) × principal × age at entry, with no gap and no
//! overlap. The check cuts both number axes at every path's bounds and tests one point per
//! cell, which decides the whole cell since no bound falls inside it.

use reilu_core::CustomerKind;

use crate::StrategyError;
use crate::model::{SegmentFacts, Strategy, TreatmentPath};

pub(crate) fn check_coverage(strategy: &Strategy) -> Result<(), StrategyError> {
    let principal_cuts = cuts(strategy, |path| {
        (
            path.segment.principal_from_minor,
            path.segment.principal_to_minor,
        )
    });
    let age_cuts = cuts(strategy, |path| {
        (path.segment.age_from_days, path.segment.age_to_days)
    });
    for customer in [CustomerKind::Consumer, CustomerKind::Business] {
        for vulnerable in [false, true] {
            for has_plan in [false, true] {
                for &principal_minor in &principal_cuts {
                    for &age_days in &age_cuts {
                        let facts = SegmentFacts {
                            customer,
                            principal_minor,
                            age_days,
                            vulnerable,
                            has_plan,
                        };
                        check_cell(strategy, &facts)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// The start of every cell along one axis: 0, each lower bound, and the day after each upper
/// bound.
fn cuts(strategy: &Strategy, bounds: impl Fn(&TreatmentPath) -> (i64, Option<i64>)) -> Vec<i64> {
    let mut points = vec![0];
    for path in &strategy.paths {
        let (from, to) = bounds(path);
        points.push(from);
        if let Some(to) = to {
            points.push(to.saturating_add(1));
        }
    }
    points.sort_unstable();
    points.dedup();
    points
}

fn check_cell(strategy: &Strategy, facts: &SegmentFacts) -> Result<(), StrategyError> {
    let mut covering = strategy
        .paths
        .iter()
        .filter(|path| path.segment.covers(facts));
    let Some(first) = covering.next() else {
        return Err(StrategyError {
            file: strategy.file.clone(),
            line: strategy.line,
            field: "path".into(),
            message: format!("no path covers {}", describe(facts)),
        });
    };
    if let Some(second) = covering.next() {
        return Err(StrategyError {
            file: strategy.file.clone(),
            line: second.line,
            field: format!("path[{}]", second.id),
            message: format!(
                "overlaps path `{}` (line {}): both cover {}",
                first.id,
                first.line,
                describe(facts)
            ),
        });
    }
    Ok(())
}

fn describe(facts: &SegmentFacts) -> String {
    let kind = match facts.customer {
        CustomerKind::Consumer => "a consumer",
        CustomerKind::Business => "a business",
    };
    format!(
        "{kind}, {}vulnerable, {} plan, principal {} minor units, {} days past due at entry",
        if facts.vulnerable { "" } else { "not " },
        if facts.has_plan {
            "with a"
        } else {
            "without a"
        },
        facts.principal_minor,
        facts.age_days
    )
}
