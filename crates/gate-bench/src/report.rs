//! The report as a table for people and as JSON for tooling.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::bench::Report;
use crate::timing::Stats;

/// The goals the gate is held to on the contact subset.
pub const RATIO_GOAL: f64 = 5.0;
pub const REILU_P99_GOAL_NS: u64 = 5_000;

fn row(out: &mut String, label: &str, stats: &Stats) {
    let _ = writeln!(
        out,
        "{label:<28} {:>9} {:>12.0} {:>9.0} {:>9} {:>9} {:>9} {:>10}",
        stats.count,
        stats.per_second,
        stats.mean_ns,
        stats.p50_ns,
        stats.p99_ns,
        stats.p999_ns,
        stats.max_ns
    );
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// The human-readable table.
pub fn table(report: &Report) -> String {
    let mut out = String::new();
    let config = report.config;
    let _ = writeln!(
        out,
        "reilu-gate-bench: {} cases, {} decisions, seed {}; one thread; setup {:.0} ms; timer overhead ≈ {} ns/decision (included below)\n",
        config.cases, config.decisions, config.seed, report.setup_ms, report.timer_overhead_ns
    );
    let header = format!(
        "{:<28} {:>9} {:>12} {:>9} {:>9} {:>9} {:>9} {:>10}",
        "", "decisions", "decisions/s", "mean ns", "p50 ns", "p99 ns", "p99.9 ns", "max ns"
    );
    let _ = writeln!(out, "1. Reilu's gate, realistic mix\n{header}");
    row(&mut out, "all", &report.mix);
    for (kind, stats) in &report.by_kind {
        let share = 100.0 * stats.count as f64 / report.mix.count.max(1) as f64;
        row(
            &mut out,
            &format!("  {} ({share:.1} %)", kind.as_str()),
            stats,
        );
    }
    let _ = writeln!(
        out,
        "\n2. Contact proposals only, same inputs, both engines\n{header}"
    );
    row(&mut out, "Reilu gate", &report.contact_reilu);
    row(&mut out, "Cedar (prep + authorize)", &report.contact_cedar);
    let ratio = report.ratio();
    let p99 = report.contact_reilu.p99_ns;
    let _ = writeln!(
        out,
        "Reilu is {ratio:.1}x faster per contact decision (goal >= {RATIO_GOAL}x: {})",
        verdict(ratio >= RATIO_GOAL)
    );
    let _ = writeln!(
        out,
        "Reilu contact p99 {p99} ns (goal < {REILU_P99_GOAL_NS} ns: {})",
        verdict(p99 < REILU_P99_GOAL_NS)
    );
    let a = &report.agreement;
    let _ = writeln!(
        out,
        "\n3. Agreement on {} contact proposals: Reilu allow {} / moved {} / deny {}; Cedar allow {} / deny {}; disagreements: {}",
        a.checked,
        a.reilu_allow,
        a.reilu_moved,
        a.reilu_deny,
        a.cedar_allow,
        a.cedar_deny,
        a.disagreements
    );
    let fired: Vec<String> = a
        .fired
        .iter()
        .map(|(id, count)| format!("{id} {count}"))
        .collect();
    let _ = writeln!(out, "   Cedar forbids that fired: {}", fired.join(", "));
    out
}

fn stats_json(stats: &Stats) -> Value {
    json!({
        "decisions": stats.count,
        "decisions_per_second": stats.per_second.round(),
        "mean_ns": stats.mean_ns.round(),
        "p50_ns": stats.p50_ns,
        "p99_ns": stats.p99_ns,
        "p99_9_ns": stats.p999_ns,
        "max_ns": stats.max_ns,
    })
}

/// The machine-readable report.
pub fn json(report: &Report) -> Value {
    let a = &report.agreement;
    let by_kind: serde_json::Map<String, Value> = report
        .by_kind
        .iter()
        .map(|(kind, stats)| (kind.as_str().to_owned(), stats_json(stats)))
        .collect();
    json!({
        "config": { "cases": report.config.cases, "decisions": report.config.decisions, "seed": report.config.seed, "threads": 1 },
        "timer_overhead_ns": report.timer_overhead_ns,
        "mix": { "all": stats_json(&report.mix), "by_kind": by_kind },
        "contact": {
            "reilu": stats_json(&report.contact_reilu),
            "cedar": stats_json(&report.contact_cedar),
            "ratio": (report.ratio() * 100.0).round() / 100.0,
            "ratio_goal_met": report.ratio() >= RATIO_GOAL,
            "reilu_p99_goal_met": report.contact_reilu.p99_ns < REILU_P99_GOAL_NS,
        },
        "agreement": {
            "checked": a.checked,
            "reilu": { "allow": a.reilu_allow, "allow_with_changes": a.reilu_moved, "deny": a.reilu_deny },
            "cedar": { "allow": a.cedar_allow, "deny": a.cedar_deny },
            "forbids_fired": a.fired,
            "disagreements": a.disagreements,
        },
    })
}
