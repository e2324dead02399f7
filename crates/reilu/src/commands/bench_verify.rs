//! `reilu bench verify`: verification codes checked per second against a store of N signed
//! messages, side by side with the plain look-up of the same codes (the limit: what the
//! signature check and the parsing cost on top); proofs served from that store's log; and the
//! log's proof sizes and times at 10 million leaves, simulated in memory (the tree's shape,
//! and so every proof's size, depends on its size only).

use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use rand::Rng;
use reilu_app::outbox::{MessageRequest, MessageValues, Templates, build_message};
use reilu_app::{App, SystemClock};
use reilu_core::{CustomerDetails, CustomerKind, Email, LanguageTag, PostalAddress, Secret};
use reilu_store::{SqlStore, Store};
use reilu_tlog::MemoryTree;
use reilu_vault::{MasterKey, Vault};
use serde::Serialize;

use crate::context::sqlite_url;

#[derive(Args)]
pub struct VerifyBenchArgs {
    /// Signed messages in the store.
    #[arg(long, default_value_t = 100_000)]
    codes: usize,
    /// Checks made in each phase.
    #[arg(long, default_value_t = 20_000)]
    checks: usize,
    /// Leaves of the simulated log.
    #[arg(long, default_value_t = 10_000_000)]
    leaves: u64,
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
pub struct VerifyBenchReport {
    pub codes: usize,
    pub checks: usize,
    /// The plain look-up of a code's row, nothing checked (the limit).
    pub lookups_per_second: f64,
    /// `App::verify_code`: look-up, signature check, parsing.
    pub verifications_per_second: f64,
    /// Codes no message has (answered without a signature check).
    pub unknown_per_second: f64,
    pub ratio_percent: f64,
    /// An inclusion proof read from the store's log of `codes` leaves, microseconds.
    pub store_inclusion_proof_us: f64,
    pub simulated: SimulatedLog,
}

#[derive(Serialize)]
pub struct SimulatedLog {
    pub leaves: u64,
    pub build_seconds: f64,
    pub inclusion_proof_hashes_max: usize,
    pub inclusion_proof_bytes_max: usize,
    pub inclusion_prove_us: f64,
    pub inclusion_verify_us: f64,
    pub consistency_proof_hashes: usize,
    pub consistency_prove_us: f64,
    pub consistency_verify_us: f64,
}

pub async fn run(args: &VerifyBenchArgs) -> anyhow::Result<VerifyBenchReport> {
    let folder = std::env::temp_dir().join(format!("reilu-bench-verify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder)?;
    let master = MasterKey::generate();
    let store = SqlStore::connect(&sqlite_url(&folder), master.journal_key()).await?;
    let app = App::new(store.clone(), Vault::new(&master), Arc::new(SystemClock))?;
    eprintln!("signing and storing {} messages…", args.codes);
    fill(&app, args.codes).await?;
    let leaves = store.log_leaves(0, i64::try_from(args.codes)?).await?;
    let codes: Vec<String> = leaves.iter().map(|leaf| leaf.code.clone()).collect();
    anyhow::ensure!(codes.len() == args.codes, "{} codes stored", codes.len());
    let mut rng = rand::thread_rng();
    let picks: Vec<&str> = (0..args.checks)
        .map(|_| codes[rng.gen_range(0..codes.len())].as_str())
        .collect();

    let started = Instant::now();
    for code in &picks {
        anyhow::ensure!(
            store.commitment_by_code(code).await?.is_some(),
            "lost {code}"
        );
    }
    let lookups = rate(args.checks, started);
    let started = Instant::now();
    for code in &picks {
        let answer = app.verify_code(code).await?;
        anyhow::ensure!(
            matches!(answer, reilu_app::verify::Verification::Genuine { .. }),
            "{code} did not verify"
        );
    }
    let verifications = rate(args.checks, started);
    let started = Instant::now();
    for _ in 0..args.checks {
        app.verify_code(&reilu_app::verify::new_code()).await?;
    }
    let unknown = rate(args.checks, started);

    let size = u64::try_from(args.codes)?;
    let started = Instant::now();
    for _ in 0..1_000 {
        app.log_inclusion_proof(rng.gen_range(0..size), size)
            .await?;
    }
    let store_inclusion_proof_us = started.elapsed().as_secs_f64() * 1e6 / 1_000.0;
    store.close().await;
    let _ = std::fs::remove_dir_all(&folder);
    eprintln!("simulating a log of {} leaves…", args.leaves);
    Ok(VerifyBenchReport {
        codes: args.codes,
        checks: args.checks,
        lookups_per_second: lookups,
        verifications_per_second: verifications,
        unknown_per_second: unknown,
        ratio_percent: 100.0 * verifications / lookups,
        store_inclusion_proof_us,
        simulated: simulate(args.leaves)?,
    })
}

fn rate(count: usize, started: Instant) -> f64 {
    count as f64 / started.elapsed().as_secs_f64().max(1e-9)
}

/// `count` SMS signed by the app's key and enqueued in batches (each writes its commitments
/// and log leaves).
async fn fill(app: &App<SqlStore>, count: usize) -> anyhow::Result<()> {
    let templates = Templates::builtin()?;
    let customer = CustomerDetails {
        kind: CustomerKind::Consumer,
        national_id: Secret::new("010190-123A".into()),
        name: Secret::new("Bench Customer".into()),
        address: PostalAddress {
            line1: Secret::new("Katu 1".into()),
            postcode: Secret::new("00100".into()),
            city: Secret::new("Helsinki".into()),
            country: "FI".into(),
        },
        email: Email::parse("bench@example.test").ok(),
        phone: reilu_core::Phone::parse("+358401234567").ok(),
        language: LanguageTag::parse("fi")?,
    };
    let mut batch = Vec::with_capacity(1_000);
    for n in 0..count {
        let decision = format!("bench-{n}");
        let message = build_message(
            &app.vault,
            &templates,
            &customer,
            &MessageRequest {
                case_number: 1_000_000 + i64::try_from(n)?,
                decision_id: &decision,
                channel: "sms",
                template: "reminder",
                language: "fi",
                values: MessageValues {
                    creditor: "Kauppa Oy".into(),
                    amount: format!("{},{:02} EUR", 50 + n % 900, n % 100),
                    reference: format!("RF18{n:010}"),
                    case_number: (1_000_000 + n).to_string(),
                    pay_by: "2026-12-31".into(),
                    customer_name: "Bench Customer".into(),
                },
                not_before_ms: 1_796_000_000_000,
                signer: Some(&app.signer),
            },
        )?;
        batch.push(message);
        if batch.len() == 1_000 {
            app.store().enqueue_messages(&batch).await?;
            batch.clear();
        }
    }
    app.store().enqueue_messages(&batch).await?;
    Ok(())
}

/// Proof sizes and times over a log of `leaves` leaves held in memory.
fn simulate(leaves: u64) -> anyhow::Result<SimulatedLog> {
    let started = Instant::now();
    let mut tree = MemoryTree::new();
    for n in 0..leaves {
        tree.append(&n.to_le_bytes());
    }
    let build_seconds = started.elapsed().as_secs_f64();
    let root = tree.root();
    let mut rng = rand::thread_rng();
    let indexes: Vec<u64> = (0..1_000).map(|_| rng.gen_range(0..leaves)).collect();
    let started = Instant::now();
    let proofs = indexes
        .iter()
        .map(|index| tree.inclusion_proof(*index, leaves))
        .collect::<Result<Vec<_>, _>>()?;
    let inclusion_prove_us = started.elapsed().as_secs_f64() * 1e6 / 1_000.0;
    let started = Instant::now();
    for (index, proof) in indexes.iter().zip(&proofs) {
        let leaf = reilu_tlog::leaf_hash(&index.to_le_bytes());
        reilu_tlog::verify_inclusion(*index, leaves, &leaf, proof, &root)?;
    }
    let inclusion_verify_us = started.elapsed().as_secs_f64() * 1e6 / 1_000.0;
    let hashes_max = proofs.iter().map(Vec::len).max().unwrap_or(0);
    let old = leaves / 2 + 1;
    let old_root = tree.root_at(old)?;
    let started = Instant::now();
    let consistency = tree.consistency_proof(old, leaves)?;
    let consistency_prove_us = started.elapsed().as_secs_f64() * 1e6;
    let started = Instant::now();
    reilu_tlog::verify_consistency(old, leaves, &old_root, &root, &consistency)?;
    let consistency_verify_us = started.elapsed().as_secs_f64() * 1e6;
    Ok(SimulatedLog {
        leaves,
        build_seconds,
        inclusion_proof_hashes_max: hashes_max,
        inclusion_proof_bytes_max: hashes_max * 32,
        inclusion_prove_us,
        inclusion_verify_us,
        consistency_proof_hashes: consistency.len(),
        consistency_prove_us,
        consistency_verify_us,
    })
}
