//! `reilu-gate-bench [--cases N] [--decisions N] [--seed S] [--json]`
//!
//! Prints the table (to stderr with `--json`, which prints JSON to stdout); exits non-zero if
//! Cedar and the gate disagree on any contact proposal.

use std::process::ExitCode;

use anyhow::{Context as _, bail};
use reilu_gate_bench::bench::{self, Config};
use reilu_gate_bench::report;

const USAGE: &str = "usage: reilu-gate-bench [--cases N] [--decisions N] [--seed S] [--json]";

fn parse_args(args: impl Iterator<Item = String>) -> anyhow::Result<Option<(Config, bool)>> {
    let mut config = Config::default();
    let mut json = false;
    let mut args = args;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .with_context(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--cases" => config.cases = value("--cases")?.parse().context("--cases")?,
            "--decisions" => {
                config.decisions = value("--decisions")?.parse().context("--decisions")?
            }
            "--seed" => config.seed = value("--seed")?.parse().context("--seed")?,
            "--json" => json = true,
            "-h" | "--help" => return Ok(None),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    if config.cases == 0 || config.decisions == 0 {
        bail!("--cases and --decisions must be positive");
    }
    Ok(Some((config, json)))
}

fn main() -> anyhow::Result<ExitCode> {
    let Some((config, json)) = parse_args(std::env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    };
    if config.decisions < 200_000 {
        eprintln!(
            "note: fewer than 200,000 measured decisions; tail percentiles are less reliable"
        );
    }
    let report = bench::run(config)?;
    let table = report::table(&report);
    if json {
        eprint!("{table}");
        println!("{}", serde_json::to_string_pretty(&report::json(&report))?);
    } else {
        print!("{table}");
    }
    let agreement = &report.agreement;
    if agreement.disagreements > 0 {
        eprintln!(
            "\n{} contact proposals decided differently by Cedar and the gate; the first {}:",
            agreement.disagreements,
            agreement.shown.len()
        );
        for disagreement in &agreement.shown {
            eprintln!("{disagreement}");
        }
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
