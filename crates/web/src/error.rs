//! API errors: each maps to one status and a short JSON reason; the cause is logged.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use reilu_app::AppError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("missing or unknown API key: send 'Authorization: Bearer <key>'")]
    Unauthenticated,
    #[error(
        "missing, unknown or revoked operator key: send 'Authorization: Bearer <key>' with an operator key from 'reilu operator add'"
    )]
    OperatorUnauthenticated,
    #[error("this API key belongs to another client")]
    Forbidden,
    /// A valid operator key whose role may not do this; the reason names the role that may.
    #[error("{0}")]
    OperatorForbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("this Idempotency-Key was used with a different request body")]
    KeyReused,
    #[error("a request with this Idempotency-Key is still being processed; retry shortly")]
    InFlight,
    #[error("the body is larger than the {0} bytes accepted here")]
    PayloadTooLarge(u64),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A well-formed request whose content cannot be processed (a payment file that does not
    /// read).
    #[error("{0}")]
    Unprocessable(String),
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

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated | ApiError::OperatorUnauthenticated => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Forbidden | ApiError::OperatorForbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::KeyReused | ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::InFlight => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (
            status,
            Json(serde_json::json!({ "error": self.to_string() })),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            // RFC 6750: a 401 names the scheme the client should use.
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
