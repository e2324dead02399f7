//! API errors: each maps to one status and a short JSON reason; the cause is logged.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use reilu_app::AppError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("missing or unknown API key: send 'Authorization: Bearer <key>'")]
    Unauthenticated,
    #[error("this API key belongs to another client")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error("this Idempotency-Key was used with a different request body")]
    KeyReused,
    #[error("a request with this Idempotency-Key is still being processed; retry shortly")]
    InFlight,
    #[error("internal error")]
    Internal(String),
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Invalid(reason) => ApiError::BadRequest(reason),
            AppError::NotFound(what) => ApiError::NotFound(what),
            AppError::Store(_) | AppError::Vault(_) | AppError::Io(_) => {
                ApiError::Internal(error.to_string())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::KeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::InFlight => StatusCode::CONFLICT,
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        (
            status,
            Json(serde_json::json!({ "error": self.to_string() })),
        )
            .into_response()
    }
}
