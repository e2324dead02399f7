//! The transparency log over HTTP, for independent verifiers: the signed checkpoint (text, a
//! C2SP signed note), inclusion and consistency proofs (hashes in standard base64, as the
//! checkpoint writes its root), and a leaf's data. Public, like `/verify`: proofs say
//! nothing about anyone (commitments hold a digest of the recipient, never the address).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use reilu_app::{App, AppError};
use reilu_store::Store;
use serde::Deserialize;

use crate::error::ApiError;

fn base64(hash: &[u8; 32]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(hash)
}

fn not_found_or_internal(error: AppError) -> ApiError {
    match error {
        AppError::NotFound(text) | AppError::Invalid(text) => ApiError::NotFound(text),
        other => ApiError::from(other),
    }
}

/// `GET /api/v1/log/checkpoint`.
pub async fn checkpoint<S: Store>(State(app): State<App<S>>) -> Result<Response, ApiError> {
    let note = app.log_checkpoint().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        note,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct InclusionQuery {
    index: u64,
    size: u64,
}

/// `GET /api/v1/log/proof/inclusion?index=I&size=N`.
pub async fn inclusion<S: Store>(
    State(app): State<App<S>>,
    Query(query): Query<InclusionQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let proof = app
        .log_inclusion_proof(query.index, query.size)
        .await
        .map_err(not_found_or_internal)?;
    Ok(Json(serde_json::json!({
        "index": query.index,
        "size": query.size,
        "proof": proof.iter().map(base64).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct ConsistencyQuery {
    from: u64,
    to: u64,
}

/// `GET /api/v1/log/proof/consistency?from=M&to=N`.
pub async fn consistency<S: Store>(
    State(app): State<App<S>>,
    Query(query): Query<ConsistencyQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let proof = app
        .log_consistency_proof(query.from, query.to)
        .await
        .map_err(not_found_or_internal)?;
    Ok(Json(serde_json::json!({
        "from": query.from,
        "to": query.to,
        "proof": proof.iter().map(base64).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/log/leaves/{index}`: the bytes the leaf hashes (the commitment and its
/// signature, as text).
pub async fn leaf<S: Store>(
    State(app): State<App<S>>,
    Path(index): Path<u64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    if i64::try_from(index).is_err() {
        return Err(ApiError::NotFound(format!("the log has no leaf {index}")));
    }
    let leaves = app
        .store()
        .log_leaves(index, 1)
        .await
        .map_err(|error| ApiError::from(AppError::from(error)))?;
    let leaf = leaves
        .into_iter()
        .find(|leaf| leaf.leaf_index == index)
        .ok_or_else(|| ApiError::NotFound(format!("the log has no leaf {index}")))?;
    let data = String::from_utf8(reilu_store::leaf_data(&leaf.commitment, &leaf.signature))
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    Ok(Json(serde_json::json!({ "index": index, "data": data })))
}
