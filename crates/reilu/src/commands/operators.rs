//! `reilu operator add`, `reilu operator list` and `reilu operator revoke`: the company's
//! staff and their keys for the operator API.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use reilu_core::OperatorRole;
use serde::Serialize;

use crate::commands::print_json;
use crate::context::{Target, open_app, open_or_create_app};

#[derive(Subcommand)]
pub enum OperatorCommand {
    /// Add an operator and print its id and key (shown once; only its hash is stored).
    Add(AddArgs),
    /// List the operators, revoked ones included.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke an operator's key for good (a new key is a new operator).
    Revoke {
        /// The operator's id, as `operator add` and `operator list` print it.
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// The person's name, for people reading the list.
    #[arg(long)]
    name: String,
    /// finance (imports payment files, runs remittances) or admin (manages operators).
    #[arg(long, value_parser = OperatorRole::parse)]
    role: OperatorRole,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct CreatedView<'a> {
    id: String,
    role: OperatorRole,
    api_key: &'a str,
}

#[derive(Serialize)]
struct OperatorView<'a> {
    id: String,
    name: &'a str,
    role: OperatorRole,
    created_at: String,
    revoked_at: Option<String>,
}

#[derive(Serialize)]
struct RevokedView {
    id: String,
    revoked_at: String,
    /// Revoked by an earlier command; this one changed nothing.
    already: bool,
}

pub async fn run(target: &Target, command: OperatorCommand) -> anyhow::Result<ExitCode> {
    // Adding an operator may create the store; listing and revoking need one.
    let app = match &command {
        OperatorCommand::Add(_) => open_or_create_app(target).await?,
        _ => open_app(target).await?,
    };
    match command {
        OperatorCommand::Add(args) => {
            let created = app.add_operator(&args.name, args.role).await?;
            if args.json {
                print_json(&CreatedView {
                    id: created.id.to_string(),
                    role: created.role,
                    api_key: created.api_key.peek(),
                })?;
            } else {
                let mut out = std::io::stdout().lock();
                writeln!(out, "operator {} ({})", created.id, created.role)?;
                writeln!(out, "api key {}", created.api_key.peek())?;
                writeln!(out, "Keep the key safe: it is shown only now.")?;
            }
        }
        OperatorCommand::List { json } => {
            let operators = app.list_operators().await?;
            let views: Vec<OperatorView<'_>> = operators
                .iter()
                .map(|row| OperatorView {
                    id: row.id.to_string(),
                    name: &row.name,
                    role: row.role,
                    created_at: instant(row.created_at_ms),
                    revoked_at: row.revoked_at_ms.map(instant),
                })
                .collect();
            if json {
                print_json(&views)?;
            } else {
                print_list(&views)?;
            }
        }
        OperatorCommand::Revoke { id, json } => {
            let revoked = app.revoke_operator(&id).await?;
            let view = RevokedView {
                id: revoked.id.to_string(),
                revoked_at: instant(revoked.at_ms),
                already: revoked.before,
            };
            if json {
                print_json(&view)?;
            } else if view.already {
                println!(
                    "operator {} was revoked before, at {}",
                    view.id, view.revoked_at
                );
            } else {
                println!("operator {} revoked at {}", view.id, view.revoked_at);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_list(views: &[OperatorView<'_>]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for view in views {
        let state = match &view.revoked_at {
            Some(at) => format!("revoked {at}"),
            None => "active".to_owned(),
        };
        writeln!(
            out,
            "{}  {:<7}  {}  {}",
            view.id, view.role, state, view.name
        )?;
    }
    writeln!(out, "{} operator(s)", views.len())?;
    Ok(())
}

/// Milliseconds since the epoch as RFC 3339 UTC, to the second.
fn instant(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| at_ms.to_string())
}
