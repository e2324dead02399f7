//! The server under test, shared by the API test files (included with `#[path]`, so each
//! file uses what it needs; the rest is allowed to go unused).

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use reilu_app::{App, FixedClock};
use reilu_store::SqlStore;
use reilu_store::test_support::{TestStore, stores_under_test};
use reilu_vault::{MasterKey, Vault};
use reilu_web::WebConfig;

/// A server on a free port with two clients, on one backend.
pub struct TestApp {
    pub address: String,
    pub http: reqwest::Client,
    /// The application the server runs, for setting up what the API cannot (operators).
    pub app: App<SqlStore>,
    pub client_id: String,
    pub api_key: String,
    pub other_api_key: String,
    /// Where the server writes payment files while it imports them.
    pub upload_dir: PathBuf,
    pub backend_name: &'static str,
    pub store_url: String,
    _data: tempfile::TempDir,
    _store: TestStore,
}

/// One server per backend under test, with the default payment file limit.
pub async fn spawn_apps() -> Vec<TestApp> {
    spawn_apps_with_limit(reilu_web::PAYMENT_FILE_BYTES_MAX).await
}

/// One server per backend under test, accepting payment files up to `bytes_max` bytes.
pub async fn spawn_apps_with_limit(bytes_max: u64) -> Vec<TestApp> {
    spawn_apps_configured(|config| config.payment_file_bytes_max = bytes_max).await
}

/// One server per backend under test, its configuration changed by `configure`.
pub async fn spawn_apps_configured(configure: impl Fn(&mut WebConfig)) -> Vec<TestApp> {
    let mut apps = Vec::new();
    for test_store in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        apps.push(spawn_app(test_store, &configure).await);
    }
    apps
}

async fn spawn_app(test_store: TestStore, configure: &impl Fn(&mut WebConfig)) -> TestApp {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"));
    let clock = Arc::new(FixedClock(now.to_utc()));
    let app: App<SqlStore> = App::new(
        test_store.store.clone(),
        Vault::new(&MasterKey::generate()),
        clock,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // The sample files' accounts are ours: statements of other accounts are refused.
    app.configure_demo_accounts()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = app
        .add_client("Kauppa Oy", "FI", "FI2112345600000785")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let other = app
        .add_client("Muu Oy", "FI", "FI2112345600000785")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut config = WebConfig::in_data_folder(data.path());
    configure(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let bound = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let served_app = app.clone();
    let served_config = config.clone();
    tokio::spawn(async move {
        let served =
            reilu_web::serve(served_app, &served_config, listener, std::future::pending()).await;
        if let Err(error) = served {
            panic!("server stopped: {error}");
        }
    });
    TestApp {
        address: format!("http://{bound}"),
        http: {
            reilu_app::outbox::channels::install_tls_provider();
            reqwest::Client::new()
        },
        app,
        client_id: client.id,
        api_key: client.api_key,
        other_api_key: other.api_key,
        upload_dir: config.upload_dir,
        backend_name: test_store.backend_name,
        store_url: test_store.url.clone(),
        _data: data,
        _store: test_store,
    }
}

impl TestApp {
    /// A new operator with `role`: (id, key).
    pub async fn operator(&self, name: &str, role: reilu_core::OperatorRole) -> (String, String) {
        let created = self
            .app
            .add_operator(name, role)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (created.id.to_string(), created.api_key.expose())
    }

    /// Payment files the server left in its upload folder (it must leave none; the folder
    /// also holds the running server's lock file, which is not an upload).
    pub fn leftover_uploads(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(&self.upload_dir) {
            Ok(entries) => entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|extension| extension == "xml"))
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}
