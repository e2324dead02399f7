//! `reilu bench intake`: claim-file intake throughput against its limit, side by side in one
//! run. The limit is the same file read, parsed, validated and sealed with everything but the
//! writes to the store. Each phase runs in a child process so its peak memory is its own.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use reilu_app::demo::DemoPortfolio;
use serde::{Deserialize, Serialize};

use crate::commands::demo::write_claim_file;
use crate::commands::print_json;
use crate::context::{Target, open_or_create_app, sqlite_url};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Claim intake from a generated file: parse-only limit vs. import into SQLite.
    Intake(IntakeArgs),
    /// Durable ledger postings per second against a plain batched insert of the same rows.
    Ledger {
        #[arg(long, default_value_t = 200_000)]
        postings: usize,
        /// Also run on PostgreSQL: a server URL (fresh databases are created there).
        #[arg(long, value_name = "URL")]
        postgres: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A camt.054 of N credits against an N-case portfolio: import rate vs parse-only rate.
    Payments {
        #[arg(long, default_value_t = 100_000)]
        cases: u64,
        /// Work folder (default: a new folder in the system's temporary directory).
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The daily run over an N-case portfolio vs. the same cases read and decided only.
    RunDay {
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
        /// Work folder (default: a new folder in the system's temporary directory).
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// One phase of `bench run-day`, in its own process (used by `bench run-day`).
    #[command(hide = true)]
    RunDayPhase(crate::commands::bench_run_day::RunDayPhaseArgs),
    /// Verification codes checked against a store of N signed messages vs. the plain look-up;
    /// the log's proofs from that store and, simulated, at 10 million leaves.
    Verify(crate::commands::bench_verify::VerifyBenchArgs),
    /// The outbox draining N e-mails into an SMTP server vs. a plain loop over one connection.
    Outbox(crate::commands::bench_outbox::OutboxBenchArgs),
    /// One phase of `bench intake`, in its own process (used by `bench intake`).
    #[command(hide = true)]
    IntakePhase(PhaseArgs),
    /// One phase of `bench payments`, in its own process (used by `bench payments`).
    #[command(hide = true)]
    PaymentsPhase(PhaseArgs),
}

#[derive(Args)]
pub struct IntakeArgs {
    /// Rows of the large file.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Rows of the small file, to show that memory does not grow with the file.
    #[arg(long, default_value_t = 100_000)]
    small_rows: u64,
    /// Work folder (default: a new folder in the system's temporary directory).
    #[arg(long)]
    dir: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum, Serialize, Deserialize, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Parse,
    Import,
}

#[derive(Args)]
pub struct PhaseArgs {
    #[arg(long)]
    pub phase: Phase,
    #[arg(long)]
    pub file: PathBuf,
}

/// What one phase measured.
#[derive(Serialize, Deserialize, Debug)]
pub struct PhaseReport {
    pub phase: Phase,
    pub rows: u64,
    pub seconds: f64,
    pub rows_per_second: f64,
    pub peak_rss_mib: f64,
    /// Closing the store after the phase (on SQLite: the log copied back into the database
    /// file, which a server does in the background), not part of `seconds`.
    #[serde(default)]
    pub close_seconds: f64,
}

impl PhaseReport {
    /// `rows` handled since `started`, with this process's peak memory so far.
    pub fn since(phase: Phase, rows: u64, started: Instant) -> PhaseReport {
        let seconds = started.elapsed().as_secs_f64();
        PhaseReport {
            phase,
            rows,
            seconds,
            rows_per_second: rows as f64 / seconds,
            peak_rss_mib: peak_rss_mib(),
            close_seconds: 0.0,
        }
    }

    /// Closes the phase's store and records how long that took.
    pub async fn closing(mut self, store: &reilu_store::SqlStore) -> PhaseReport {
        let started = Instant::now();
        store.close().await;
        self.close_seconds = started.elapsed().as_secs_f64();
        self
    }
}

pub async fn run(target: &Target, command: BenchCommand) -> anyhow::Result<ExitCode> {
    match command {
        BenchCommand::Intake(args) => intake(args).await,
        BenchCommand::Outbox(args) => {
            let json = args.json;
            let report = crate::commands::bench_outbox::run(args).await?;
            if json {
                print_json(&report)?;
            } else {
                println!(
                    "outbox bench, {} e-mails\n  plain loop, one connection: {:>9.0} /s\n  outbox enqueue:             {:>9.0} /s\n  outbox drain (workers):     {:>9.0} /s\n  outbox / plain loop:        {:>9.2}",
                    report.messages,
                    report.plain_loop_per_second,
                    report.enqueue_per_second,
                    report.outbox_per_second,
                    report.ratio
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::Payments { cases, dir, json } => {
            let dir = dir.unwrap_or_else(|| {
                std::env::temp_dir().join(format!("reilu-bench-payments-{}", std::process::id()))
            });
            let report = crate::commands::bench_payments::payments(cases, &dir).await?;
            if json {
                print_json(&report)?;
            } else {
                println!(
                    "{} credits against {} cases: parse-only {:.0}/s (peak {:.0} MiB), import {:.0}/s (peak {:.0} MiB, then {:.1} s closing the store): {:.0} % of parse-only",
                    report.entries,
                    report.cases,
                    report.parse_only_per_second,
                    report.parse_peak_rss_mib,
                    report.import_per_second,
                    report.import_peak_rss_mib,
                    report.import_close_seconds,
                    report.ratio_percent,
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::RunDay { cases, dir, json } => {
            let dir = dir.unwrap_or_else(|| {
                std::env::temp_dir().join(format!("reilu-bench-run-day-{}", std::process::id()))
            });
            let report = crate::commands::bench_run_day::run_day(cases, &dir).await?;
            if json {
                print_json(&report)?;
            } else {
                let line =
                    |name: &str, phase: &crate::commands::bench_run_day::RunDayPhaseReport| {
                        println!(
                            "  {name:<22} {:>9.0} cases/s  {:>8} steps  {:>7.1} s  peak {:>6.0} MiB",
                            phase.cases_per_second, phase.steps, phase.seconds, phase.peak_rss_mib
                        );
                    };
                println!("run-day bench, {} cases, {}", report.cases, report.run_date);
                line("read + decide only:", &report.decide_only);
                line("run-day:", &report.run);
                println!("  run-day / limit: {:.0} %", report.ratio_percent);
            }
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::Verify(args) => {
            let report = crate::commands::bench_verify::run(&args).await?;
            if args.json {
                print_json(&report)?;
            } else {
                let log = &report.simulated;
                println!(
                    "verify bench, {} signed messages, {} checks each\n  plain look-up:        {:>9.0} /s\n  verify_code:          {:>9.0} /s ({:.0} % of the look-up)\n  unknown codes:        {:>9.0} /s\n  inclusion proof from the store's log ({} leaves): {:.0} µs\n  simulated log of {} leaves (built in {:.1} s): inclusion proof at most {} hashes ({} bytes), made in {:.1} µs, checked in {:.1} µs; consistency proof from {} leaves: {} hashes, made in {:.1} µs, checked in {:.1} µs",
                    report.codes,
                    report.checks,
                    report.lookups_per_second,
                    report.verifications_per_second,
                    report.ratio_percent,
                    report.unknown_per_second,
                    report.codes,
                    report.store_inclusion_proof_us,
                    log.leaves,
                    log.build_seconds,
                    log.inclusion_proof_hashes_max,
                    log.inclusion_proof_bytes_max,
                    log.inclusion_prove_us,
                    log.inclusion_verify_us,
                    log.leaves / 2 + 1,
                    log.consistency_proof_hashes,
                    log.consistency_prove_us,
                    log.consistency_verify_us,
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::RunDayPhase(args) => {
            let report = crate::commands::bench_run_day::run_phase(target, &args).await?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::Ledger {
            postings,
            postgres,
            json,
        } => {
            let rows = crate::commands::bench_ledger::ledger(postings, postgres.as_deref()).await?;
            if json {
                print_json(&rows)?;
            } else {
                println!(
                    "{:<9} {:>9} {:>15} {:>15} {:>8}",
                    "backend", "postings", "ledger/s", "plain insert/s", "ratio"
                );
                for row in &rows {
                    println!(
                        "{:<9} {:>9} {:>15.0} {:>15.0} {:>7.0}%",
                        row.backend,
                        row.postings,
                        row.ledger_per_second,
                        row.plain_per_second,
                        row.ratio_percent
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::IntakePhase(args) => {
            let report = run_phase(target, &args).await?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::PaymentsPhase(args) => {
            let report = crate::commands::bench_payments::run_phase(target, &args).await?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn intake(args: IntakeArgs) -> anyhow::Result<ExitCode> {
    let dir = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("reilu-bench-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut reports = Vec::new();
    for rows in [args.rows, args.small_rows] {
        let file = dir.join(format!("claims-{rows}.csv"));
        eprintln!("generating {rows} claim rows into {}…", file.display());
        // One case has 1 to 3 claims, so `rows` cases are always enough.
        let written = write_claim_file(&DemoPortfolio::new(42, rows, None), &file, rows)?;
        for phase in [Phase::Parse, Phase::Import] {
            eprintln!("  {phase:?} of {written} rows…");
            let data = dir.join(format!("store-{rows}-{phase:?}"));
            let _ = std::fs::remove_dir_all(&data);
            reports.push(run_child("intake-phase", phase, &file, &data)?);
        }
    }
    if args.json {
        print_json(&reports)?;
    } else {
        print_table(&reports);
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `reilu bench <subcommand> --phase P --file F --data D` and reads its report.
pub fn run_child(
    subcommand: &str,
    phase: Phase,
    file: &Path,
    data: &Path,
) -> anyhow::Result<PhaseReport> {
    let executable = std::env::current_exe()?;
    let phase_name = match phase {
        Phase::Parse => "parse",
        Phase::Import => "import",
    };
    let output = std::process::Command::new(executable)
        .args(["bench", subcommand, "--phase", phase_name, "--file"])
        .arg(file)
        .arg("--data")
        .arg(data)
        .env_remove("REILU_DATABASE_URL")
        .output()?;
    if !output.status.success() {
        bail!(
            "the {phase_name} phase failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let report = serde_json::from_slice(&output.stdout).context("the phase's report")?;
    Ok(report)
}

async fn run_phase(target: &Target, args: &PhaseArgs) -> anyhow::Result<PhaseReport> {
    let target = Target {
        data: target.data.clone(),
        database_url: Some(sqlite_url(&target.data)),
        rules: None,
    };
    let app = open_or_create_app(&target).await?;
    let input = std::io::BufReader::new(std::fs::File::open(&args.file)?);
    let started = Instant::now();
    let rows = match args.phase {
        Phase::Parse => {
            let mut rows = 0_u64;
            app.preparer().prepare_file(input, |chunk| {
                rows += chunk.claims.len() as u64 + chunk.rejected_rows;
                true
            })?;
            rows
        }
        Phase::Import => {
            let client = app
                .add_client("Bench Oy", "FI", "FI2112345600000785")
                .await?;
            let summary = app
                .import_claim_file(&client.id, "bench", input, &|_| {}, &mut |_| Ok(()))
                .await?;
            if summary.rejected > 0 {
                bail!(
                    "the bench file had {} rejected rows: {:?}",
                    summary.rejected,
                    summary.errors.first()
                );
            }
            summary.accepted + summary.duplicates
        }
    };
    Ok(PhaseReport::since(args.phase, rows, started))
}

/// The process's peak resident memory (VmHWM in /proc/self/status), in MiB.
pub fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(0.0);
    kib / 1024.0
}

fn print_table(reports: &[PhaseReport]) {
    println!(
        "{:<8} {:>10} {:>9} {:>12} {:>10}",
        "phase", "rows", "seconds", "rows/s", "peak MiB"
    );
    for report in reports {
        println!(
            "{:<8} {:>10} {:>9.2} {:>12.0} {:>10.1}",
            format!("{:?}", report.phase).to_lowercase(),
            report.rows,
            report.seconds,
            report.rows_per_second,
            report.peak_rss_mib
        );
    }
    for pair in reports.chunks(2) {
        if let [parse, import] = pair {
            println!(
                "{} rows: import runs at {:.0}% of the parse-only rate",
                import.rows,
                100.0 * import.rows_per_second / parse.rows_per_second
            );
        }
    }
}
