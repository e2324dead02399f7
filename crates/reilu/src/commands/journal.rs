//! `reilu journal verify`.

use std::process::ExitCode;

use clap::Subcommand;
use reilu_store::{JournalVerification, Store};

use crate::context::{Target, open_app};

#[derive(Subcommand)]
pub enum JournalCommand {
    /// Re-compute the hash chain; exit 1 and name the entry if it is broken.
    Verify,
}

pub async fn run(target: &Target, command: JournalCommand) -> anyhow::Result<ExitCode> {
    let JournalCommand::Verify = command;
    let app = open_app(target).await?;
    match app.store().verify_journal().await? {
        JournalVerification::Intact { entries } => {
            println!("journal intact: {entries} entries");
            Ok(ExitCode::SUCCESS)
        }
        JournalVerification::Broken { seq, reason } => {
            println!("journal broken at entry {seq}: {reason}");
            Ok(ExitCode::FAILURE)
        }
    }
}
