//! `reilu serve [--demo]`: the platform over HTTP.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use reilu_app::demo::DemoPortfolio;
use reilu_store::Store;

use crate::context::{Target, open_or_create_app};

/// Cases in the portfolio `serve --demo` loads into an empty store.
const DEMO_CASES_DEFAULT: u64 = 2000;
const DEMO_LOGINS_FILE_NAME: &str = "demo-logins.txt";
/// The demo's finance operator: its key exists only once, when it is created, so it is kept
/// in a file of its own (owner-only) that later starts read back.
const DEMO_OPERATOR_FILE_NAME: &str = "demo-operator.txt";

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Fill an empty store with the synthetic demo portfolio first.
    #[arg(long)]
    demo: bool,
    /// Cases in the demo portfolio.
    #[arg(long, default_value_t = DEMO_CASES_DEFAULT)]
    demo_cases: u64,
    /// Seed of the demo portfolio.
    #[arg(long, default_value_t = 1)]
    demo_seed: u64,
}

pub async fn run(target: &Target, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let app = open_or_create_app(target).await?;
    // Interest stops on a market's first day without a late rate: said at every start, from
    // 30 days ahead, so a compliance officer records the next half-year's rate in time.
    for gap in app.rate_warnings(chrono::Utc::now().date_naive()) {
        tracing::warn!("{}", crate::commands::rates::gap_text(&gap));
    }
    let demo_logins = if args.demo {
        Some(prepare_demo(target, &app, &args).await?)
    } else {
        None
    };
    let store_shown = match &target.database_url {
        Some(url) if !url.trim().is_empty() => reilu_store::redact_url(url),
        _ => format!(
            "SQLite file {}",
            target
                .data
                .join(crate::context::DATABASE_FILE_NAME)
                .display()
        ),
    };
    let house = app.gate.book().house().stamp.clone();
    let packs = format!(
        "{} markets and the house policy {} (sha256 {})",
        app.gate.book().market_packs().count(),
        house.version,
        &house.sha256[..12]
    );
    let shutdown = stop_requested();
    let announce = move |bound: SocketAddr| {
        println!("Reilu is running at http://{bound}/");
        println!("  store:      {store_shown}");
        println!("  health:     http://{bound}/healthz");
        println!("  API:        http://{bound}/api/v1/openapi.json");
        println!("  rule packs: {packs}");
        if let Some(logins) = &demo_logins {
            println!("{logins}");
        }
        println!("Stop with Ctrl-C (or SIGTERM).");
    };
    let config = reilu_web::WebConfig::in_data_folder(&target.data);
    reilu_web::serve(app, &config, args.addr, announce, shutdown)
        .await
        .with_context(|| format!("cannot serve on {}", args.addr))?;
    Ok(ExitCode::SUCCESS)
}

/// Loads the demo portfolio into an empty store and returns the text that presents the demo
/// logins; writes them all to the data folder too (owner-only, like the key file).
async fn prepare_demo(
    target: &Target,
    app: &reilu_app::App<reilu_store::SqlStore>,
    args: &ServeArgs,
) -> anyhow::Result<String> {
    let portfolio = DemoPortfolio::new(args.demo_seed, args.demo_cases, None);
    if app.store().counts().await?.claims == 0 {
        eprintln!(
            "Loading the demo portfolio ({} cases, seed {})…",
            args.demo_cases, args.demo_seed
        );
        let summary = app.load_demo(&portfolio).await?;
        eprintln!(
            "  {} clients, {} claims placed.",
            summary.clients_created, summary.claims_accepted
        );
        let operator = app
            .add_operator("Demo finance", reilu_core::OperatorRole::Finance)
            .await?;
        write_private(
            &target.data.join(DEMO_OPERATOR_FILE_NAME),
            &format!(
                "finance operator {} key {} (POST /api/v1/payments/imports)\n",
                operator.id,
                operator.api_key.peek()
            ),
        )?;
    }
    let operator = std::fs::read_to_string(target.data.join(DEMO_OPERATOR_FILE_NAME)).ok();
    let mut all =
        String::from("Demo logins: client id and API key (Authorization: Bearer <key>)\n");
    for client in portfolio.clients() {
        all.push_str(&format!(
            "{}  {}  {}  {}\n",
            client.market, client.id, client.api_key, client.name
        ));
    }
    if let Some(operator) = &operator {
        all.push_str(operator);
    }
    let path = target.data.join(DEMO_LOGINS_FILE_NAME);
    write_private(&path, &all)?;
    let mut shown = String::from("Demo logins (client API; every one is in ");
    shown.push_str(&format!("{}):\n", path.display()));
    for client in portfolio.clients().iter().take(3) {
        shown.push_str(&format!(
            "  {} ({}) client {} key {}\n",
            client.name, client.market, client.id, client.api_key
        ));
    }
    if let Some(operator) = &operator {
        shown.push_str(&format!("  {operator}"));
    }
    shown.push_str("  Try: reilu case show 100000 --reader you --purpose demo");
    Ok(shown)
}

fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// Ctrl-C, or SIGTERM (how service managers and containers ask a server to stop): either
/// ends the server gracefully, so open requests finish and the store is closed. A handler
/// that cannot be installed never fires; the server then runs until killed.
async fn stop_requested() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
