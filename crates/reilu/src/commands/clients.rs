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
            let created = app.add_client(&args.name, &args.market, &args.iban).await?;
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
