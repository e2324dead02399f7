//! `GET /api/v1/clients/{client_id}/statement?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use reilu_app::App;
use reilu_store::Store;
use serde::Deserialize;

use crate::ApiError;

#[derive(Deserialize)]
pub struct StatementQuery {
    from: String,
    to: String,
    #[serde(default)]
    format: Option<String>,
}

pub async fn statement<S: Store>(
    State(app): State<App<S>>,
    Path(client_id): Path<String>,
    Query(query): Query<StatementQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    crate::claims_api::authenticate(&app, &headers, &client_id).await?;
    let day = |text: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| ApiError::BadRequest(format!("'{text}' is not a date YYYY-MM-DD")))
    };
    let statement = app
        .client_statement(&client_id, day(&query.from)?, day(&query.to)?)
        .await?;
    match query.format.as_deref() {
        Some("csv") => {
            let csv = statement.to_csv()?;
            Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response())
        }
        None | Some("json") => Ok(Json(statement).into_response()),
        Some(other) => Err(ApiError::BadRequest(format!(
            "format '{other}' is not json or csv"
        ))),
    }
}
