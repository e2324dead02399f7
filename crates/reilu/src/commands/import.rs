//! `reilu import claims --client ID FILE.csv`.

use std::fs::File;
use std::io::{BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use reilu_app::AppError;
use reilu_app::intake::RowError;

use crate::commands::print_json;
use crate::context::{Target, open_or_create_app};

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import a claim file (CSV, see the README) for a client.
    Claims(ClaimsArgs),
    /// Import bank payments (camt.053 statement or camt.054 notification).
    Payments(crate::commands::import_payments::PaymentsArgs),
}

#[derive(Args)]
pub struct ClaimsArgs {
    /// The client placing the claims.
    #[arg(long)]
    client: String,
    /// The claim file.
    file: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// Also write every row error to this CSV file (row, column, reason).
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
}

pub async fn run(target: &Target, command: ImportCommand) -> anyhow::Result<ExitCode> {
    let args = match command {
        ImportCommand::Claims(args) => args,
        ImportCommand::Payments(args) => {
            return crate::commands::import_payments::run(target, args).await;
        }
    };
    let app = open_or_create_app(target).await?;
    let file =
        File::open(&args.file).with_context(|| format!("cannot open {}", args.file.display()))?;
    let size_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress_bar(size_bytes);
    let mut errors_file = match &args.errors {
        Some(path) => Some(
            csv::Writer::from_path(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => None,
    };
    if let Some(writer) = errors_file.as_mut() {
        writer.write_record(["row", "column", "reason"])?;
    }
    let mut on_errors = |errors: &[RowError]| -> Result<(), AppError> {
        let Some(writer) = errors_file.as_mut() else {
            return Ok(());
        };
        for error in errors {
            let row = error.row.to_string();
            writer
                .write_record([row.as_str(), &error.column, &error.reason])
                .map_err(|e| AppError::Io(e.to_string()))?;
        }
        Ok(())
    };
    let source = args
        .file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let progress = |position: u64| bar.set_position(position);
    let summary = app
        .import_claim_file(
            &args.client,
            &source,
            BufReader::new(file),
            &progress,
            &mut on_errors,
        )
        .await;
    bar.finish_and_clear();
    let summary = summary?;
    if let Some(mut writer) = errors_file {
        writer.flush()?;
    }
    if args.json {
        print_json(&summary)?;
    } else {
        print_summary(&summary)?;
    }
    // A script sees from the exit code alone that rows need fixing: 1 when any row was
    // rejected (the good rows are placed all the same), 0 when every row was placed or was
    // a duplicate.
    if summary.rejected > 0 {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn progress_bar(size_bytes: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(size_bytes);
    let style = ProgressStyle::with_template(
        "{spinner} importing [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}

fn print_summary(summary: &reilu_app::intake::IntakeSummary) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "accepted {}, duplicates {}, rejected {}",
        summary.accepted, summary.duplicates, summary.rejected
    )?;
    for error in &summary.errors {
        writeln!(out, "row {}: {}: {}", error.row, error.column, error.reason)?;
    }
    if summary.errors_omitted > 0 {
        writeln!(
            out,
            "… and {} more errors (use --errors FILE to get them all)",
            summary.errors_omitted
        )?;
    }
    Ok(())
}
