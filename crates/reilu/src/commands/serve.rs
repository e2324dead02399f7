//! `reilu serve [--demo]`: the platform over HTTP.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

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
/// [`reilu_web::CONNECTIONS_MAX_DEFAULT`] as the flag's type (512 fits).
const CONNECTIONS_MAX_DEFAULT: u32 = reilu_web::CONNECTIONS_MAX_DEFAULT as u32;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT: an IP address or a host name (localhost:8080).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    addr: String,
    /// Connections served at once; more wait until one closes.
    #[arg(long, default_value_t = CONNECTIONS_MAX_DEFAULT, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    connections_max: u32,
    /// Seconds a client has to send a request's headers (and to start its next request on a
    /// kept-alive connection) before the connection is closed.
    #[arg(long, default_value_t = reilu_web::HEADER_TIMEOUT_DEFAULT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout_secs: u64,
    /// Seconds a JSON body has to arrive whole, and the longest a payment file's upload may
    /// stall, before the request is answered 408.
    #[arg(long, default_value_t = reilu_web::BODY_TIMEOUT_DEFAULT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    body_timeout_secs: u64,
    /// Fill an empty store with the synthetic demo portfolio first.
    #[arg(long)]
    demo: bool,
    /// Cases in the demo portfolio.
    #[arg(long, default_value_t = DEMO_CASES_DEFAULT)]
    demo_cases: u64,
    /// Seed of the demo portfolio.
    #[arg(long, default_value_t = 1)]
    demo_seed: u64,
    /// Do not run the outbox's delivery workers in this process.
    #[arg(long)]
    no_delivery: bool,
    #[command(flatten)]
    delivery: crate::commands::outbox::DeliveryArgs,
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
    let listener = bind(&args.addr).await?;
    let bound = listener.local_addr()?;
    announce(&startup_text(target, &app, bound, demo_logins.as_deref()));
    let config = reilu_web::WebConfig {
        connections_max: usize::try_from(args.connections_max)
            .unwrap_or(reilu_web::CONNECTIONS_MAX_DEFAULT),
        header_timeout: Duration::from_secs(args.header_timeout_secs),
        body_timeout: Duration::from_secs(args.body_timeout_secs),
        ..reilu_web::WebConfig::in_data_folder(&target.data)
    };
    let workers = start_delivery(target, &app, &args)?;
    let served = reilu_web::serve(app, &config, listener, stop_requested()).await;
    if let Some((stop, handles)) = workers {
        let _ = stop.send(true);
        for handle in handles {
            let _ = handle.await;
        }
    }
    served.with_context(|| format!("cannot serve on {bound}"))?;
    Ok(ExitCode::SUCCESS)
}

type Workers = (
    tokio::sync::watch::Sender<bool>,
    Vec<tokio::task::JoinHandle<()>>,
);

/// Starts the delivery workers unless told not to; `--demo` delivers to the sinks in the
/// data folder. Without any channel configured there is nothing to start.
fn start_delivery(
    target: &Target,
    app: &reilu_app::App<reilu_store::SqlStore>,
    args: &ServeArgs,
) -> anyhow::Result<Option<Workers>> {
    if args.no_delivery {
        return Ok(None);
    }
    let mut delivery = args.delivery.clone();
    delivery.sink |= args.demo;
    let worker = delivery.worker(target, app)?;
    if worker.channels.names().is_empty() {
        tracing::info!("no delivery channel configured: the outbox is not drained here");
        return Ok(None);
    }
    tracing::info!(channels = ?worker.channels.names(), "delivery workers started");
    Ok(Some(crate::commands::outbox::spawn_workers(
        &worker,
        delivery.workers,
    )))
}

/// What the server says when it starts: where it runs, on which store and rules, the logins
/// of the demo.
fn startup_text(
    target: &Target,
    app: &reilu_app::App<reilu_store::SqlStore>,
    bound: SocketAddr,
    demo_logins: Option<&str>,
) -> String {
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
    let house = &app.gate.book().house().stamp;
    let mut text = format!(
        "Reilu is running at http://{bound}/\n  store:      {store_shown}\n  health:     http://{bound}/healthz\n  API:        http://{bound}/api/v1/openapi.json\n  rule packs: {} markets and the house policy {} (sha256 {})\n",
        app.gate.book().market_packs().count(),
        house.version,
        house.sha256.get(..12).unwrap_or(&house.sha256)
    );
    if let Some(logins) = demo_logins {
        text.push_str(logins);
        text.push('\n');
    }
    text.push_str("Stop with Ctrl-C (or SIGTERM).\n");
    text
}

/// Prints `text` to stdout. A server whose stdout was closed (its reader went away) keeps
/// serving: println! would panic.
fn announce(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        tracing::warn!("cannot print the startup message: stdout is closed");
    }
}

/// Binds `HOST:PORT`, trying each address a host name resolves to until one binds.
async fn bind(addr: &str) -> anyhow::Result<tokio::net::TcpListener> {
    let has_port = addr
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if !has_port {
        anyhow::bail!("--addr {addr}: expected HOST:PORT, e.g. 127.0.0.1:8080 or localhost:8080");
    }
    tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))
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
    shown.push_str(&format!(
        "  Try: reilu{} case show 100000 --reader you --purpose demo",
        store_flags(target)
    ));
    Ok(shown)
}

/// The flags a command needs to reach the store this server uses: `--data` unless it is the
/// default folder, and `--database-url` when one is set (its password elided: the command
/// then asks for it by failing, instead of quietly opening another store).
fn store_flags(target: &Target) -> String {
    let mut flags = String::new();
    if target.data != Path::new(crate::DATA_DEFAULT) {
        flags.push_str(&format!(
            " --data {}",
            shell_word(&target.data.display().to_string())
        ));
    }
    if let Some(url) = target
        .database_url
        .as_deref()
        .filter(|url| !url.trim().is_empty())
    {
        let has_password = url
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('@'))
            .is_some_and(|(credentials, _)| credentials.contains(':'));
        let shown = if has_password {
            reilu_store::redact_url(url)
        } else {
            url.trim().to_owned()
        };
        flags.push_str(&format!(" --database-url {}", shell_word(&shown)));
    }
    flags
}

/// `text` quoted for a POSIX shell where it needs quoting.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&byte));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
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
