//! Reilu's HTTP face: `/healthz`, the client API under `/api/v1` with its OpenAPI document,
//! and the landing page. Handlers are thin: they parse, call one workflow, and map its result
//! to a status with one exhaustive match.

mod claims_api;
mod error;
mod pages;
mod statement_api;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use reilu_app::App;
use reilu_store::Store;

pub use error::ApiError;

/// The OpenAPI 3.1 document of the client API, kept beside the code and checked by tests.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// Largest request body: a batch of 1,000 claims is about 1 MiB of JSON.
const BODY_BYTES_MAX: usize = 8 * 1024 * 1024;

pub fn router<S: Store>(app: App<S>) -> Router {
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
        .layer(DefaultBodyLimit::max(BODY_BYTES_MAX))
        .with_state(app)
}

/// 200 once the store answers and is migrated; 503 otherwise.
async fn healthz<S: Store>(State(app): State<App<S>>) -> impl IntoResponse {
    match app.store.ping().await {
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
    addr: SocketAddr,
    on_bound: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    on_bound(listener.local_addr()?);
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
}
