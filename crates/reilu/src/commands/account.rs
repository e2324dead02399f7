//! `reilu account add`, `reilu account list` and `reilu account close`: the company's bank
//! accounts (client-money accounts and its own), which money in and out goes through.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use reilu_store::{BankAccountKind, BankAccountRow};
use serde::Serialize;

use crate::commands::print_json;
use crate::context::{Target, open_app};

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Configure an account of the company's.
    Add(AddArgs),
    /// The configured accounts, open ones first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Close an account for good: its history stays; it takes no new statements or payouts.
    Close {
        /// The account's IBAN (spaces allowed).
        iban: String,
        #[arg(long)]
        by: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// The account's IBAN (spaces allowed).
    #[arg(long)]
    iban: String,
    /// ISO 4217 code of the currency the account is kept in.
    #[arg(long, value_name = "CUR")]
    currency: String,
    /// client_money (customers pay in, payouts leave) or company (the company's own).
    #[arg(long, value_parser = parse_kind)]
    kind: BankAccountKind,
    /// The account holder's name as bank files give it (default: the kind's).
    #[arg(long)]
    name: Option<String>,
    /// Who configures it, for the journal (default: `cli:` and the login name).
    #[arg(long)]
    by: Option<String>,
    #[arg(long)]
    json: bool,
}

fn parse_kind(text: &str) -> Result<BankAccountKind, String> {
    BankAccountKind::parse(text).ok_or_else(|| format!("'{text}' is not client_money or company"))
}

/// Who acts, for the journal: `--by`, else `cli:` and the login name.
pub fn actor(by: Option<String>) -> String {
    by.unwrap_or_else(|| {
        let user = std::env::var("USER").unwrap_or_else(|_| "operator".into());
        format!("cli:{user}")
    })
}

#[derive(Serialize)]
struct AccountView<'a> {
    iban: &'a str,
    currency: &'a str,
    kind: BankAccountKind,
    name: Option<&'a str>,
    added_by: &'a str,
    added_at: String,
    closed_by: Option<&'a str>,
    closed_at: Option<String>,
}

fn instant(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|at| at.to_rfc3339())
        .unwrap_or_default()
}

fn view(account: &BankAccountRow) -> AccountView<'_> {
    AccountView {
        iban: &account.iban,
        currency: &account.currency,
        kind: account.kind,
        name: account.name.as_deref(),
        added_by: &account.added_by,
        added_at: instant(account.added_at_ms),
        closed_by: account.closed_by.as_deref(),
        closed_at: account.closed_at_ms.map(instant),
    }
}

fn line(account: &BankAccountRow) -> String {
    let state = match account.closed_at_ms {
        Some(at_ms) => format!("closed {}", instant(at_ms)),
        None => "open".into(),
    };
    format!(
        "{}  {}  {:<12}  {}  {}",
        account.iban,
        account.currency,
        account.kind.as_str(),
        state,
        account.name.as_deref().unwrap_or("")
    )
}

pub async fn run(target: &Target, command: AccountCommand) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let mut out = std::io::stdout().lock();
    match command {
        AccountCommand::Add(args) => {
            let account = app
                .add_bank_account(
                    &args.iban,
                    &args.currency,
                    args.kind,
                    args.name.as_deref(),
                    &actor(args.by),
                )
                .await?;
            if args.json {
                print_json(&view(&account))?;
            } else {
                writeln!(out, "added {}", line(&account))?;
            }
        }
        AccountCommand::List { json } => {
            let accounts = app.bank_accounts().await?;
            if json {
                print_json(&accounts.iter().map(view).collect::<Vec<_>>())?;
            } else if accounts.is_empty() {
                writeln!(
                    out,
                    "no bank accounts are configured (reilu account add --iban … --currency … --kind client_money|company)"
                )?;
            } else {
                for account in &accounts {
                    writeln!(out, "{}", line(account))?;
                }
            }
        }
        AccountCommand::Close { iban, by, json } => {
            let closed = app.close_bank_account(&iban, &actor(by)).await?;
            if json {
                #[derive(Serialize)]
                struct Closed<'a> {
                    #[serde(flatten)]
                    account: AccountView<'a>,
                    /// Closed by an earlier command; this one changed nothing.
                    already: bool,
                }
                print_json(&Closed {
                    account: view(&closed.account),
                    already: !closed.closed_now,
                })?;
            } else if closed.closed_now {
                writeln!(out, "closed {}", line(&closed.account))?;
            } else {
                writeln!(out, "already closed: {}", line(&closed.account))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
