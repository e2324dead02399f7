//! `reilu tasks list|show|done`: the call tasks the daily run made for agents.

use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Subcommand, ValueEnum};
use reilu_app::call_tasks::{CallTask, Callable, ReportedOutcome};

use crate::commands::print_json;
use crate::context::{Target, open_app};

#[derive(Subcommand)]
pub enum TasksCommand {
    /// Call tasks the gate allows calling now (with --all, every open task and when it may
    /// be called). No personal data: `tasks show` opens the number, journaled.
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// The number to call, the customer's name and the call script (a journaled read).
    Show {
        id: i64,
        /// Who reads (the agent).
        #[arg(long)]
        agent: String,
    },
    /// Record what a call came to.
    Done {
        id: i64,
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        /// The agent who called.
        #[arg(long)]
        agent: String,
        /// With `--outcome promise`: the day the customer promised to pay by.
        #[arg(long, value_name = "YYYY-MM-DD", required_if_eq("outcome", "promise"))]
        promise_date: Option<NaiveDate>,
        /// With `--outcome promise`: the amount promised, in the case's currency ("50.00").
        #[arg(long, required_if_eq("outcome", "promise"))]
        amount: Option<String>,
        /// When the call was made (RFC 3339, default now).
        #[arg(long, value_name = "TIME")]
        at: Option<DateTime<Utc>>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    Promise,
    NoAnswer,
    Refused,
    WrongNumber,
}

pub async fn run(target: &Target, command: TasksCommand) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    match command {
        TasksCommand::List { all, json } => {
            let tasks = app.call_tasks(!all).await?;
            if json {
                print_json(&tasks)?;
            } else {
                print_tasks(&tasks);
            }
        }
        TasksCommand::Show { id, agent } => {
            let purpose = format!("call task {id}: the call");
            let opened = app.read_outbox_message(id, &agent, &purpose).await?;
            if opened.channel != "phone" {
                bail!("no call task {id}");
            }
            println!("case {}", opened.case_number);
            println!(
                "call {} at {}",
                opened.recipient.name, opened.recipient.address
            );
            println!();
            println!("{}", opened.content.text.trim_end());
        }
        TasksCommand::Done {
            id,
            outcome,
            agent,
            promise_date,
            amount,
            at,
        } => {
            let reported = match outcome {
                OutcomeArg::Promise => ReportedOutcome::Promise {
                    due_on: promise_date.context("--promise-date is needed with a promise")?,
                    amount: amount.context("--amount is needed with a promise")?,
                },
                OutcomeArg::NoAnswer => ReportedOutcome::NoAnswer,
                OutcomeArg::Refused => ReportedOutcome::Refused,
                OutcomeArg::WrongNumber => ReportedOutcome::WrongNumber,
            };
            let called_at = at.unwrap_or_else(|| app.clock.now());
            let case_number = app.record_call(id, &agent, called_at, reported).await?;
            println!("task {id} done: the call's outcome is on case {case_number}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_tasks(tasks: &[CallTask]) {
    if tasks.is_empty() {
        println!("no call tasks to call now (`reilu tasks list --all` shows every open task)");
        return;
    }
    println!(
        "{:>8} {:>10} {:14} {:4} callable",
        "task", "case", "script", "lang"
    );
    for task in tasks {
        let callable = match &task.callable {
            Callable::Now => "now".to_owned(),
            Callable::From { at } => format!("from {}", at.format("%Y-%m-%d %H:%M UTC")),
            Callable::Denied { rules } => format!("not now ({})", rules.join(", ")),
        };
        println!(
            "{:>8} {:>10} {:14} {:4} {callable}",
            task.id, task.case_number, task.template, task.language
        );
    }
}
