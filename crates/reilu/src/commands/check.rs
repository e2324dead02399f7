//! `reilu check`: every invariant of the money and the record, re-derived from what is
//! stored, and the rows the journal vouches for (postings, clients, claims) held to it.
//! Exits non-zero and names what broke.

use std::io::Write;
use std::process::ExitCode;

use reilu_store::{JournalVerification, Store};

use crate::context::{Target, open_app};

pub async fn run(target: &Target) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let mut problems = Vec::new();
    let journal = app.store().verify_journal().await?;
    let journal_entries = match journal {
        JournalVerification::Intact { entries } => entries,
        JournalVerification::Broken { seq, reason } => {
            problems.push(format!("journal entry {seq}: {reason}"));
            0
        }
    };
    let ledger = app.store().check_ledger().await?;
    problems.extend(ledger.problems.iter().cloned());
    let mut out = std::io::stdout().lock();
    if problems.is_empty() {
        writeln!(
            out,
            "ok: journal intact ({journal_entries} entries); ledger balanced ({} postings, {} accounts); client money matches what is owed; postings, clients and claims are as journaled",
            ledger.postings, ledger.accounts
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    for problem in &problems {
        writeln!(out, "BROKEN: {problem}")?;
    }
    Ok(ExitCode::FAILURE)
}
