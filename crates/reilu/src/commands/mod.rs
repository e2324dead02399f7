//! One module per command.

pub mod account;
pub mod accrue;
pub mod bench;
pub mod bench_ledger;
pub mod bench_outbox;
pub mod bench_payments;
pub mod bench_run_day;
pub mod bench_verify;
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
pub mod simulate;
pub mod strategy;
pub mod sweep;
pub mod tasks;
pub mod verify;

/// Prints a value as pretty JSON on stdout.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", serde_json::to_string_pretty(value)?)?;
    Ok(())
}

/// A spinner on standard error with a running message, hidden when it is not a terminal.
pub fn spinner(label: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    let template = format!("{{spinner}} {label}: {{msg}} ({{elapsed}})");
    let style = indicatif::ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// A progress bar on standard error counting up to `total`, hidden when it is not a terminal.
pub fn progress_bar(total: u64, unit: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    let template = format!("{{bar:40}} {{pos}}/{{len}} {unit}, {{msg}} (eta {{eta}})");
    let style = indicatif::ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
