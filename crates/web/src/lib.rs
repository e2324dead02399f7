//! Reilu's HTTP face: `/healthz`, the client API and the operators' payment import under
//! `/api/v1` with their OpenAPI document, and the landing page. Handlers are thin: they
//! parse, call one workflow, and map its result to a status with one exhaustive match.

mod auth;
mod body;
mod claims_api;
mod error;
mod log_api;
mod pages;
mod payments_api;
mod server;
mod statement_api;
mod verify;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::{Method, Uri, header};
use axum::response::IntoResponse;
use axum::routing::{MethodFilter, MethodRouter, on};
use reilu_app::App;
use reilu_store::Store;

pub use error::{ApiError, INTERNAL_ERROR};
pub use verify::{CHECKS_PER_ADDRESS_DEFAULT, CHECKS_TOTAL_DEFAULT};

/// The OpenAPI 3.1 document of the client and operator API, kept beside the code and checked
/// by tests.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// Largest request body read into memory: a batch of 1,000 claims is about 1 MiB of JSON.
/// Payment files are streamed to disk instead and have their own limit.
pub const BODY_BYTES_MAX: usize = 8 * 1024 * 1024;

/// Largest payment file accepted over HTTP. A month of camt.054 for a busy collection account
/// is some hundreds of MiB; 2 GiB leaves room and still bounds the disk one request can fill.
pub const PAYMENT_FILE_BYTES_MAX: u64 = 2 * 1024 * 1024 * 1024;

/// Folder of the data directory where payment files wait while they are imported.
pub const UPLOADS_FOLDER: &str = "uploads";

/// Time a client has to send a request's headers; a kept-alive connection that starts no new
/// request within it is closed too. Ten seconds is ample for any client that means to talk.
pub const HEADER_TIMEOUT_DEFAULT: Duration = Duration::from_secs(10);

/// Time a JSON body (up to 8 MiB) has to arrive whole, and the longest a payment file's
/// upload may stall between two pieces.
pub const BODY_TIMEOUT_DEFAULT: Duration = Duration::from_secs(60);

/// Connections served at once; further ones wait until one closes. Each costs a file
/// descriptor, and the usual limit per process is 1,024, shared with the store's files.
pub const CONNECTIONS_MAX_DEFAULT: usize = 512;

/// What the web layer needs besides the application.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Where payment files are written while they are imported (created owner-only).
    pub upload_dir: PathBuf,
    /// Largest payment file accepted, in bytes (413 beyond).
    pub payment_file_bytes_max: u64,
    /// See [`HEADER_TIMEOUT_DEFAULT`].
    pub header_timeout: Duration,
    /// See [`BODY_TIMEOUT_DEFAULT`] (408 beyond).
    pub body_timeout: Duration,
    /// See [`CONNECTIONS_MAX_DEFAULT`].
    pub connections_max: usize,
    /// Verification checks one client address may make a minute (429 beyond).
    pub verify_checks_per_address: u32,
    /// Verification checks all addresses together may make a minute (429 beyond).
    pub verify_checks_total: u32,
}

impl WebConfig {
    /// Uploads in `DATA/uploads`, files up to [`PAYMENT_FILE_BYTES_MAX`], the default limits.
    pub fn in_data_folder(data: &Path) -> Self {
        WebConfig {
            upload_dir: data.join(UPLOADS_FOLDER),
            payment_file_bytes_max: PAYMENT_FILE_BYTES_MAX,
            header_timeout: HEADER_TIMEOUT_DEFAULT,
            body_timeout: BODY_TIMEOUT_DEFAULT,
            connections_max: CONNECTIONS_MAX_DEFAULT,
            verify_checks_per_address: CHECKS_PER_ADDRESS_DEFAULT,
            verify_checks_total: CHECKS_TOTAL_DEFAULT,
        }
    }
}

/// Every endpoint the server answers, with its method and path. The router is built from
/// this list and a test holds the OpenAPI document to it, so the two cannot drift apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Home,
    Health,
    OpenApi,
    ClientStatement,
    PlaceClaims,
    ImportPayments,
    VerifyPage,
    VerifyForm,
    VerifyApi,
    LogCheckpoint,
    LogInclusion,
    LogConsistency,
    LogLeaf,
}

impl Endpoint {
    pub const ALL: [Endpoint; 13] = [
        Endpoint::Home,
        Endpoint::Health,
        Endpoint::OpenApi,
        Endpoint::ClientStatement,
        Endpoint::PlaceClaims,
        Endpoint::ImportPayments,
        Endpoint::VerifyPage,
        Endpoint::VerifyForm,
        Endpoint::VerifyApi,
        Endpoint::LogCheckpoint,
        Endpoint::LogInclusion,
        Endpoint::LogConsistency,
        Endpoint::LogLeaf,
    ];

    pub fn method(self) -> Method {
        match self {
            Endpoint::Home
            | Endpoint::Health
            | Endpoint::OpenApi
            | Endpoint::ClientStatement
            | Endpoint::VerifyPage
            | Endpoint::LogCheckpoint
            | Endpoint::LogInclusion
            | Endpoint::LogConsistency
            | Endpoint::LogLeaf => Method::GET,
            Endpoint::PlaceClaims
            | Endpoint::ImportPayments
            | Endpoint::VerifyForm
            | Endpoint::VerifyApi => Method::POST,
        }
    }

    /// The path as the router and the OpenAPI document write it.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Home => "/",
            Endpoint::Health => "/healthz",
            Endpoint::OpenApi => "/api/v1/openapi.json",
            Endpoint::ClientStatement => "/api/v1/clients/{client_id}/statement",
            Endpoint::PlaceClaims => "/api/v1/clients/{client_id}/claims",
            Endpoint::ImportPayments => "/api/v1/payments/imports",
            Endpoint::VerifyPage | Endpoint::VerifyForm => "/verify",
            Endpoint::VerifyApi => "/api/v1/verify",
            Endpoint::LogCheckpoint => "/api/v1/log/checkpoint",
            Endpoint::LogInclusion => "/api/v1/log/proof/inclusion",
            Endpoint::LogConsistency => "/api/v1/log/proof/consistency",
            Endpoint::LogLeaf => "/api/v1/log/leaves/{index}",
        }
    }

    fn route<S: Store>(self) -> MethodRouter<WebState<S>> {
        let filter = match self.method() {
            Method::POST => MethodFilter::POST,
            Method::PUT => MethodFilter::PUT,
            Method::DELETE => MethodFilter::DELETE,
            _ => MethodFilter::GET,
        };
        match self {
            Endpoint::Home => on(filter, pages::home::<S>),
            Endpoint::Health => on(filter, healthz::<S>),
            Endpoint::OpenApi => on(filter, openapi),
            Endpoint::ClientStatement => on(filter, statement_api::statement::<S>),
            Endpoint::PlaceClaims => on(filter, claims_api::place_claims::<S>),
            // Streams its body to disk, counted against `payment_file_bytes_max`.
            Endpoint::ImportPayments => on(filter, payments_api::import_payments::<S>),
            Endpoint::VerifyPage => on(filter, verify::verify_page),
            Endpoint::VerifyForm => on(filter, verify::verify_form::<S>),
            Endpoint::VerifyApi => on(filter, verify::verify_api::<S>),
            Endpoint::LogCheckpoint => on(filter, log_api::checkpoint::<S>),
            Endpoint::LogInclusion => on(filter, log_api::inclusion::<S>),
            Endpoint::LogConsistency => on(filter, log_api::consistency::<S>),
            Endpoint::LogLeaf => on(filter, log_api::leaf::<S>),
        }
    }
}

/// The router's state. Handlers take the part they need (`State<App<S>>`, …) through
/// [`FromRef`].
struct WebState<S: Store> {
    app: App<S>,
    uploads: Arc<payments_api::Uploads>,
    limits: BodyLimits,
    verify_limiter: Arc<verify::VerifyLimiter>,
}

/// How long bodies may take to arrive.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimits {
    pub(crate) body_timeout: Duration,
}

impl<S: Store> Clone for WebState<S> {
    fn clone(&self) -> Self {
        WebState {
            app: self.app.clone(),
            uploads: Arc::clone(&self.uploads),
            limits: self.limits,
            verify_limiter: Arc::clone(&self.verify_limiter),
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

impl<S: Store> FromRef<WebState<S>> for Arc<verify::VerifyLimiter> {
    fn from_ref(state: &WebState<S>) -> Self {
        Arc::clone(&state.verify_limiter)
    }
}

impl<S: Store> FromRef<WebState<S>> for BodyLimits {
    fn from_ref(state: &WebState<S>) -> Self {
        state.limits
    }
}

/// The routes of [`Endpoint::ALL`]; any other path answers 404, any other method 405, both in
/// the API's JSON error shape like every other error.
fn router<S: Store>(app: App<S>, uploads: payments_api::Uploads, config: &WebConfig) -> Router {
    let state = WebState {
        app,
        uploads: Arc::new(uploads),
        limits: BodyLimits {
            body_timeout: config.body_timeout,
        },
        verify_limiter: Arc::new(verify::VerifyLimiter::new(
            config.verify_checks_per_address,
            config.verify_checks_total,
        )),
    };
    // Endpoints that share a path (the verification page and its form) share one route.
    let mut routes: Vec<(&'static str, MethodRouter<WebState<S>>)> = Vec::new();
    for endpoint in Endpoint::ALL {
        match routes.iter_mut().find(|(path, _)| *path == endpoint.path()) {
            Some((_, route)) => *route = std::mem::take(route).merge(endpoint.route::<S>()),
            None => routes.push((endpoint.path(), endpoint.route::<S>())),
        }
    }
    let mut router = Router::new();
    for (path, route) in routes {
        router = router.route(path, route);
    }
    router
        .fallback(no_such_endpoint)
        .layer(axum::middleware::map_response(error::json_errors))
        .with_state(state)
}

async fn no_such_endpoint(uri: Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no endpoint at {}; the API is described at {}",
        uri.path(),
        Endpoint::OpenApi.path()
    ))
}

/// 200 once the store answers and is migrated; 503 otherwise.
async fn healthz<S: Store>(State(app): State<App<S>>) -> Result<&'static str, ApiError> {
    match app.store().ping().await {
        Ok(()) => Ok("ok\n"),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            Err(ApiError::Unavailable("the store is not reachable".into()))
        }
    }
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}

/// Serves on `listener` until `shutdown` completes, then lets open requests finish. Payment
/// files a stopped server left in the upload folder are removed first.
pub async fn serve<S: Store>(
    app: App<S>,
    config: &WebConfig,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let uploads = payments_api::Uploads::open(&config.upload_dir, config.payment_file_bytes_max)?;
    let limits = server::ConnectionLimits {
        connections_max: config.connections_max,
        header_timeout: config.header_timeout,
    };
    server::run(listener, router(app, uploads, config), limits, shutdown).await;
    Ok(())
}
