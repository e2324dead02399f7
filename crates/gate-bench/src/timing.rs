//! The timing loop: every decision timed on its own with `Instant` on the calling thread,
//! after an untimed warm-up, and the latency distribution summarised.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Per-decision latencies in nanoseconds, in the order they ran, and the loop's wall time.
#[derive(Debug)]
pub struct Samples {
    pub ns: Vec<u64>,
    /// Which input each sample decided (an index into the caller's list).
    pub inputs: Vec<usize>,
    pub wall: Duration,
}

/// Runs `decide` over `order` (cycling when `measured` exceeds it): `warmup` untimed calls,
/// then `measured` timed ones. `decide` must consume and drop its result itself, so freeing
/// what a decision allocated is part of its time.
pub fn run(
    order: &[usize],
    warmup: usize,
    measured: usize,
    mut decide: impl FnMut(usize) -> anyhow::Result<()>,
) -> anyhow::Result<Samples> {
    anyhow::ensure!(!order.is_empty(), "nothing to time");
    for position in 0..warmup {
        decide(order[position % order.len()])?;
    }
    let mut samples = Samples {
        ns: Vec::with_capacity(measured),
        inputs: Vec::with_capacity(measured),
        wall: Duration::ZERO,
    };
    let started = Instant::now();
    for position in 0..measured {
        let input = order[(warmup + position) % order.len()];
        let start = Instant::now();
        let result = decide(black_box(input));
        let elapsed = start.elapsed();
        result?;
        samples
            .ns
            .push(u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX));
        samples.inputs.push(input);
    }
    samples.wall = started.elapsed();
    Ok(samples)
}

/// The median cost of one `Instant::now()` + `elapsed()` pair around nothing: included in
/// every latency figure, reported so it can be discounted.
pub fn timer_overhead_ns() -> u64 {
    let mut ns: Vec<u64> = (0..100_000)
        .map(|_| {
            let start = Instant::now();
            black_box(());
            u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
        })
        .collect();
    ns.sort_unstable();
    ns[ns.len() / 2]
}

/// The summary of a set of latencies.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stats {
    pub count: usize,
    /// Decisions per second of wall time over the whole timed loop (timer overhead included).
    pub per_second: f64,
    pub mean_ns: f64,
    pub p50_ns: u64,
    pub p99_ns: u64,
    pub p999_ns: u64,
    pub max_ns: u64,
}

impl Stats {
    /// Summarises `ns`; `wall` is the loop's wall time, None for a subset of a loop (its
    /// rate is then taken from the sum of its latencies).
    pub fn of(ns: impl Iterator<Item = u64>, wall: Option<Duration>) -> Self {
        let mut sorted: Vec<u64> = ns.collect();
        if sorted.is_empty() {
            return Stats::default();
        }
        sorted.sort_unstable();
        let count = sorted.len();
        let total: u128 = sorted.iter().map(|&ns| u128::from(ns)).sum();
        let seconds = wall.map_or(total as f64 / 1e9, |wall| wall.as_secs_f64());
        Stats {
            count,
            per_second: if seconds > 0.0 {
                count as f64 / seconds
            } else {
                0.0
            },
            mean_ns: total as f64 / count as f64,
            p50_ns: percentile(&sorted, 0.50),
            p99_ns: percentile(&sorted, 0.99),
            p999_ns: percentile(&sorted, 0.999),
            max_ns: sorted[count - 1],
        }
    }
}

/// Nearest-rank percentile of sorted, non-empty latencies.
fn percentile(sorted: &[u64], quantile: f64) -> u64 {
    let rank = (quantile * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let ns: Vec<u64> = (1..=1000).collect();
        let stats = Stats::of(ns.into_iter(), None);
        assert_eq!(
            (stats.p50_ns, stats.p99_ns, stats.p999_ns, stats.max_ns),
            (500, 990, 999, 1000)
        );
        assert!((stats.mean_ns - 500.5).abs() < 1e-9);
    }
}
