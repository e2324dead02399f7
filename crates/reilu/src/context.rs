//! Opening the store and the vault from the command line's --data and --database-url.

use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use reilu_app::{App, SystemClock};
use reilu_store::SqlStore;
use reilu_vault::{MasterKey, Vault, load_or_create_key_file};

/// Where the data lives.
pub struct Target {
    pub data: PathBuf,
    pub database_url: Option<String>,
    /// Rule packs from disk instead of the built-in ones.
    pub rules: Option<PathBuf>,
}

pub const MASTER_KEY_VARIABLE: &str = "REILU_MASTER_KEY";
/// The installation's public base URL (`https://perinta.example.fi`), printed in every
/// message as where to check it.
pub const PUBLIC_URL_VARIABLE: &str = "REILU_PUBLIC_URL";
pub const DATABASE_FILE_NAME: &str = "reilu.db";

impl Target {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => sqlite_url(&self.data),
        }
    }
}

pub fn sqlite_url(data: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data.join(DATABASE_FILE_NAME).display()
    )
}

/// Opens the store a command reads or changes: it must exist already. A mistyped `--data`
/// then says so and the command fails, instead of creating an empty store and reporting on
/// it (`reilu check` once answered "ok: journal intact (0 entries)" for a folder that held
/// nothing). Only the commands that create a store call [`open_or_create_app`].
pub async fn open_app(target: &Target) -> anyhow::Result<App<SqlStore>> {
    if let Some(missing) = missing_store(target) {
        anyhow::bail!(
            "there is no Reilu store at {}: check --data or --database-url (the commands that \
             create a store are serve, demo, client add, operator add and import)",
            missing.display()
        );
    }
    open_or_create_app(target).await
}

/// The SQLite database file the target names, if it does not exist (or is empty). A
/// PostgreSQL URL names a server's database, which this cannot tell apart from an empty one
/// without connecting: None.
fn missing_store(target: &Target) -> Option<PathBuf> {
    let url = target.database_url();
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.starts_with(":memory:") {
        return None;
    }
    let path = PathBuf::from(path);
    let present = std::fs::metadata(&path).is_ok_and(|metadata| metadata.len() > 0);
    (!present).then_some(path)
}

/// Creates the data folder (owner-only) if needed, loads the master key from
/// `REILU_MASTER_KEY` or the key file, connects to and migrates the store, creating it if
/// there is none. For the commands that create: serve, demo, client add, operator add,
/// import and the benchmarks (which make their own stores).
pub async fn open_or_create_app(target: &Target) -> anyhow::Result<App<SqlStore>> {
    ensure_data_folder(&target.data)?;
    owner_only_database_files(target)?;
    let master = master_key(&target.data)?;
    let url = target.database_url();
    let store = SqlStore::connect(&url, master.journal_key()).await?;
    remember_opened(&store);
    // The key that signs message commitments (verification codes), beside the master key.
    let signer = reilu_vault::load_or_create_message_key(&target.data)?;
    let mut app = App::new(store, Vault::new(&master), Arc::new(SystemClock))?.with_signer(signer);
    // The address every message names for checking it (`/verify` of this installation).
    if let Ok(public_url) = std::env::var(PUBLIC_URL_VARIABLE)
        && !public_url.trim().is_empty()
    {
        app = app.with_public_url(&public_url);
    }
    if target.rules.is_some() {
        // A broken pack stops every command here: nothing runs on rules that do not load.
        let book = crate::commands::rules::load_book(target, &app.markets)?;
        app = app.with_gate(reilu_rules::Gate::new(book)?);
    }
    // Remittance texts imported before they were sealed are sealed now (a data migration that
    // finds nothing to do once done).
    app.seal_plain_remittance_texts().await?;
    // The published late rates recorded in the store are law rules too (`rules add-rate`).
    Ok(app.with_published_rates().await?)
}

/// Stores this process opened, closed before it exits: on SQLite the last connection to close
/// copies the write-ahead log back into the database file and removes it, so the data folder
/// holds everything in `reilu.db` once a command has finished.
static OPENED: std::sync::Mutex<Vec<SqlStore>> = std::sync::Mutex::new(Vec::new());

fn remember_opened(store: &SqlStore) {
    let mut opened = OPENED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    opened.push(store.clone());
}

/// Closes every store this process opened (see [`OPENED`]).
pub async fn close_opened_stores() {
    let stores = std::mem::take(
        &mut *OPENED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    for store in stores {
        store.close().await;
    }
}

/// The embedded store's files are the owner's alone, like the master key: `reilu.db` is
/// created with mode 0600 before SQLite opens it (SQLite gives its log and shared-memory
/// files the database file's permissions), and files an older version left readable to
/// others are tightened. A `--database-url` store is the operator's to secure.
fn owner_only_database_files(target: &Target) -> anyhow::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if target
        .database_url
        .as_deref()
        .is_some_and(|url| !url.trim().is_empty())
    {
        return Ok(());
    }
    let database = target.data.join(DATABASE_FILE_NAME);
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&database)
        .with_context(|| format!("cannot open {}", database.display()))?;
    for suffix in ["", "-wal", "-shm"] {
        let path = target.data.join(format!("{DATABASE_FILE_NAME}{suffix}"));
        if path.exists() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("cannot make {} owner-only", path.display()))?;
        }
    }
    Ok(())
}

pub fn ensure_data_folder(data: &Path) -> anyhow::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(data)
        .with_context(|| format!("cannot create the data folder {}", data.display()))
}

/// The master key from `REILU_MASTER_KEY`, else `DIR/master.key` (created on first use).
pub fn master_key(data: &Path) -> anyhow::Result<MasterKey> {
    match std::env::var(MASTER_KEY_VARIABLE) {
        Ok(text) if !text.trim().is_empty() => MasterKey::from_hex(&text)
            .with_context(|| format!("{MASTER_KEY_VARIABLE} is not a valid key")),
        _ => Ok(load_or_create_key_file(data)?),
    }
}
