//! `reilu journal verify | checkpoint | public-key`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use reilu_store::{JournalCheckpoint, JournalVerification, SqlStore, Store};
use reilu_vault::{JOURNAL_SIGNING_KEY_FILE_NAME, JournalSigningKey};

use crate::context::{Target, ensure_data_folder, open_app};

#[derive(Subcommand)]
pub enum JournalCommand {
    /// Re-compute the chain (tags under the journal key); exit 1 and name the entry if it is
    /// broken. With --checkpoint, also hold the journal to signed checkpoints kept elsewhere.
    Verify {
        /// A checkpoint document from `reilu journal checkpoint` (repeatable).
        #[arg(long = "checkpoint", value_name = "FILE")]
        checkpoints: Vec<PathBuf>,
        /// The public key the checkpoints must be signed with (hex); default: the key of
        /// DATA/journal-signing.key.
        #[arg(long, value_name = "HEX")]
        public_key: Option<String>,
    },
    /// Sign the journal's head (entries, last tag, time, journal id) with the journal signing
    /// key and print or write it as a JSON document, to keep somewhere else.
    Checkpoint {
        /// Write the document here instead of printing it.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// With --out: print a JSON summary instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Print the journal signing key's public key (hex), for whoever checks checkpoints.
    PublicKey {
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(target: &Target, command: JournalCommand) -> anyhow::Result<ExitCode> {
    match command {
        JournalCommand::Verify {
            checkpoints,
            public_key,
        } => verify(target, &checkpoints, public_key).await,
        JournalCommand::Checkpoint { out, json } => checkpoint(target, out.as_deref(), json).await,
        JournalCommand::PublicKey { json } => {
            let key = signing_key(&target.data)?;
            let public_key = key.public_key_hex();
            if json {
                println!("{}", serde_json::json!({ "public_key": public_key }));
            } else {
                println!("{public_key}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The signing key of the data folder, created (mode 0600) the first time.
fn signing_key(data: &Path) -> anyhow::Result<JournalSigningKey> {
    ensure_data_folder(data)?;
    Ok(JournalSigningKey::load_or_create(data)?)
}

async fn verify(
    target: &Target,
    checkpoints: &[PathBuf],
    public_key: Option<String>,
) -> anyhow::Result<ExitCode> {
    // Read every document first: a missing or malformed file is an error before anything
    // is said about the journal.
    let documents = checkpoints
        .iter()
        .map(|path| read_checkpoint(path).map(|checkpoint| (path, checkpoint)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let public_key = match public_key {
        Some(key) => Some(key),
        None if documents.is_empty() => None,
        None => Some(local_public_key(&target.data)?),
    };
    let app = open_app(target).await?;
    let store = app.store();
    let mut intact = report_chains(store).await?;
    if let Some(public_key) = public_key {
        for (path, checkpoint) in &documents {
            intact &= check_one(store, path, checkpoint, &public_key).await?;
        }
    }
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Verifies every chain, says per chain how it stands and then for the whole journal, and
/// whether it is intact.
async fn report_chains(store: &SqlStore) -> anyhow::Result<bool> {
    let chains = store.verify_journal_chains().await?;
    for chain in &chains {
        match &chain.broken {
            None => println!("chain {}: intact, {} entries", chain.chain, chain.entries),
            Some((seq, reason)) => {
                println!("chain {}: broken at entry {seq}: {reason}", chain.chain)
            }
        }
    }
    let entries: i64 = chains.iter().map(|chain| chain.entries).sum();
    let broken = chains.iter().filter(|chain| chain.broken.is_some()).count();
    if broken == 0 {
        println!("journal intact: {entries} entries");
    } else {
        println!("journal broken: {broken} of {} chains", chains.len());
    }
    Ok(broken == 0)
}

/// Checks one checkpoint and says whether it holds.
async fn check_one(
    store: &SqlStore,
    path: &Path,
    checkpoint: &JournalCheckpoint,
    public_key: &str,
) -> anyhow::Result<bool> {
    let problems = store.check_checkpoint(checkpoint, public_key).await?;
    let entries: i64 = checkpoint.chains.iter().map(|head| head.entries).sum();
    let name = format!(
        "checkpoint {} ({}, {entries} entries)",
        path.display(),
        checkpoint.at
    );
    if problems.is_empty() {
        println!("{name}: holds");
        return Ok(true);
    }
    for problem in problems {
        println!("{name} FAILED: {problem}");
    }
    Ok(false)
}

fn read_checkpoint(path: &Path) -> anyhow::Result<JournalCheckpoint> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the checkpoint {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a journal checkpoint (a JSON document from `reilu journal checkpoint`)",
            path.display()
        )
    })
}

/// The public key of the data folder's signing key; an error (not a new key) without one.
fn local_public_key(data: &Path) -> anyhow::Result<String> {
    if !data.join(JOURNAL_SIGNING_KEY_FILE_NAME).exists() {
        anyhow::bail!(
            "there is no {JOURNAL_SIGNING_KEY_FILE_NAME} in {}: pass the signer's --public-key",
            data.display()
        );
    }
    Ok(signing_key(data)?.public_key_hex())
}

async fn checkpoint(target: &Target, out: Option<&Path>, json: bool) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let store = app.store();
    // Only a sound journal is vouched for: signing a broken one would bless the break.
    if let JournalVerification::Broken { seq, reason } = store.verify_journal().await? {
        eprintln!("journal broken at entry {seq}: {reason}; no checkpoint written");
        return Ok(ExitCode::FAILURE);
    }
    let key = signing_key(&target.data)?;
    let state = store.journal_state().await?;
    let at_ms = chrono::Utc::now().timestamp_millis();
    let checkpoint = JournalCheckpoint::sign(state, at_ms, &key);
    let document = serde_json::to_string_pretty(&checkpoint)?;
    let Some(out) = out else {
        println!("{document}");
        return Ok(ExitCode::SUCCESS);
    };
    write_new_file(out, &document)?;
    let entries: i64 = checkpoint.chains.iter().map(|head| head.entries).sum();
    let mut stdout = std::io::stdout().lock();
    if json {
        let summary = serde_json::json!({
            "file": out.display().to_string(),
            "journal_id": checkpoint.journal_id,
            "entries": entries,
            "at": checkpoint.at,
            "public_key": checkpoint.public_key,
        });
        writeln!(stdout, "{summary}")?;
    } else {
        writeln!(
            stdout,
            "checkpoint of {entries} entries signed by {} written to {}",
            checkpoint.public_key,
            out.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the document and makes it durable before saying so; an existing file is replaced
/// through a temporary file, so a crash leaves the old or the new document, never half.
fn write_new_file(path: &Path, text: &str) -> anyhow::Result<()> {
    let folder = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let temporary = folder.join(format!(
        ".{}.tmp",
        path.file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "checkpoint".into())
    ));
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    };
    write().with_context(|| format!("cannot write the checkpoint to {}", path.display()))
}
