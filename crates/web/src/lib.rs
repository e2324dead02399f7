//! Reilu's HTTP face: `/healthz`, the client API and the operators' payment import under
//! `/api/v1` with their OpenAPI document, and the landing page. Handlers are thin: they
//! parse, call one workflow, and map its result to a status with one exhaustive match.

mod auth;
mod claims_api;
mod error;
mod pages;
mod payments_api;
mod statement_api;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use reilu_app::App;
use reilu_store::Store;

pub use error::ApiError;

/// The OpenAPI 3.1 document of the client and operator API, kept beside the code and checked
/// by tests.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// Largest request body read into memory: a batch of 1,000 claims is about 1 MiB of JSON.
/// Payment files are streamed to disk instead and have their own limit.
const BODY_BYTES_MAX: usize = 8 * 1024 * 1024;

/// Largest payment file accepted over HTTP. A month of camt.054 for a busy collection account
/// is some hundreds of MiB; 2 GiB leaves room and still bounds the disk one request can fill.
pub const PAYMENT_FILE_BYTES_MAX: u64 = 2 * 1024 * 1024 * 1024;

/// Folder of the data directory where payment files wait while they are imported.
pub const UPLOADS_FOLDER: &str = "uploads";

/// Uploads older than this found at start were left by a process that stopped mid-import.
const STALE_UPLOAD_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// What the web layer needs besides the application.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Where payment files are written while they are imported (created owner-only).
    pub upload_dir: PathBuf,
    /// Largest payment file accepted, in bytes (413 beyond).
    pub payment_file_bytes_max: u64,
}

impl WebConfig {
    /// Uploads in `DATA/uploads`, files up to [`PAYMENT_FILE_BYTES_MAX`].
    pub fn in_data_folder(data: &Path) -> Self {
        WebConfig {
            upload_dir: data.join(UPLOADS_FOLDER),
            payment_file_bytes_max: PAYMENT_FILE_BYTES_MAX,
        }
    }
}

/// The router's state. Handlers take the part they need (`State<App<S>>`, …) through
/// [`FromRef`].
struct WebState<S: Store> {
    app: App<S>,
    uploads: Arc<payments_api::Uploads>,
}

impl<S: Store> Clone for WebState<S> {
    fn clone(&self) -> Self {
        WebState {
            app: self.app.clone(),
            uploads: Arc::clone(&self.uploads),
        }
    }
}

impl<S: Store> FromRef<WebState<S>> for App<S> {
    fn from_ref(state: &WebState<S>) -> Self {
        state.app.clone()
    }
}

impl<S: Store> FromRef<WebState<S>> for Arc<payments_api::Uploads> {
    fn from_ref(state: &WebState<S>) -> Self {
        Arc::clone(&state.uploads)
    }
}

pub fn router<S: Store>(app: App<S>, config: &WebConfig) -> Router {
    let state = WebState {
        app,
        uploads: Arc::new(payments_api::Uploads {
            dir: config.upload_dir.clone(),
            bytes_max: config.payment_file_bytes_max,
        }),
    };
    Router::new()
        .route("/", get(pages::home::<S>))
        .route("/healthz", get(healthz::<S>))
        .route("/api/v1/openapi.json", get(openapi))
        .route(
            "/api/v1/clients/{client_id}/statement",
            get(statement_api::statement::<S>),
        )
        .route(
            "/api/v1/clients/{client_id}/claims",
            post(claims_api::place_claims::<S>),
        )
        // Streams its body to disk, counted against `payment_file_bytes_max`; the
        // `DefaultBodyLimit` below applies only to bodies read into memory.
        .route(
            "/api/v1/payments/imports",
            post(payments_api::import_payments::<S>),
        )
        .layer(DefaultBodyLimit::max(BODY_BYTES_MAX))
        .with_state(state)
}

/// 200 once the store answers and is migrated; 503 otherwise.
async fn healthz<S: Store>(State(app): State<App<S>>) -> impl IntoResponse {
    match app.store().ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the store is not reachable\n",
            )
        }
    }
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}

/// Binds `addr` and serves until `shutdown` completes. Returns the bound address through
/// `on_bound` first, so a caller that asked for port 0 learns the real one.
pub async fn serve<S: Store>(
    app: App<S>,
    config: &WebConfig,
    addr: SocketAddr,
    on_bound: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    payments_api::remove_stale_uploads(&config.upload_dir, STALE_UPLOAD_AGE);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    on_bound(listener.local_addr()?);
    axum::serve(listener, router(app, config))
        .with_graceful_shutdown(shutdown)
        .await
}
