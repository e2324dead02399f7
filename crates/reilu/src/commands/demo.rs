//! `reilu demo --cases N --seed S`: a deterministic synthetic portfolio.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use reilu_app::demo::DemoPortfolio;
use reilu_formats::claim_row::{CLAIM_COLUMNS, RawClaim};

use crate::commands::print_json;
use crate::context::{Target, open_app};

#[derive(Args)]
pub struct DemoArgs {
    /// Cases to generate (each has one to three claims).
    #[arg(long, default_value_t = 1000)]
    cases: u64,
    /// The same seed gives the same portfolio.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The date claim ages count back from (default 2026-11-01, fixed for reproducibility).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
    /// Write the claims as a claim file instead of loading them.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub async fn run(target: &Target, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let portfolio = DemoPortfolio::new(args.seed, args.cases, args.as_of);
    if let Some(path) = &args.csv {
        let rows = write_claim_file(&portfolio, path, u64::MAX)?;
        println!("wrote {rows} claims to {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let app = open_app(target).await?;
    let summary = app.load_demo(&portfolio).await?;
    if args.json {
        print_json(&summary)?;
    } else {
        println!(
            "demo portfolio (seed {}, {} cases): {} clients created, {} claims placed, {} already there, {} rejected",
            args.seed,
            args.cases,
            summary.clients_created,
            summary.claims_accepted,
            summary.claims_already_there,
            summary.claims_rejected
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes at most `rows_max` of the portfolio's claims as a claim file; returns the count.
pub fn write_claim_file(
    portfolio: &DemoPortfolio,
    path: &PathBuf,
    rows_max: u64,
) -> anyhow::Result<u64> {
    let mut writer = csv::Writer::from_path(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    writer.write_record(CLAIM_COLUMNS.iter().map(|(column, _)| *column))?;
    let mut rows = 0_u64;
    for (_, claim) in portfolio.claims() {
        if rows >= rows_max {
            break;
        }
        writer.write_record(claim_fields(&claim))?;
        rows += 1;
    }
    writer.flush()?;
    Ok(rows)
}

fn text(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or("")
}

fn claim_fields(claim: &RawClaim) -> [&str; 19] {
    [
        text(&claim.client_claim_ref),
        text(&claim.market),
        text(&claim.customer_type),
        text(&claim.customer_national_id),
        text(&claim.customer_name),
        text(&claim.customer_address_line1),
        text(&claim.customer_postcode),
        text(&claim.customer_city),
        text(&claim.customer_country),
        text(&claim.customer_email),
        text(&claim.customer_phone),
        text(&claim.customer_language),
        text(&claim.currency),
        text(&claim.principal),
        text(&claim.invoice_date),
        text(&claim.due_date),
        text(&claim.interest_rate_pct),
        text(&claim.creditor_fees),
        text(&claim.description),
    ]
}
