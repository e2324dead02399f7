//! `reilu client add` and `reilu client list`.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::Serialize;

use crate::commands::print_json;
use crate::context::{Target, open_app};

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
    let app = open_app(target).await?;
    match command {
        ClientCommand::Add(args) => {
            let commission_bp = percent_to_bp(&args.commission_pct).ok_or_else(|| {
                anyhow::anyhow!(
                    "--commission-pct must be a percentage from 0 to 100 with at most two decimals"
                )
            })?;
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
                use std::io::Write;
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
