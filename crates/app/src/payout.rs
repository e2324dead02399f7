//! Money out, all or nothing. Every run that pays (a remittance date, a sweep date, a refund)
//! goes through [`App::carry_out`], so that its ledger postings and its bank files exist
//! together or not at all, whenever the process dies.
//!
//! # The protocol
//!
//! 1. **Plan**, in memory: every amount, account and name, and every bank file built and
//!    checked by the pain.001 writer. A refusal (a name outside the SEPA set, a bad IBAN, an
//!    account that holds too little) ends the run: nothing recorded, nothing written.
//! 2. **Stage**: each file is written in the output folder under a temporary name
//!    (`.NAME.partial`) and fsynced. A folder that cannot be written ends the run: the
//!    temporary files are removed, nothing is recorded.
//! 3. **Record**: one transaction holds the run (its key, each file's bytes sealed by the
//!    vault and their SHA-256), its postings, its records (remittances, refunds, resolved
//!    queue entries) and its journal entries. It is refused, and the staged files removed,
//!    if a balance the plan was made on moved meanwhile, or if a run with the same key was
//!    recorded first (then that run's files are written instead).
//! 4. **Publish**: each staged file is renamed to its name (atomic within a folder), the
//!    folder is fsynced, and the run is marked published (`payout_publications`).
//!
//! Killed (`kill -9`, power loss) between any two steps:
//!
//! * before the commit of 3: nothing is recorded. No file exists under its final name; a
//!   `.partial` file may be left, which is never sent to a bank and is overwritten by the
//!   next run. The next run plans again from the same balances.
//! * after the commit, before 4 ends: the run is recorded, its files may be missing. Every
//!   payout command (`remit`, `sweep`, `payments refund…`) first publishes every run
//!   recorded but not published, writing its files from the stored bytes (stage, rename) into
//!   its own output folder. A file renamed before the kill is replaced by the same bytes.
//! * after 4: done. Running the same date again pays nothing and writes the recorded files
//!   again, byte for byte (the same message id, which a bank refuses to execute twice).
//!
//! So a bank file exists under its final name only for a committed run, and a committed
//! run's files are in place at the latest when the next payout command has run.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use reilu_store::{
    BalanceGuard, BankAccountKind, BankAccountRow, Guard, NewPayoutFile, NewPayoutRun, RunRecorded,
    Store,
};
use sha2::{Digest, Sha256};

use crate::{App, AppError, AppResult};

/// Where a run stops as if the process were killed there: for tests of the protocol, which
/// production never sets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StopAfter {
    #[default]
    Never,
    /// The files are staged; nothing is recorded.
    Staged,
    /// The run is committed; its files are staged but not renamed into place.
    Recorded,
}

/// A run with nothing in it yet.
pub(crate) fn new_run(
    key: &str,
    kind: &str,
    run_date: String,
    actor: &str,
    at_ms: i64,
) -> NewPayoutRun {
    NewPayoutRun {
        key: key.to_owned(),
        kind: kind.to_owned(),
        run_date,
        actor: actor.to_owned(),
        at_ms,
        files: Vec::new(),
        postings: Vec::new(),
        guards: Vec::new(),
        remittances: Vec::new(),
        refunds: Vec::new(),
        resolutions: Vec::new(),
        journal: Vec::new(),
    }
}

/// A run planned in full: what the store records, and the files' bytes.
pub(crate) struct PlannedRun {
    /// Its `files` are filled in by [`App::carry_out`] from `files` below.
    pub record: NewPayoutRun,
    /// (file name, bytes), each file's name unique.
    pub files: Vec<(String, Vec<u8>)>,
}

/// What carrying a run out did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Carried {
    /// False: a run with the same key was recorded before, and its files were written.
    pub recorded_now: bool,
    pub files: Vec<PathBuf>,
}

/// A file written under its temporary name, waiting to be renamed.
struct Staged {
    temporary: PathBuf,
    path: PathBuf,
}

impl<S: Store> App<S> {
    /// Records and publishes a planned run by the protocol above.
    pub(crate) async fn carry_out(
        &self,
        mut planned: PlannedRun,
        out_dir: &Path,
        stop: StopAfter,
    ) -> AppResult<Carried> {
        let key = planned.record.key.clone();
        planned.record.files = planned
            .files
            .iter()
            .map(|(name, bytes)| NewPayoutFile {
                name: name.clone(),
                sha256: hex::encode(Sha256::digest(bytes)),
                sealed: self.vault.seal(bytes, file_context(&key, name).as_bytes()),
            })
            .collect();
        let staged = stage(out_dir, &planned.files)?;
        if stop == StopAfter::Staged {
            return Err(stopped("staging"));
        }
        let recorded = match self.store.record_payout_run(&planned.record).await {
            Ok(recorded) => recorded,
            Err(error) => {
                discard(&staged);
                return Err(error.into());
            }
        };
        if recorded == RunRecorded::AlreadyRecorded {
            discard(&staged);
            let files = self.publish_recorded(&key, out_dir).await?;
            return Ok(Carried {
                recorded_now: false,
                files,
            });
        }
        if stop == StopAfter::Recorded {
            return Err(stopped("recording"));
        }
        let files = publish(out_dir, staged)?;
        self.store.publish_payout_run(&key, self.now_ms()).await?;
        Ok(Carried {
            recorded_now: true,
            files,
        })
    }

    /// Writes a recorded run's files into `out_dir` from the stored bytes (each checked
    /// against its SHA-256) and marks the run published.
    pub(crate) async fn publish_recorded(
        &self,
        key: &str,
        out_dir: &Path,
    ) -> AppResult<Vec<PathBuf>> {
        let mut files = Vec::new();
        for file in self.store.payout_files(key).await? {
            let bytes = self
                .vault
                .open(&file.sealed, file_context(key, &file.name).as_bytes())?;
            if hex::encode(Sha256::digest(&bytes)) != file.sha256 {
                return Err(AppError::Invalid(format!(
                    "the stored bytes of {} (run {key}) no longer match their SHA-256",
                    file.name
                )));
            }
            files.push((file.name, bytes));
        }
        let staged = stage(out_dir, &files)?;
        let paths = publish(out_dir, staged)?;
        self.store.publish_payout_run(key, self.now_ms()).await?;
        Ok(paths)
    }

    /// Publishes every run recorded but never published (its process died after the commit)
    /// into `out_dir`; returns the files written.
    pub(crate) async fn publish_unpublished(&self, out_dir: &Path) -> AppResult<Vec<PathBuf>> {
        let mut files = Vec::new();
        for run in self.store.unpublished_payout_runs().await? {
            tracing::warn!(
                run = %run.key,
                "a payout run was recorded but its files were not put in place; writing them now"
            );
            files.extend(self.publish_recorded(&run.key, out_dir).await?);
        }
        Ok(files)
    }
}

/// The client-money accounts a run pays from: per currency, what each holds in the ledger and
/// what the run takes from it so far.
#[derive(Default)]
pub(crate) struct Sources {
    by_currency: BTreeMap<String, Vec<Source>>,
}

struct Source {
    account: BankAccountRow,
    held_minor: i64,
    taken_minor: i64,
}

impl Source {
    fn left_minor(&self) -> i64 {
        self.held_minor.saturating_sub(self.taken_minor)
    }
}

impl Sources {
    /// Each account paid from must still hold what the run takes when it is recorded.
    pub(crate) fn guards(&self) -> Vec<BalanceGuard> {
        self.by_currency
            .iter()
            .flat_map(|(currency, sources)| {
                sources
                    .iter()
                    .filter(|source| source.taken_minor > 0)
                    .map(move |source| BalanceGuard {
                        account: format!("client_money_bank:{}", source.account.iban),
                        currency: currency.clone(),
                        guard: Guard::AtLeast(source.taken_minor),
                    })
            })
            .collect()
    }
}

impl<S: Store> App<S> {
    /// The open client-money account of the currency a payment of `amount_minor` to `payee`
    /// leaves from: `preferred` if it is one and holds enough, else the one holding the most
    /// (the oldest of equals). Refused, naming the currency, when none is configured or none
    /// holds enough: a client-money account is never overdrawn.
    pub(crate) async fn take_client_money(
        &self,
        sources: &mut Sources,
        currency: &str,
        amount_minor: i64,
        preferred: Option<&str>,
        payee: &str,
    ) -> AppResult<BankAccountRow> {
        if !sources.by_currency.contains_key(currency) {
            let accounts = self
                .open_accounts(currency, BankAccountKind::ClientMoney)
                .await?;
            let held: BTreeMap<String, i64> = self
                .store
                .balances("client_money_bank:")
                .await?
                .into_iter()
                .filter(|(_, held_currency, _)| held_currency == currency)
                .map(|(account, _, minor)| (account, minor))
                .collect();
            let list = accounts
                .into_iter()
                .map(|account| Source {
                    held_minor: held
                        .get(&format!("client_money_bank:{}", account.iban))
                        .copied()
                        .unwrap_or(0),
                    taken_minor: 0,
                    account,
                })
                .collect();
            sources.by_currency.insert(currency.to_owned(), list);
        }
        let list = sources
            .by_currency
            .get_mut(currency)
            .ok_or_else(|| AppError::Invalid(format!("no client-money account for {currency}")))?;
        let covers = |source: &Source| source.left_minor() >= amount_minor;
        let chosen = list
            .iter()
            .position(|source| Some(source.account.iban.as_str()) == preferred && covers(source))
            .or_else(|| {
                list.iter()
                    .enumerate()
                    .filter(|(_, source)| covers(source))
                    .max_by_key(|(index, source)| (source.left_minor(), std::cmp::Reverse(*index)))
                    .map(|(index, _)| index)
            });
        let Some(index) = chosen else {
            let held: Vec<String> = list
                .iter()
                .map(|source| {
                    crate::statement::show(source.left_minor(), currency)
                        .map(|amount| format!("{} {amount}", source.account.iban))
                })
                .collect::<AppResult<_>>()?;
            return Err(AppError::Invalid(format!(
                "no open client-money account for {currency} holds the {} to pay {payee} (left: {}): nothing is paid until it is reconciled",
                crate::statement::show(amount_minor, currency)?,
                held.join(", ")
            )));
        };
        let source = &mut list[index];
        source.taken_minor = source
            .taken_minor
            .checked_add(amount_minor)
            .ok_or_else(|| AppError::Invalid("a payout overflows".into()))?;
        Ok(source.account.clone())
    }
}

/// The vault's context for a stored file: its bytes open only as that file of that run.
fn file_context(key: &str, name: &str) -> String {
    format!("payout_file:{key}:{name}")
}

fn stopped(step: &str) -> AppError {
    AppError::Io(format!("the payout run was stopped after {step}, as asked"))
}

fn io_error(path: &Path, error: std::io::Error) -> AppError {
    AppError::Io(format!("{}: {error}", path.display()))
}

/// Writes every file under its temporary name and fsyncs it; on any failure removes what it
/// wrote and says why.
fn stage(out_dir: &Path, files: &[(String, Vec<u8>)]) -> AppResult<Vec<Staged>> {
    std::fs::create_dir_all(out_dir).map_err(|error| io_error(out_dir, error))?;
    let mut staged = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let temporary = out_dir.join(format!(".{name}.partial"));
        let written = std::fs::File::create(&temporary).and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        });
        if let Err(error) = written {
            // This file may exist half written: removed with the others.
            staged.push(Staged {
                temporary: temporary.clone(),
                path: out_dir.join(name),
            });
            discard(&staged);
            return Err(io_error(&temporary, error));
        }
        staged.push(Staged {
            temporary,
            path: out_dir.join(name),
        });
    }
    Ok(staged)
}

/// Removes staged files (best effort: a leftover `.partial` file is never sent anywhere and
/// is overwritten by the next run).
fn discard(staged: &[Staged]) {
    for file in staged {
        let _ = std::fs::remove_file(&file.temporary);
    }
}

/// Renames staged files to their names and makes the renames durable.
fn publish(out_dir: &Path, staged: Vec<Staged>) -> AppResult<Vec<PathBuf>> {
    let mut paths = Vec::with_capacity(staged.len());
    for file in staged {
        std::fs::rename(&file.temporary, &file.path)
            .map_err(|error| io_error(&file.path, error))?;
        paths.push(file.path);
    }
    sync_folder(out_dir)?;
    Ok(paths)
}

/// A rename is durable once its folder is synced.
#[cfg(unix)]
fn sync_folder(folder: &Path) -> AppResult<()> {
    std::fs::File::open(folder)
        .and_then(|folder| folder.sync_all())
        .map_err(|error| io_error(folder, error))
}

/// Other systems cannot open a folder to sync it; their renames are left to the system.
#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> AppResult<()> {
    Ok(())
}
