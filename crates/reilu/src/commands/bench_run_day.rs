//! `reilu bench run-day`: the daily run over an N-case demo portfolio on SQLite, side by side
//! with its limit: the same cases read, planned and decided by the gate, nothing written.
//! Each phase runs in a process of its own, so each peak memory figure is that phase's alone;
//! the limit runs first, as it changes nothing.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use reilu_app::daily_run::{RunDayOutcome, RunDaySummary};
use reilu_strategy::StrategySet;
use serde::{Deserialize, Serialize};

use crate::commands::bench::peak_rss_mib;
use crate::context::{Target, open_or_create_app, sqlite_url};

/// The day the bench runs: the demo portfolio's claims fall due in the months before it, so
/// most cases have a step due.
pub const BENCH_DATE: &str = "2026-11-16";

#[derive(Clone, Copy, ValueEnum, Serialize, Deserialize, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum RunDayMode {
    Decide,
    Run,
}

#[derive(Args)]
pub struct RunDayPhaseArgs {
    #[arg(long, value_enum)]
    pub mode: RunDayMode,
    #[arg(long)]
    pub date: NaiveDate,
}

/// What one phase measured.
#[derive(Serialize, Deserialize, Debug)]
pub struct RunDayPhaseReport {
    pub mode: RunDayMode,
    pub cases: u64,
    /// Steps approved (decide) or carried out (run).
    pub steps: u64,
    pub seconds: f64,
    pub cases_per_second: f64,
    pub peak_rss_mib: f64,
}

#[derive(Serialize, Debug)]
pub struct RunDayBenchReport {
    pub cases: u64,
    pub run_date: String,
    pub decide_only: RunDayPhaseReport,
    pub run: RunDayPhaseReport,
    pub ratio_percent: f64,
}

pub async fn run_day(cases: u64, dir: &Path) -> anyhow::Result<RunDayBenchReport> {
    let (app, data, _, placed) = crate::commands::bench_payments::demo_store(cases, dir).await?;
    drop(app);
    crate::context::close_opened_stores().await;
    eprintln!("{placed} claims placed; deciding only, then running {BENCH_DATE}…");
    let decide_only = run_phase_child(RunDayMode::Decide, &data)?;
    let run = run_phase_child(RunDayMode::Run, &data)?;
    if decide_only.cases != run.cases {
        bail!(
            "the phases saw different cases: {} decided, {} run",
            decide_only.cases,
            run.cases
        );
    }
    Ok(RunDayBenchReport {
        cases: run.cases,
        run_date: BENCH_DATE.to_owned(),
        ratio_percent: 100.0 * run.cases_per_second / decide_only.cases_per_second,
        decide_only,
        run,
    })
}

/// Runs `reilu --data D bench run-day-phase --mode M --date BENCH_DATE` and reads its report.
fn run_phase_child(mode: RunDayMode, data: &Path) -> anyhow::Result<RunDayPhaseReport> {
    let mode_name = match mode {
        RunDayMode::Decide => "decide",
        RunDayMode::Run => "run",
    };
    let output = std::process::Command::new(std::env::current_exe()?)
        .arg("--data")
        .arg(data)
        .args([
            "bench",
            "run-day-phase",
            "--mode",
            mode_name,
            "--date",
            BENCH_DATE,
        ])
        .env_remove("REILU_DATABASE_URL")
        .output()?;
    if !output.status.success() {
        bail!(
            "the {mode_name} phase failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    serde_json::from_slice(&output.stdout).context("the phase's report")
}

/// One phase, in this process.
pub async fn run_phase(
    target: &Target,
    args: &RunDayPhaseArgs,
) -> anyhow::Result<RunDayPhaseReport> {
    let target = Target {
        data: target.data.clone(),
        database_url: Some(sqlite_url(&target.data)),
        rules: None,
    };
    let app = open_or_create_app(&target).await?;
    let strategies = StrategySet::builtin()?;
    let started = Instant::now();
    let summary = match args.mode {
        RunDayMode::Decide => app.decide_day(&strategies, args.date).await?,
        RunDayMode::Run => match app.run_day(&strategies, args.date, &|_| {}).await? {
            RunDayOutcome::Ran(summary) => *summary,
            RunDayOutcome::AlreadyFinished { .. } => {
                bail!("the bench store ran {} before", args.date)
            }
        },
    };
    let seconds = started.elapsed().as_secs_f64();
    Ok(RunDayPhaseReport {
        mode: args.mode,
        cases: summary.cases_considered,
        steps: steps_of(&summary),
        seconds,
        cases_per_second: summary.cases_considered as f64 / seconds,
        peak_rss_mib: peak_rss_mib(),
    })
}

fn steps_of(summary: &RunDaySummary) -> u64 {
    summary
        .markets
        .values()
        .flat_map(|day| day.steps.values())
        .sum()
}
