//! One benchmark run: the portfolio, the agreement check, the full mix through the gate, and
//! the contact subset through both engines, all on the calling thread.

use std::hint::black_box;
use std::time::Instant;

use reilu_core::Markets;
use reilu_rules::Gate;

use crate::agreement::{self, Agreement};
use crate::cedar::CedarContact;
use crate::portfolio::{JobKind, Portfolio};
use crate::timing::{self, Samples, Stats};

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub cases: usize,
    /// Proposals in the mix, each measured once; the contact subset is measured as often.
    pub decisions: usize,
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            cases: 10_000,
            decisions: 200_000,
            seed: 42,
        }
    }
}

/// Untimed calls before each timed loop: enough to fault in the portfolio and warm caches
/// and branch predictors, bounded so small runs stay quick.
const WARMUP_MAX: usize = 50_000;

/// Everything measured in one run.
#[derive(Debug)]
pub struct Report {
    pub config: Config,
    pub setup_ms: f64,
    pub timer_overhead_ns: u64,
    pub mix: Stats,
    pub by_kind: Vec<(JobKind, Stats)>,
    pub contact_reilu: Stats,
    pub contact_cedar: Stats,
    pub agreement: Agreement,
}

impl Report {
    /// How many times more time Cedar takes per contact decision than the gate.
    pub fn ratio(&self) -> f64 {
        if self.contact_reilu.mean_ns > 0.0 {
            self.contact_cedar.mean_ns / self.contact_reilu.mean_ns
        } else {
            0.0
        }
    }
}

/// Runs the whole benchmark.
pub fn run(config: Config) -> anyhow::Result<Report> {
    let started = Instant::now();
    let gate = Gate::builtin(&Markets::builtin()?)?;
    let portfolio = Portfolio::generate(&gate, config.cases, config.decisions, config.seed)?;
    let cedar = CedarContact::new()?;
    let setup_ms = started.elapsed().as_secs_f64() * 1e3;
    let agreement = agreement::check(&gate, &cedar, &portfolio)?;
    let timer_overhead_ns = timing::timer_overhead_ns();

    let all: Vec<usize> = (0..portfolio.jobs.len()).collect();
    let warmup = all.len().min(WARMUP_MAX);
    let mix = time_gate(&gate, &portfolio, &all, warmup, all.len())?;
    let by_kind = JobKind::ALL
        .into_iter()
        .map(|kind| {
            let of_kind = mix
                .ns
                .iter()
                .zip(&mix.inputs)
                .filter(|(_, input)| portfolio.jobs[**input].kind == kind)
                .map(|(ns, _)| *ns);
            (kind, Stats::of(of_kind, None))
        })
        .collect();

    let contacts = portfolio.contact_jobs();
    let warmup = contacts.len().min(WARMUP_MAX);
    let contact_reilu = time_gate(&gate, &portfolio, &contacts, warmup, config.decisions)?;
    let contact_cedar = timing::run(&contacts, warmup, config.decisions, |index| {
        let job = &portfolio.jobs[index];
        let case_id = &portfolio.case_ids[job.case];
        let response = cedar.decide(
            &gate,
            case_id,
            &portfolio.cases[job.case],
            &job.proposal,
            &job.context,
        )?;
        black_box(response);
        Ok(())
    })?;
    Ok(Report {
        config,
        setup_ms,
        timer_overhead_ns,
        mix: Stats::of(mix.ns.iter().copied(), Some(mix.wall)),
        by_kind,
        contact_reilu: Stats::of(contact_reilu.ns.iter().copied(), Some(contact_reilu.wall)),
        contact_cedar: Stats::of(contact_cedar.ns.iter().copied(), Some(contact_cedar.wall)),
        agreement,
    })
}

fn time_gate(
    gate: &Gate,
    portfolio: &Portfolio,
    order: &[usize],
    warmup: usize,
    measured: usize,
) -> anyhow::Result<Samples> {
    timing::run(order, warmup, measured, |index| {
        let job = &portfolio.jobs[index];
        let outcome = gate.decide(
            black_box(&job.proposal),
            black_box(&portfolio.cases[job.case]),
            black_box(&job.context),
        );
        black_box(outcome);
        Ok(())
    })
}
