//! `reilu client add` and `reilu client list`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use reilu_store::ClientRow;
use serde::Serialize;

use crate::commands::print_json;
use crate::context::{Target, open_app, open_or_create_app};

#[derive(Subcommand)]
pub enum ClientCommand {
    /// Create a client and print its id and API key (shown once).
    Add(AddArgs),
    /// List the clients.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct AddArgs {
    #[arg(long)]
    name: String,
    /// The client's market (ISO 3166-1 alpha-2, e.g. FI).
    #[arg(long)]
    market: String,
    /// The account client money is paid out to.
    #[arg(long)]
    iban: String,
    /// The commission the company keeps of what it collects, in percent (e.g. 12.5).
    #[arg(long, default_value = "0")]
    commission_pct: String,
    /// Add the client even if one with the same name exists (otherwise asked on a terminal,
    /// refused elsewhere).
    #[arg(long)]
    force: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct ListedClient<'a> {
    id: &'a str,
    name: &'a str,
    market: &'a str,
    iban: &'a str,
}

pub async fn run(target: &Target, command: ClientCommand) -> anyhow::Result<ExitCode> {
    // Adding a client may create the store; listing needs one.
    let app = match &command {
        ClientCommand::Add(_) => open_or_create_app(target).await?,
        ClientCommand::List { .. } => open_app(target).await?,
    };
    match command {
        ClientCommand::Add(args) => {
            let commission_bp = percent_to_bp(&args.commission_pct).ok_or_else(|| {
                anyhow::anyhow!(
                    "--commission-pct must be a percentage from 0 to 100 with at most two decimals"
                )
            })?;
            if !args.force && !confirm_twins(&app.list_clients().await?, &args.name, &args.iban)? {
                eprintln!("nothing added");
                return Ok(ExitCode::FAILURE);
            }
            let created = app
                .add_client_with_terms(&args.name, &args.market, &args.iban, commission_bp)
                .await?;
            if args.json {
                print_json(&created)?;
            } else {
                println!("client {}", created.id);
                println!("api key {}", created.api_key);
                println!("Keep the API key safe: it is shown only now.");
            }
        }
        ClientCommand::List { json } => {
            let clients = app.list_clients().await?;
            if json {
                let listed: Vec<ListedClient<'_>> = clients
                    .iter()
                    .map(|c| ListedClient {
                        id: &c.id,
                        name: &c.name,
                        market: &c.market,
                        iban: &c.iban,
                    })
                    .collect();
                print_json(&listed)?;
            } else {
                let mut out = std::io::stdout().lock();
                for client in &clients {
                    writeln!(
                        out,
                        "{}  {}  {}  {}",
                        client.id, client.market, client.iban, client.name
                    )?;
                }
                writeln!(out, "{} client(s)", clients.len())?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether to add a client although clients with the same name exist: yes if there are none;
/// on a terminal the user is asked (naming them, and whether the IBAN is the same too);
/// elsewhere it is an error that says to add `--force`. Onboarding the same client twice
/// would split its claims and its money between two ids.
fn confirm_twins(clients: &[ClientRow], name: &str, iban: &str) -> anyhow::Result<bool> {
    let twins: Vec<&ClientRow> = clients
        .iter()
        .filter(|client| same_name(&client.name, name))
        .collect();
    if twins.is_empty() {
        return Ok(true);
    }
    let listed: Vec<String> = twins
        .iter()
        .map(|client| {
            let same_account = if compact_iban(&client.iban) == compact_iban(iban) {
                ", the same IBAN"
            } else {
                ""
            };
            format!(
                "{} ({}, IBAN {}{same_account})",
                client.id, client.name, client.iban
            )
        })
        .collect();
    let found = format!(
        "a client with this name exists already: {}",
        listed.join("; ")
    );
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        anyhow::bail!("{found}. Add --force to add another one anyway.");
    }
    eprint!("{found}.\nAdd another client with the same name? [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Names compared as a clerk would: case, and spaces around and between words, ignored.
fn same_name(left: &str, right: &str) -> bool {
    let words =
        |text: &str| -> Vec<String> { text.split_whitespace().map(str::to_lowercase).collect() };
    words(left) == words(right)
}

fn compact_iban(iban: &str) -> String {
    iban.chars()
        .filter(|character| !character.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// "12.5" → 1250 basis points; None for anything else.
fn percent_to_bp(text: &str) -> Option<i64> {
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 3
        || fraction.len() > 2
        || !digits(whole)
        || !digits(fraction)
    {
        return None;
    }
    let bp = whole.parse::<i64>().ok()? * 100 + format!("{fraction:0<2}").parse::<i64>().ok()?;
    (bp <= 10_000).then_some(bp)
}
