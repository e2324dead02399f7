//! `reilu simulate --from D1 --to D2 [--rules DIR] [--strategies DIR] [--json]`: the days
//! run forward on copies of the store (the live store is only read), with today's rule packs
//! and strategies and, side by side, with the proposed ones, so a compliance officer sees
//! what a change would do to the live portfolio before it is live.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::Args;
use reilu_app::App;
use reilu_app::daily_run::MarketDay;
use reilu_app::simulate::{SimulatedDays, Simulation, SimulationPlan, Variant};
use reilu_store::SqlStore;
use reilu_strategy::StrategySet;

use crate::commands::print_json;
use crate::commands::run_day::money_text;
use crate::context::{Target, open_app};

/// Where the platform's own rule packs come from when they are not the built-in ones.
const RULES_VARIABLE: &str = "REILU_RULES_DIR";

#[derive(Args)]
pub struct SimulateArgs {
    /// The first day to run.
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: NaiveDate,
    /// The last day to run (inclusive; at most 366 days after --from).
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: NaiveDate,
    /// Proposed strategy files (see strategies/README.md), run beside the built-in ones.
    #[arg(long, value_name = "DIR")]
    strategies: Option<PathBuf>,
    /// The JSON object {from, to, baseline, proposed?, differences?}.
    #[arg(long)]
    json: bool,
}

/// `--rules DIR` (the global option) is the proposal here; the baseline is what the platform
/// runs on: the packs in `REILU_RULES_DIR` when it is set, else the built-in ones. Without
/// `--rules` (or with the platform's own folder) and `--strategies` only the baseline runs.
pub async fn run(target: &Target, args: SimulateArgs) -> anyhow::Result<ExitCode> {
    let live_rules = std::env::var_os(RULES_VARIABLE)
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from);
    let proposed_rules = target
        .rules
        .clone()
        .filter(|dir| Some(dir) != live_rules.as_ref());
    let live = Target {
        data: target.data.clone(),
        database_url: target.database_url.clone(),
        rules: live_rules,
    };
    // Strategies first: a broken file stops the command before the store is opened.
    let builtin = StrategySet::builtin()?;
    let proposed_strategies = match &args.strategies {
        Some(dir) => Some(StrategySet::load_dir(dir)?),
        None => None,
    };
    let app = open_app(&live).await?;
    let proposed_gate = match &proposed_rules {
        Some(dir) => Some(proposed_gate(&app, target, dir).await?),
        None => None,
    };
    let baseline = Variant {
        gate: Arc::clone(&app.gate),
        strategies: &builtin,
    };
    let proposed = (proposed_gate.is_some() || proposed_strategies.is_some()).then(|| Variant {
        gate: proposed_gate.unwrap_or_else(|| Arc::clone(&app.gate)),
        strategies: proposed_strategies.as_ref().unwrap_or(&builtin),
    });
    let plan = SimulationPlan {
        from: args.from,
        to: args.to,
        baseline,
        proposed,
    };
    let bar = crate::commands::spinner("simulating");
    let simulation = app
        .simulate(&plan, &|side, day| {
            bar.set_message(format!("{side}, {day}"))
        })
        .await;
    bar.finish_and_clear();
    let simulation = simulation?;
    if args.json {
        print_json(&simulation)?;
    } else {
        print_simulation(
            &simulation,
            proposed_rules.as_ref(),
            args.strategies.as_ref(),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The proposed packs' gate, with the published rates recorded in the store merged in as the
/// live gate has them (a rate is law whichever packs are proposed).
async fn proposed_gate(
    app: &App<SqlStore>,
    target: &Target,
    dir: &std::path::Path,
) -> anyhow::Result<Arc<reilu_rules::Gate>> {
    let proposed = Target {
        data: target.data.clone(),
        database_url: None,
        rules: Some(dir.to_path_buf()),
    };
    let book = crate::commands::rules::load_book(&proposed, &app.markets)?;
    let gate = reilu_rules::Gate::new(book)?;
    Ok(app
        .clone()
        .with_gate(gate)
        .with_published_rates()
        .await?
        .gate)
}

/// One line of the side-by-side table: the label and each side's value.
struct Line {
    label: String,
    baseline: i64,
    proposed: Option<i64>,
    /// How a value is shown (a count, or an amount in a currency).
    show: fn(i64, &str) -> String,
    currency: String,
}

fn count_text(count: i64, _: &str) -> String {
    count.to_string()
}

fn print_simulation(
    simulation: &Simulation,
    rules: Option<&PathBuf>,
    strategies: Option<&PathBuf>,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "simulated {} to {} on a copy of the store (nothing live was changed)",
        simulation.from, simulation.to
    )?;
    let proposed = simulation.proposed.as_ref();
    if proposed.is_some() {
        let mut changes = Vec::new();
        if let Some(dir) = rules {
            changes.push(format!("rule packs {}", dir.display()));
        }
        if let Some(dir) = strategies {
            changes.push(format!("strategies {}", dir.display()));
        }
        writeln!(out, "  baseline: today's rule packs and strategies")?;
        writeln!(out, "  proposed: {}", changes.join(", "))?;
        writeln!(
            out,
            "  columns:  baseline | proposed | difference (* where they differ)"
        )?;
    }
    print_days(&mut out, &simulation.baseline, proposed)?;
    let markets: std::collections::BTreeSet<&String> = simulation
        .baseline
        .markets
        .keys()
        .chain(proposed.iter().flat_map(|days| days.markets.keys()))
        .collect();
    let empty = MarketDay::default();
    for market in markets {
        let before = simulation.baseline.markets.get(market).unwrap_or(&empty);
        let after = proposed.map(|days| days.markets.get(market).unwrap_or(&empty));
        writeln!(out, "  {market}")?;
        print_lines(&mut out, &market_lines(before, after))?;
    }
    if let Some(differences) = &simulation.differences {
        writeln!(out, "differences by rule (denials, baseline -> proposed):")?;
        if differences.by_rule.is_empty() {
            writeln!(out, "  none")?;
        }
        for (rule, counts) in &differences.by_rule {
            writeln!(
                out,
                "  {rule}: {} -> {} ({:+})",
                counts.baseline, counts.proposed, counts.difference
            )?;
        }
    }
    Ok(())
}

/// Days run and finished before, and interest, for each side.
fn print_days(
    out: &mut impl Write,
    baseline: &SimulatedDays,
    proposed: Option<&SimulatedDays>,
) -> anyhow::Result<()> {
    for (side, days) in
        std::iter::once(("baseline", baseline)).chain(proposed.map(|days| ("proposed", days)))
    {
        let before = if days.days_finished_before.is_empty() {
            String::new()
        } else {
            format!(
                "; {} day(s) the live store had run already, not run again: {}",
                days.days_finished_before.len(),
                days.days_finished_before.join(", ")
            )
        };
        let resumed = if days.days_resumed.is_empty() {
            String::new()
        } else {
            format!(
                "; {} day(s) a killed live run had begun, only the rest counted: {}",
                days.days_resumed.len(),
                days.days_resumed.join(", ")
            )
        };
        writeln!(
            out,
            "  {side}: {} day(s) run{before}{resumed}",
            days.days_run
        )?;
    }
    let mut lines = vec![
        count_line("interest accrued (case-days)", baseline, proposed, |days| {
            days.interest.accrued
        }),
        count_line("interest refused (case-days)", baseline, proposed, |days| {
            days.interest.denied
        }),
    ];
    let currencies = keys_of(
        &baseline.interest.amount_minor,
        proposed.map(|days| &days.interest.amount_minor),
    );
    for currency in currencies {
        let amount = |days: &SimulatedDays| {
            days.interest
                .amount_minor
                .get(&currency)
                .copied()
                .unwrap_or(0)
        };
        lines.push(Line {
            label: format!("interest {currency}"),
            baseline: amount(baseline),
            proposed: proposed.map(amount),
            show: money_text,
            currency,
        });
    }
    print_lines(out, &lines)
}

fn count_line(
    label: &str,
    baseline: &SimulatedDays,
    proposed: Option<&SimulatedDays>,
    count: fn(&SimulatedDays) -> u64,
) -> Line {
    Line {
        label: label.to_owned(),
        baseline: signed(count(baseline)),
        proposed: proposed.map(|days| signed(count(days))),
        show: count_text,
        currency: String::new(),
    }
}

/// A market's lines: steps by kind, contacts by channel, fees, changed, denied and denials by
/// rule, and the cases (summed over the days).
fn market_lines(before: &MarketDay, after: Option<&MarketDay>) -> Vec<Line> {
    let count = |label: &str, value: fn(&MarketDay) -> u64| Line {
        label: label.to_owned(),
        baseline: signed(value(before)),
        proposed: after.map(|day| signed(value(day))),
        show: count_text,
        currency: String::new(),
    };
    let mut lines = vec![count("cases (case-days)", |day| day.cases)];
    lines.extend(keyed_lines("step", before, after, |day| &day.steps));
    lines.extend(keyed_lines("channel", before, after, |day| &day.channels));
    lines.extend(fee_lines(before, after));
    lines.push(count("changed by the gate", |day| day.changed));
    lines.push(count("denied", |day| day.denied));
    lines.extend(keyed_lines("denied by", before, after, |day| {
        &day.denied_by_rule
    }));
    lines.push(count("waiting (case-days)", |day| day.waiting));
    lines.push(count("paused (case-days)", |day| day.paused));
    lines.push(count("for an agent (case-days)", |day| day.for_agents));
    lines
}

/// One line per key of a count map (step kinds, channels, rules) on either side.
fn keyed_lines(
    prefix: &str,
    before: &MarketDay,
    after: Option<&MarketDay>,
    map: fn(&MarketDay) -> &BTreeMap<String, u64>,
) -> Vec<Line> {
    keys_of(map(before), after.map(map))
        .into_iter()
        .map(|key| {
            let value = |day: &MarketDay| signed(map(day).get(&key).copied().unwrap_or(0));
            Line {
                label: format!("{prefix} {key}"),
                baseline: value(before),
                proposed: after.map(value),
                show: count_text,
                currency: String::new(),
            }
        })
        .collect()
}

/// Fees by currency: how many, and how much.
fn fee_lines(before: &MarketDay, after: Option<&MarketDay>) -> Vec<Line> {
    let mut lines = Vec::new();
    for currency in keys_of(&before.fees, after.map(|day| &day.fees)) {
        let count = |day: &MarketDay| day.fees.get(&currency).map_or(0, |fee| signed(fee.count));
        let amount = |day: &MarketDay| day.fees.get(&currency).map_or(0, |fee| fee.amount_minor);
        lines.push(Line {
            label: format!("fees {currency} charged"),
            baseline: count(before),
            proposed: after.map(count),
            show: count_text,
            currency: String::new(),
        });
        lines.push(Line {
            label: format!("fees {currency} amount"),
            baseline: amount(before),
            proposed: after.map(amount),
            show: money_text,
            currency,
        });
    }
    lines
}

/// The table: label, baseline, and when a change was proposed, the proposal and the
/// difference (marked `*` where they differ).
fn print_lines(out: &mut impl Write, lines: &[Line]) -> anyhow::Result<()> {
    let width = lines.iter().map(|line| line.label.len()).max().unwrap_or(0);
    for line in lines {
        let baseline = (line.show)(line.baseline, &line.currency);
        match line.proposed {
            None => writeln!(out, "    {:<width$}  {baseline:>14}", line.label)?,
            Some(proposed) => {
                let difference = proposed.saturating_sub(line.baseline);
                let shown = (line.show)(proposed, &line.currency);
                let delta = if difference == 0 {
                    String::new()
                } else {
                    format!(
                        " {}{} *",
                        if difference > 0 { "+" } else { "" },
                        (line.show)(difference, &line.currency)
                    )
                };
                writeln!(
                    out,
                    "    {:<width$}  {baseline:>14} | {shown:>14} |{delta}",
                    line.label
                )?;
            }
        }
    }
    Ok(())
}

fn keys_of<V>(left: &BTreeMap<String, V>, right: Option<&BTreeMap<String, V>>) -> Vec<String> {
    let mut keys: Vec<String> = left
        .keys()
        .chain(right.into_iter().flat_map(BTreeMap::keys))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn signed(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
