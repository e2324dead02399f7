//! Server-rendered pages: one askama template struct per page, holding finished data.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use reilu_app::App;
use reilu_store::Store;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    clients: i64,
    cases: i64,
    claims: i64,
    markets: usize,
    journal_entries: i64,
}

pub async fn home<S: Store>(State(app): State<App<S>>) -> Response {
    let counts = match app.store().counts().await {
        Ok(counts) => counts,
        Err(error) => {
            tracing::error!(%error, "home page counts");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "the store is not reachable",
            )
                .into_response();
        }
    };
    let page = HomePage {
        clients: counts.clients,
        cases: counts.cases,
        claims: counts.claims,
        markets: app.markets.len(),
        journal_entries: counts.journal_entries,
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "home page render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
