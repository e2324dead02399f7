//! `reilu reconcile [--date D] [--account IBAN] [--json]`: per client-money bank account, the
//! last statement's closing balance against the ledger, and the differences still open. Exit 1
//! when any account differs.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;

use crate::commands::print_json;
use crate::context::{Target, open_app};

#[derive(Args)]
pub struct ReconcileArgs {
    /// Statements closing on or before this date (YYYY-MM-DD); every statement when left out.
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// One account (its IBAN, or the identifier its bank names it by).
    #[arg(long)]
    account: Option<String>,
    #[arg(long)]
    json: bool,
}

pub async fn run(target: &Target, args: ReconcileArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let until = args.date.map(|date| date.to_string());
    let accounts = app
        .reconcile(until.as_deref(), args.account.as_deref())
        .await?;
    let differs = accounts.iter().any(|account| account.differs());
    let code = if differs {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    };
    if args.json {
        print_json(&serde_json::json!({ "differs": differs, "accounts": accounts }))?;
        return Ok(code);
    }
    let mut out = std::io::stdout().lock();
    if accounts.is_empty() {
        writeln!(
            out,
            "no statements recorded (camt.053 files imported with balances)"
        )?;
    }
    for account in &accounts {
        let minor = |value: Option<i64>| value.map_or("-".to_owned(), |v| v.to_string());
        writeln!(
            out,
            "{} {}: statement {} closing {} on {}; ledger then {}, difference {}; ledger now {} (minor units) — {}",
            account.account,
            account.currency,
            account.statement_id,
            minor(account.closing_minor),
            account.closing_date.as_deref().unwrap_or("(no date)"),
            minor(account.ledger_balance_minor),
            minor(account.ledger_difference_minor),
            account.ledger_now_minor,
            if account.differs() {
                "DIFFERS"
            } else {
                "reconciled"
            }
        )?;
        for open in &account.open_differences {
            writeln!(
                out,
                "  open: statement {} {} difference {}",
                open.statement_id, open.kind, open.difference_minor
            )?;
        }
    }
    Ok(code)
}
