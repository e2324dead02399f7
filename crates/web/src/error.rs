//! API errors: each maps to one status and a short JSON reason, `{"error": "…"}`. Input the
//! client got wrong is answered with a 4xx and the reason; a fault of ours is answered with a
//! 500 that says only "internal error" and an id, and the real cause is logged under that id.

use axum::Json;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use reilu_app::AppError;

/// The reason of a 500: the cause stays in the log.
pub const INTERNAL_ERROR: &str = "internal error";

/// Longest text of a framework answer (a rejection's plain text) carried into the JSON error.
const FRAMEWORK_REASON_BYTES_MAX: usize = 4 * 1024;

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
    /// The body did not arrive in time (see `WebConfig::body_timeout`).
    #[error("the request body did not arrive in time: {0}")]
    RequestTimeout(String),
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
    /// The store is not reachable (health check).
    #[error("{0}")]
    Unavailable(String),
    /// Over a rate limit (the public verification of codes).
    #[error("{0}")]
    TooManyRequests(String),
    /// A fault of ours; the text is the cause, logged and never sent.
    #[error("internal error")]
    Internal(String),
}

/// An application error that reaches the HTTP layer unanswered is a fault of ours: handlers
/// check their input before they call the application, and match the application's answers
/// about input (a refused payment file, a reused key) explicitly.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError::Internal(error.to_string())
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
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::KeyReused | ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::InFlight => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            ApiError::Internal(cause) => {
                let error_id = uuid::Uuid::now_v7().to_string();
                tracing::error!(%error_id, %cause, "request failed");
                serde_json::json!({ "error": INTERNAL_ERROR, "error_id": error_id })
            }
            other => serde_json::json!({ "error": other.to_string() }),
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        if status == StatusCode::UNAUTHORIZED {
            // RFC 6750: a 401 names the scheme the client should use.
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if matches!(
            self,
            ApiError::RequestTimeout(_) | ApiError::PayloadTooLarge(_)
        ) {
            // The rest of the body is not read: the connection cannot carry another request.
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// Middleware: an error answer that is not JSON yet (a framework rejection, the 405 of a
/// route, a panic turned into a 500) is rewritten into the API's JSON error, keeping its
/// status and headers (a 405's `Allow`), so every error the API gives has one shape.
pub(crate) async fn json_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || is_json(&response)
        || is_page(&response)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, FRAMEWORK_REASON_BYTES_MAX)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let reason = match text.trim() {
        _ if status == StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = parts
                .headers
                .get(header::ALLOW)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("");
            format!("this endpoint does not take this method; it takes {allowed}")
        }
        "" => status
            .canonical_reason()
            .unwrap_or("request refused")
            .to_lowercase(),
        text => text.to_owned(),
    };
    // A 500 from below the handlers is a fault whose text may say too much: logged, not sent.
    let body = if status == StatusCode::INTERNAL_SERVER_ERROR {
        let error_id = uuid::Uuid::now_v7().to_string();
        tracing::error!(%error_id, cause = %reason, %status, "request failed");
        serde_json::json!({ "error": INTERNAL_ERROR, "error_id": error_id })
    } else {
        serde_json::json!({ "error": reason })
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(body.to_string()))
}

/// A page answered with an error status on purpose (the verification page's "too many
/// attempts") is a page for a person, not an API error.
fn is_page(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("text/html"))
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"))
}
