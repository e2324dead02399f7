//! Reading request bodies against a clock and a size limit, so a client that sends slowly or
//! stops half-way is cut off instead of holding its connection forever.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use http_body_util::BodyExt;
use tokio::time::Instant;

use crate::ApiError;

/// The next piece of data of `body`, or `None` at its end. Fails with 408 when no data comes
/// for `idle`, or when `deadline` (if any) passes first.
pub(crate) async fn next_data(
    body: &mut Body,
    idle: Duration,
    deadline: Option<Instant>,
) -> Result<Option<Bytes>, ApiError> {
    loop {
        let wait = deadline.map_or(idle, |deadline| {
            idle.min(deadline.saturating_duration_since(Instant::now()))
        });
        let frame = match tokio::time::timeout(wait, body.frame()).await {
            Err(_elapsed) => {
                return Err(ApiError::RequestTimeout(match deadline {
                    Some(_) if wait < idle => {
                        format!("it must arrive whole within {}", seconds(idle))
                    }
                    _ => format!("nothing came for {}", seconds(idle)),
                }));
            }
            Ok(None) => return Ok(None),
            Ok(Some(Err(error))) => {
                return Err(ApiError::BadRequest(format!(
                    "the body could not be read to its end: {error}"
                )));
            }
            Ok(Some(Ok(frame))) => frame,
        };
        // Trailers carry no data.
        if let Ok(data) = frame.into_data() {
            return Ok(Some(data));
        }
    }
}

/// The whole body, at most `bytes_max` bytes, which must arrive within `timeout`.
pub(crate) async fn read_whole(
    headers: &HeaderMap,
    mut body: Body,
    bytes_max: usize,
    timeout: Duration,
) -> Result<Bytes, ApiError> {
    let too_large = || ApiError::PayloadTooLarge(u64::try_from(bytes_max).unwrap_or(u64::MAX));
    if declared_length(headers).is_some_and(|length| length > bytes_max as u64) {
        return Err(too_large());
    }
    let deadline = Instant::now() + timeout;
    let mut collected = Vec::new();
    while let Some(data) = next_data(&mut body, timeout, Some(deadline)).await? {
        if collected.len().saturating_add(data.len()) > bytes_max {
            return Err(too_large());
        }
        collected.extend_from_slice(&data);
    }
    Ok(Bytes::from(collected))
}

/// The body's length as its `Content-Length` declares it, if it does.
pub(crate) fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
}

/// `2 s`, `0.3 s`: a duration as a person reads it.
pub(crate) fn seconds(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// The media type of the body without parameters, in lower case.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_seconds() {
        assert_eq!(seconds(Duration::from_secs(60)), "60 s");
        assert_eq!(seconds(Duration::from_millis(300)), "0.3 s");
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused() {
        let read = read_whole(
            &HeaderMap::new(),
            Body::from("0123456789"),
            9,
            Duration::from_secs(5),
        )
        .await;
        assert!(
            matches!(read, Err(ApiError::PayloadTooLarge(9))),
            "{read:?}"
        );
        let read = read_whole(
            &HeaderMap::new(),
            Body::from("0123456789"),
            10,
            Duration::from_secs(5),
        )
        .await;
        assert_eq!(read.ok().as_deref(), Some(&b"0123456789"[..]));
    }
}
