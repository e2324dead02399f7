//! Fresh stores for tests: always an SQLite file in a temporary folder, and a fresh
//! PostgreSQL database when `REILU_TEST_DATABASE_URL` names a server. Every test suite of the
//! workspace uses this, so the same tests run on both backends.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{Connection, Executor};

use reilu_vault::{JournalKey, MasterKey};

use crate::{SqlStore, StoreError, StoreResult};

/// The master key test stores' journals are keyed under: fixed, so that a test can reopen a
/// store, compute tags, or run the `reilu` command on a test store (with this key in its data
/// folder's `master.key`).
pub const TEST_MASTER_KEY_HEX: &str =
    "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";

/// The journal key of every test store: [`TEST_MASTER_KEY_HEX`]'s.
pub fn test_journal_key() -> JournalKey {
    match MasterKey::from_hex(TEST_MASTER_KEY_HEX) {
        Ok(master) => master.journal_key(),
        Err(_) => unreachable!("the test master key is 64 hex characters"),
    }
}

pub const TEST_DATABASE_URL_VARIABLE: &str = "REILU_TEST_DATABASE_URL";

/// A store made for one test; its SQLite folder is removed when it is dropped.
pub struct TestStore {
    pub backend_name: &'static str,
    pub url: String,
    pub store: SqlStore,
    /// The key the store's journal is tagged with ([`test_journal_key`]).
    pub journal_key: JournalKey,
    folder: Option<PathBuf>,
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some(folder) = &self.folder {
            // Best effort: a leftover folder in the temporary directory harms nothing.
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

impl TestStore {
    /// Runs SQL on the test database behind the store's back, as someone with database
    /// access would (to show what the store refuses or `reilu check` finds); the rows it
    /// changed, or the database's error as text.
    pub async fn raw(&self, sql: &str) -> Result<u64, String> {
        let mut connection = sqlx::AnyConnection::connect(&self.url)
            .await
            .map_err(|e| e.to_string())?;
        let result = sqlx::query(sql)
            .execute(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
        Ok(result.rows_affected())
    }

    /// The journal's entries of one kind, oldest first: (subject, payload).
    pub async fn journal_of_kind(&self, kind: &str) -> Result<Vec<(String, String)>, String> {
        use sqlx::Row;
        let mut connection = sqlx::AnyConnection::connect(&self.url)
            .await
            .map_err(|e| e.to_string())?;
        let rows = sqlx::query("SELECT subject, payload FROM journal WHERE kind = $1 ORDER BY seq")
            .bind(kind)
            .fetch_all(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| e.to_string())
    }

    /// The temporary data folder of an SQLite test store.
    pub fn folder(&self) -> Option<&PathBuf> {
        self.folder.as_ref()
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name no other test of any process uses: process id, a counter and the clock.
pub fn unique_name(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{prefix}_{}_{count}_{}",
        std::process::id(),
        nanos % 1_000_000_000
    )
}

/// One store per backend under test. A set but unreachable PostgreSQL URL is an error, not a
/// skip: CI sets it so that both backends are tested.
pub async fn stores_under_test() -> StoreResult<Vec<TestStore>> {
    let mut stores = vec![sqlite_test_store().await?];
    if let Some(server_url) = test_server_url() {
        stores.push(postgres_test_store(&server_url).await?);
    }
    Ok(stores)
}

/// The PostgreSQL server tests run against, if one is named.
pub fn test_server_url() -> Option<String> {
    std::env::var(TEST_DATABASE_URL_VARIABLE)
        .ok()
        .map(|url| url.trim().to_owned())
        .filter(|url| !url.is_empty())
}

/// A URL to an SQLite database file in a new temporary folder (the file is created on first
/// connect), and the folder.
pub fn sqlite_test_url() -> StoreResult<(String, PathBuf)> {
    let folder = std::env::temp_dir().join(unique_name("reilu_test"));
    std::fs::create_dir_all(&folder).map_err(|error| {
        StoreError::Conflict(format!("cannot create {}: {error}", folder.display()))
    })?;
    let url = format!("sqlite://{}?mode=rwc", folder.join("reilu.db").display());
    Ok((url, folder))
}

pub async fn sqlite_test_store() -> StoreResult<TestStore> {
    let (url, folder) = sqlite_test_url()?;
    let store = SqlStore::connect(&url, test_journal_key()).await?;
    Ok(TestStore {
        backend_name: "sqlite",
        url,
        store,
        journal_key: test_journal_key(),
        folder: Some(folder),
    })
}

/// Creates a database with a unique name on the server and connects to it.
pub async fn postgres_test_store(server_url: &str) -> StoreResult<TestStore> {
    let url = postgres_test_url(server_url).await?;
    let store = SqlStore::connect(&url, test_journal_key()).await?;
    Ok(TestStore {
        backend_name: "postgres",
        url,
        store,
        journal_key: test_journal_key(),
        folder: None,
    })
}

/// Creates an empty database with a unique name on the server; returns its URL.
pub async fn postgres_test_url(server_url: &str) -> StoreResult<String> {
    sqlx::any::install_default_drivers();
    let name = unique_name("reilu_t");
    let mut admin = sqlx::AnyConnection::connect(server_url)
        .await
        .map_err(|source| StoreError::Connect {
            url: crate::sql_store::redact_url(server_url),
            source,
        })?;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    admin.close().await?;
    Ok(replace_database(server_url, &name))
}

/// `postgres://host:5432/test?x=y` with its database name replaced.
fn replace_database(server_url: &str, database: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server_url, String::new()),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[authority_start..]
        .find('/')
        .map(|i| authority_start + i)
        .unwrap_or(base.len());
    format!("{}/{database}{query}", &base[..host_end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(
            replace_database("postgres://127.0.0.1:5432/test", "x"),
            "postgres://127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(
            replace_database("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
    }
}
