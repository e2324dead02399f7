//! `POST /api/v1/clients/{client_id}/claims`: a client places a batch of claims.

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use reilu_app::App;
use reilu_app::api_batch::{ApiBatchOutcome, ITEMS_PER_REQUEST_MAX};
use reilu_formats::claim_row::{CLAIM_COLUMNS, FieldError, RawClaim};
use reilu_store::{ClientRow, IdempotencyRequest, Store};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{ApiError, BODY_BYTES_MAX, BodyLimits};

/// Longest Idempotency-Key accepted (a UUID is 36 characters).
const IDEMPOTENCY_KEY_LENGTH_MAX: usize = 128;

/// Checked in this order, so a request learns nothing before its key is checked: the key
/// (401, 403), the Idempotency-Key (400), the media type (415), the body (413, 408, 400).
pub async fn place_claims<S: Store>(
    State(app): State<App<S>>,
    State(limits): State<BodyLimits>,
    client_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let client = authenticate(&app, &headers, client_id).await?;
    let key = idempotency_key(&headers)?;
    require_json(&headers)?;
    let body = crate::body::read_whole(&headers, body, BODY_BYTES_MAX, limits.body_timeout).await?;
    let items = parse_items(&body)?;
    let request = IdempotencyRequest {
        key,
        request_hash: hex::encode(Sha256::digest(&body)),
    };
    match app.place_api_claims(&client, items, Some(request)).await? {
        ApiBatchOutcome::Answered {
            status,
            body,
            replayed,
        } => {
            let status = StatusCode::from_u16(status)
                .map_err(|error| ApiError::Internal(error.to_string()))?;
            let mut response =
                (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
            if replayed {
                response
                    .headers_mut()
                    .insert("idempotency-replayed", HeaderValue::from_static("true"));
            }
            Ok(response)
        }
        ApiBatchOutcome::KeyReused => Err(ApiError::KeyReused),
        ApiBatchOutcome::InFlight => Err(ApiError::InFlight),
    }
}

/// `application/json`, with any parameters, or a `+json` type.
fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    match crate::body::media_type(headers) {
        Some(media_type) if media_type == "application/json" || media_type.ends_with("+json") => {
            Ok(())
        }
        other => Err(ApiError::UnsupportedMediaType(format!(
            "send the claims as JSON with 'Content-Type: application/json', not {}",
            other.map_or_else(|| "without one".to_owned(), |other| format!("'{other}'"))
        ))),
    }
}

/// The client the bearer key belongs to, which must be the client in the path.
/// A path that does not decode is no client's id: it is refused like another client's, after
/// the key was checked.
pub(crate) async fn authenticate<S: Store>(
    app: &App<S>,
    headers: &HeaderMap,
    client_id: Result<Path<String>, PathRejection>,
) -> Result<ClientRow, ApiError> {
    let key = crate::auth::bearer_key(headers).ok_or(ApiError::Unauthenticated)?;
    let client = app
        .client_for_api_key(key.peek())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    match client_id {
        Ok(Path(client_id)) if client_id == client.id => Ok(client),
        _ => Err(ApiError::Forbidden),
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let missing = || {
        ApiError::BadRequest(format!(
            "send an Idempotency-Key header (1 to {IDEMPOTENCY_KEY_LENGTH_MAX} visible ASCII characters, e.g. a UUID) so a retry never places claims twice"
        ))
    };
    let key = headers
        .get("idempotency-key")
        .and_then(|value| value.to_str().ok())
        .ok_or_else(missing)?;
    let well_formed = !key.is_empty()
        && key.len() <= IDEMPOTENCY_KEY_LENGTH_MAX
        && key.bytes().all(|byte| byte.is_ascii_graphic());
    if well_formed {
        Ok(key.to_owned())
    } else {
        Err(missing())
    }
}

/// `{"claims": [ {...}, ... ]}`: a body that is not of this shape is refused whole; an item
/// that is not a proper claim object is reported as that item's errors.
fn parse_items(body: &[u8]) -> Result<Vec<Result<RawClaim, Vec<FieldError>>>, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| ApiError::BadRequest(format!("the body is not JSON: {error}")))?;
    let Some(Value::Array(items)) = value.get("claims") else {
        return Err(ApiError::BadRequest(
            "the body must be an object with a \"claims\" array".into(),
        ));
    };
    if items.len() > ITEMS_PER_REQUEST_MAX {
        return Err(ApiError::BadRequest(format!(
            "a request carries at most {ITEMS_PER_REQUEST_MAX} claims, this one {}; send them in several requests",
            items.len()
        )));
    }
    Ok(items.iter().map(item_to_raw).collect())
}

fn item_to_raw(item: &Value) -> Result<RawClaim, Vec<FieldError>> {
    let Value::Object(fields) = item else {
        return Err(vec![FieldError {
            column: "(item)",
            reason: "must be a JSON object".into(),
        }]);
    };
    let mut raw = RawClaim::default();
    let mut errors = Vec::new();
    for (name, value) in fields {
        let Some((column, _)) = CLAIM_COLUMNS.iter().find(|(column, _)| column == name) else {
            errors.push(FieldError {
                column: "(item)",
                reason: format!(
                    "unknown field '{}'",
                    name.chars().take(40).collect::<String>()
                ),
            });
            continue;
        };
        match value {
            Value::String(text) => {
                raw.set(column, text.clone());
            }
            Value::Null => {}
            Value::Number(_) => errors.push(FieldError {
                column,
                reason:
                    "write numbers as strings (\"123.45\") so no digit is lost to floating point"
                        .into(),
            }),
            _ => errors.push(FieldError {
                column,
                reason: "must be a string".into(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(raw)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_report_type_problems_per_field() {
        let body = br#"{"claims": [{"principal": 12.5, "market": "FI", "color": "red"}, 7, {"market": null}]}"#;
        let items = parse_items(body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(items.len(), 3);
        let first = items[0].as_ref().err().cloned().unwrap_or_default();
        let columns: Vec<_> = first.iter().map(|error| error.column).collect();
        assert!(
            columns.contains(&"principal") && columns.contains(&"(item)"),
            "{first:?}"
        );
        assert!(items[1].is_err());
        assert_eq!(items[2].as_ref().ok(), Some(&RawClaim::default()));
        assert!(parse_items(b"[]").is_err());
        assert!(parse_items(b"{").is_err());
    }
}
