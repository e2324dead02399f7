//! `reilu`: one command for the whole platform. Every command takes `--data DIR` and
//! `--database-url URL` (or `REILU_DATABASE_URL`), so the same commands work on the embedded
//! SQLite store and on PostgreSQL.

mod commands;
mod context;

/// mimalloc instead of the system allocator: the store's SQLite worker thread allocates the
/// values of every statement and the async side frees them, and glibc's allocator spends
/// more time on that cross-thread traffic than SQLite spends writing (measured with
/// `perf` on `reilu bench payments`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The data folder when `--data` is not given.
pub(crate) const DATA_DEFAULT: &str = "reilu-data";

#[derive(Parser)]
#[command(
    name = "reilu",
    version,
    about = "Reilu: fair collection, by construction."
)]
struct Cli {
    /// Folder for the embedded database and the master key file.
    #[arg(long, global = true, default_value = DATA_DEFAULT, value_name = "DIR")]
    data: PathBuf,
    /// Database URL (postgres://… or sqlite://…); default: the SQLite file in --data.
    #[arg(long, global = true, env = "REILU_DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,
    /// Folder of rule packs (house.toml and <market>.toml) to use instead of the built-in ones.
    #[arg(long, global = true, env = "REILU_RULES_DIR", value_name = "DIR")]
    rules: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the platform (HTTP) on --addr.
    Serve(commands::serve::ServeArgs),
    /// Onboard and list clients.
    #[command(subcommand)]
    Client(commands::clients::ClientCommand),
    /// Add, list and revoke operators: the staff's keys for the operator API.
    #[command(subcommand)]
    Operator(commands::operators::OperatorCommand),
    /// Bank payments: the unmatched queue worked (assign, refund), overpayments refunded.
    #[command(subcommand)]
    Payments(commands::payments::PaymentsCommand),
    /// The company's bank accounts: client money and its own.
    #[command(subcommand)]
    Account(commands::account::AccountCommand),
    /// Import files.
    #[command(subcommand)]
    Import(commands::import::ImportCommand),
    /// Fill the store with a deterministic synthetic portfolio, or write it as a claim file.
    Demo(commands::demo::DemoArgs),
    /// Look at a case (reading personal data is journaled).
    #[command(subcommand)]
    Case(commands::case::CaseCommand),
    /// The gate's rule packs and calendars.
    #[command(subcommand)]
    Rules(commands::rules::RulesCommand),
    /// The treatment strategies: which step comes when, per market and segment.
    #[command(subcommand)]
    Strategy(commands::strategy::StrategyCommand),
    /// Pay clients what was collected for them, less commission (pain.001 files and reports).
    Remit(commands::remit::RemitArgs),
    /// Move the company's own money (costs, commission) out of the client-money accounts.
    Sweep(commands::sweep::SweepArgs),
    /// Accrue late interest on every open case up to a date, as the gate allows; once per period.
    Accrue(commands::accrue::AccrueArgs),
    /// Take every open case one day forward: interest, then each case's next strategy step
    /// through the gate; once per date, resumable when killed.
    RunDay(commands::run_day::RunDayArgs),
    /// Run days forward on a copy of the store with today's rules and strategies and with
    /// proposed ones (--rules DIR, --strategies DIR), side by side; nothing live is changed.
    Simulate(commands::simulate::SimulateArgs),
    /// Verify every invariant: the journal's chain, balanced postings, account balances, client money,
    /// and that postings, clients and claims are as the journal vouches.
    Check,
    /// The client-money bank accounts against the banks' statements; exit 1 when any differs.
    Reconcile(commands::reconcile::ReconcileArgs),
    /// The journal: verify its chain, sign checkpoints of it, show the signing key.
    #[command(subcommand)]
    Journal(commands::journal::JournalCommand),
    /// Run the delivery workers alone: send due outbox messages (e-mail, SMS, or the sinks).
    Deliver(commands::outbox::DeliverArgs),
    /// The outbox: list, show and retry messages.
    #[command(subcommand)]
    Outbox(commands::outbox::OutboxCommand),
    /// Call tasks for agents: list those the gate allows calling now, show one, record a
    /// call's outcome (a promise to pay, no answer, refused, a wrong number).
    #[command(subcommand)]
    Tasks(commands::tasks::TasksCommand),
    /// Check a message's verification code, as the public /verify page does (exit 1 when no
    /// message of ours has it).
    Verify {
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// The transparency log of message commitments: checkpoint, proofs, a walk of it all.
    #[command(subcommand)]
    Log(commands::verify::LogCommand),
    /// The key that signs message commitments: show it, or rotate it.
    #[command(subcommand)]
    MessageKey(commands::verify::MessageKeyCommand),
    /// Measure throughput (see the README's performance section).
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve(_)) {
        // A command's reader that stops reading (`reilu client list | head`) ends it quietly,
        // as it does other Unix tools, instead of a panic in `println!` ("failed printing to
        // stdout: Broken pipe"). Rust ignores SIGPIPE by default; this restores the default
        // action for the command line only: the server keeps ignoring it, so a client that
        // hangs up is an error on its connection, not the end of the server.
        sigpipe::reset();
    }
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        let outcome = run(cli).await;
        context::close_opened_stores().await;
        outcome
    });
    match outcome {
        Ok(code) => code,
        // A reader that stopped reading (`reilu client list | head`) is not a failure.
        Err(error) if is_broken_pipe(&error) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|io_error| io_error.kind() == std::io::ErrorKind::BrokenPipe)
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    let target = context::Target {
        data: cli.data,
        database_url: cli.database_url,
        rules: cli.rules,
    };
    match cli.command {
        Command::Serve(args) => commands::serve::run(&target, args).await,
        Command::Client(command) => commands::clients::run(&target, command).await,
        Command::Operator(command) => commands::operators::run(&target, command).await,
        Command::Import(command) => commands::import::run(&target, command).await,
        Command::Payments(command) => commands::payments::run(&target, command).await,
        Command::Account(command) => commands::account::run(&target, command).await,
        Command::Demo(args) => commands::demo::run(&target, args).await,
        Command::Case(command) => commands::case::run(&target, command).await,
        Command::Rules(command) => commands::rules::run(&target, command).await,
        Command::Strategy(command) => commands::strategy::run(&target, command).await,
        Command::Check => commands::check::run(&target).await,
        Command::Reconcile(args) => commands::reconcile::run(&target, args).await,
        Command::Remit(args) => commands::remit::run(&target, args).await,
        Command::Sweep(args) => commands::sweep::run(&target, args).await,
        Command::Accrue(args) => commands::accrue::run(&target, args).await,
        Command::RunDay(args) => commands::run_day::run(&target, args).await,
        Command::Simulate(args) => commands::simulate::run(&target, args).await,
        Command::Journal(command) => commands::journal::run(&target, command).await,
        Command::Deliver(args) => commands::outbox::deliver(&target, args).await,
        Command::Outbox(command) => commands::outbox::run(&target, command).await,
        Command::Verify { code, json } => commands::verify::verify(&target, &code, json).await,
        Command::Log(command) => commands::verify::log(&target, command).await,
        Command::MessageKey(command) => commands::verify::message_key(&target, command),
        Command::Tasks(command) => commands::tasks::run(&target, command).await,
        Command::Bench(command) => commands::bench::run(&target, command).await,
    }
}

/// Logs go to stderr, `info` by default, `RUST_LOG` to change. Personal data never reaches a
/// log line: it is held in masked types whose `Debug` hides it.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
