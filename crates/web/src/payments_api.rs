//! `POST /api/v1/payments/imports`: a finance operator sends a camt.053/054 file, which is
//! imported exactly as `reilu import payments FILE.xml` does. The body is streamed to a file
//! of its own in the data folder and never held whole in memory; the import starts once the
//! whole body has arrived, and the file is removed when the request ends, however it ends.

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use http_body_util::BodyExt;
use reilu_app::App;
use reilu_app::operators::{PaymentUpload, UploadOutcome};
use reilu_app::payments::PaymentSummary;
use reilu_core::Permission;
use reilu_store::Store;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncWriteExt, BufWriter};

use crate::ApiError;

/// Uploaded files are named `http-<uuid>.xml`; the name becomes the message id of the bank
/// entries the file records, and the journal entry of the import names it too.
const UPLOAD_PREFIX: &str = "http-";
const UPLOAD_SUFFIX: &str = ".xml";
/// Bytes buffered between the request and the file.
const WRITE_BUFFER_BYTES: usize = 256 * 1024;

/// Where uploads go while they are imported, and how large one may be.
#[derive(Debug, Clone)]
pub(crate) struct Uploads {
    pub(crate) dir: PathBuf,
    pub(crate) bytes_max: u64,
}

pub(crate) async fn import_payments<S: Store>(
    State(app): State<App<S>>,
    State(uploads): State<std::sync::Arc<Uploads>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PaymentSummary>, ApiError> {
    // Asked before the body is read, so an unknown key or a wrong role costs no upload.
    crate::auth::operator_grant(&app, &headers, Permission::ImportPayments).await?;
    require_xml(&headers)?;
    refuse_declared_length(&headers, uploads.bytes_max)?;
    let received = receive(&uploads, body).await?;
    // Asked again once the body is in: a large upload takes a while, and a key revoked
    // meanwhile must not import it.
    let grant = crate::auth::operator_grant(&app, &headers, Permission::ImportPayments).await?;
    let outcome = app.import_payment_upload(&grant, &received.upload).await?;
    drop(received);
    match outcome {
        UploadOutcome::Imported(summary) => Ok(Json(summary)),
        UploadOutcome::Refused { reason } => Err(ApiError::Unprocessable(reason)),
    }
}

/// `application/xml` or `text/xml`, with any parameters (`; charset=utf-8`).
fn require_xml(headers: &HeaderMap) -> Result<(), ApiError> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase());
    match media_type.as_deref() {
        Some("application/xml" | "text/xml") => Ok(()),
        other => Err(ApiError::UnsupportedMediaType(format!(
            "send the camt file with 'Content-Type: application/xml' (or text/xml), not {}",
            other.map_or_else(|| "without one".to_owned(), |other| format!("'{other}'"))
        ))),
    }
}

/// Refuses at once a body that says it is too large; one that does not say (chunked) is
/// counted as it comes, in [`copy_limited`].
fn refuse_declared_length(headers: &HeaderMap, bytes_max: u64) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    match declared {
        Some(length) if length > bytes_max => Err(ApiError::PayloadTooLarge(bytes_max)),
        _ => Ok(()),
    }
}

/// An uploaded file on disk, removed when this is dropped: after the import, on any error,
/// and when the client goes away mid-request (axum drops the handler's future).
struct ReceivedFile {
    upload: PaymentUpload,
}

impl Drop for ReceivedFile {
    fn drop(&mut self) {
        // A blocking unlink, once per request: too short to be worth a thread hop, and Drop
        // cannot await.
        match std::fs::remove_file(&self.upload.path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                tracing::error!(path = %self.upload.path.display(), %error, "cannot remove an uploaded payment file");
            }
        }
    }
}

/// Streams the body into a new owner-only file (bank files name the people who paid).
async fn receive(uploads: &Uploads, body: Body) -> Result<ReceivedFile, ApiError> {
    let internal = |what: &str, path: &Path, error: std::io::Error| {
        ApiError::Internal(format!("{what} {}: {error}", path.display()))
    };
    tokio::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&uploads.dir)
        .await
        .map_err(|error| internal("cannot create", &uploads.dir, error))?;
    let name = format!("{UPLOAD_PREFIX}{}{UPLOAD_SUFFIX}", uuid::Uuid::now_v7());
    let path = uploads.dir.join(name);
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .await
        .map_err(|error| internal("cannot create", &path, error))?;
    // From here the guard owns the file, so a failed copy leaves nothing behind.
    let mut received = ReceivedFile {
        upload: PaymentUpload {
            path,
            sha256: String::new(),
            bytes: 0,
        },
    };
    let (sha256, bytes) = copy_limited(body, file, uploads.bytes_max)
        .await
        .map_err(|error| match error {
            CopyError::Write(error) => internal("cannot write", &received.upload.path, error),
            CopyError::Api(error) => error,
        })?;
    received.upload.sha256 = sha256;
    received.upload.bytes = bytes;
    Ok(received)
}

enum CopyError {
    Api(ApiError),
    Write(std::io::Error),
}

/// Copies the body to `file` while hashing it, up to `bytes_max` bytes: (SHA-256 hex, bytes).
async fn copy_limited(
    mut body: Body,
    file: tokio::fs::File,
    bytes_max: u64,
) -> Result<(String, u64), CopyError> {
    let mut out = BufWriter::with_capacity(WRITE_BUFFER_BYTES, file);
    let mut hasher = Sha256::new();
    let mut bytes: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| {
            CopyError::Api(ApiError::BadRequest(format!(
                "the body could not be read to its end: {error}"
            )))
        })?;
        // Trailers carry no data.
        let Ok(data) = frame.into_data() else {
            continue;
        };
        bytes = bytes.saturating_add(u64::try_from(data.len()).unwrap_or(u64::MAX));
        if bytes > bytes_max {
            return Err(CopyError::Api(ApiError::PayloadTooLarge(bytes_max)));
        }
        hasher.update(&data);
        out.write_all(&data).await.map_err(CopyError::Write)?;
    }
    out.flush().await.map_err(CopyError::Write)?;
    Ok((hex::encode(hasher.finalize()), bytes))
}

/// Removes uploads left behind by a process that stopped mid-import (they hold debtors'
/// names). Only old ones: another process sharing the data folder may be importing its own.
pub(crate) fn remove_stale_uploads(dir: &Path, older_than: Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(UPLOAD_PREFIX) && name.ends_with(UPLOAD_SUFFIX)) {
            continue;
        }
        let stale = entry
            .metadata()
            .and_then(|metadata| metadata.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age >= older_than);
        if stale {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => tracing::warn!(file = %name, "removed an upload left by an earlier run"),
                Err(error) => tracing::error!(file = %name, %error, "cannot remove an old upload"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
        headers
    }

    #[test]
    fn only_xml_media_types_are_taken() {
        for taken in [
            "application/xml",
            "text/xml; charset=utf-8",
            "Application/XML",
        ] {
            assert!(
                require_xml(&headers(header::CONTENT_TYPE, taken)).is_ok(),
                "{taken}"
            );
        }
        for refused in ["application/json", "application/xml-dtd", ""] {
            assert!(
                require_xml(&headers(header::CONTENT_TYPE, refused)).is_err(),
                "{refused}"
            );
        }
        assert!(require_xml(&HeaderMap::new()).is_err());
    }

    #[test]
    fn a_declared_length_over_the_limit_is_refused_before_reading() {
        assert!(refuse_declared_length(&headers(header::CONTENT_LENGTH, "11"), 10).is_err());
        assert!(refuse_declared_length(&headers(header::CONTENT_LENGTH, "10"), 10).is_ok());
        assert!(refuse_declared_length(&HeaderMap::new(), 10).is_ok());
    }

    #[test]
    fn only_old_uploads_are_removed_at_start() {
        let dir = std::env::temp_dir().join(format!("reilu-uploads-{}", uuid::Uuid::now_v7()));
        let made = std::fs::create_dir_all(&dir);
        assert!(made.is_ok(), "{made:?}");
        let upload = dir.join("http-1.xml");
        let other = dir.join("notes.xml");
        for path in [&upload, &other] {
            assert!(std::fs::write(path, b"x").is_ok());
        }
        remove_stale_uploads(&dir, Duration::from_secs(3600));
        assert!(upload.exists(), "a fresh upload may be another process's");
        remove_stale_uploads(&dir, Duration::ZERO);
        assert!(!upload.exists());
        assert!(other.exists(), "only uploads are touched");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
