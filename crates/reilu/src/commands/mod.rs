//! One module per command.

pub mod account;
pub mod accrue;
pub mod bench;
pub mod bench_ledger;
pub mod bench_outbox;
pub mod bench_payments;
pub mod case;
pub mod check;
pub mod clients;
pub mod demo;
pub mod import;
pub mod import_payments;
pub mod journal;
pub mod operators;
pub mod outbox;
pub mod payments;
pub mod rates;
pub mod reconcile;
pub mod remit;
pub mod rules;
pub mod run_day;
pub mod serve;
pub mod strategy;
pub mod sweep;

/// Prints a value as pretty JSON on stdout.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", serde_json::to_string_pretty(value)?)?;
    Ok(())
}
