//! `POST /api/v1/payments/imports`: a finance operator sends a camt.053/054 file, which is
//! imported exactly as `reilu import payments FILE.xml` does. The body is streamed to a file
//! of its own in the data folder and never held whole in memory; the import starts once the
//! whole body has arrived, and the file is removed when the request ends, however it ends.
//! Files left by a server that was killed mid-import are removed when the next one starts.

use std::fs::File;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use reilu_app::App;
use reilu_app::operators::{PaymentUpload, UploadOutcome};
use reilu_app::payments::PaymentSummary;
use reilu_core::Permission;
use reilu_store::Store;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncWriteExt, BufWriter};

use crate::{ApiError, BodyLimits};

/// Uploaded files are named `http-<server>-<uuid>.xml`, `<server>` naming the server process
/// that receives them; the name becomes the message id of the bank entries the file records,
/// and the journal entry of the import names it too.
const UPLOAD_PREFIX: &str = "http-";
const UPLOAD_SUFFIX: &str = ".xml";
/// Each running server holds an exclusive lock on `server-<server>.lock` in the folder. The
/// kernel drops the lock when the process ends, however it ends, so a lock that can be taken
/// marks a server that is gone, and its uploads as left behind.
const LOCK_PREFIX: &str = "server-";
const LOCK_SUFFIX: &str = ".lock";
/// Bytes buffered between the request and the file.
const WRITE_BUFFER_BYTES: usize = 256 * 1024;

/// Where uploads go while they are imported, and how large one may be.
#[derive(Debug)]
pub(crate) struct Uploads {
    pub(crate) dir: PathBuf,
    pub(crate) bytes_max: u64,
    /// This server's name in upload file names.
    server: String,
    /// Held, locked, while the server runs (see [`LOCK_PREFIX`]).
    _lock: File,
}

impl Uploads {
    /// Creates the folder (owner-only), takes this server's lock in it and removes the uploads
    /// of servers that are gone.
    pub(crate) fn open(dir: &Path, bytes_max: u64) -> std::io::Result<Uploads> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let server = uuid::Uuid::now_v7().simple().to_string();
        let lock = take_lock(&dir.join(format!("{LOCK_PREFIX}{server}{LOCK_SUFFIX}")))?;
        remove_orphans(dir, &server);
        Ok(Uploads {
            dir: dir.to_owned(),
            bytes_max,
            server,
            _lock: lock,
        })
    }
}

/// Creates and locks `path`. Another server removing it between the two steps (it found the
/// file unlocked and took it for a gone server's) is noticed, and the lock taken anew.
fn take_lock(path: &Path) -> std::io::Result<File> {
    loop {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)?;
        rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive)?;
        let still_there = std::fs::metadata(path)
            .is_ok_and(|on_disk| on_disk.ino() == file.metadata().map_or(0, |held| held.ino()));
        if still_there {
            return Ok(file);
        }
    }
}

pub(crate) async fn import_payments<S: Store>(
    State(app): State<App<S>>,
    State(uploads): State<std::sync::Arc<Uploads>>,
    State(limits): State<BodyLimits>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PaymentSummary>, ApiError> {
    // Asked before the body is read, so an unknown key or a wrong role costs no upload.
    crate::auth::operator_grant(&app, &headers, Permission::ImportPayments).await?;
    require_xml(&headers)?;
    refuse_declared_length(&headers, uploads.bytes_max)?;
    let received = receive(&uploads, body, limits).await?;
    // Asked again once the body is in: a large upload takes a while, and a key revoked
    // meanwhile must not import it.
    let grant = crate::auth::operator_grant(&app, &headers, Permission::ImportPayments).await?;
    let outcome = app.import_payment_upload(&grant, &received.upload).await?;
    // The outcome is in; the file is not needed any more.
    drop(received);
    match outcome {
        UploadOutcome::Imported(summary) => Ok(Json(summary)),
        UploadOutcome::Refused { reason } => Err(ApiError::Unprocessable(reason)),
    }
}

/// `application/xml` or `text/xml`, with any parameters (`; charset=utf-8`).
fn require_xml(headers: &HeaderMap) -> Result<(), ApiError> {
    match crate::body::media_type(headers).as_deref() {
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
    match crate::body::declared_length(headers) {
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
async fn receive(
    uploads: &Uploads,
    body: Body,
    limits: BodyLimits,
) -> Result<ReceivedFile, ApiError> {
    let internal = |what: &str, path: &Path, error: std::io::Error| {
        ApiError::Internal(format!("{what} {}: {error}", path.display()))
    };
    let name = format!(
        "{UPLOAD_PREFIX}{}-{}{UPLOAD_SUFFIX}",
        uploads.server,
        uuid::Uuid::now_v7().simple()
    );
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
    let (sha256, bytes) = copy_limited(body, file, uploads.bytes_max, limits)
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
/// A large file may take long over a slow line, so there is no deadline for the whole body,
/// but it may not stall for longer than the body timeout (and only a finance operator's key
/// gets this far).
async fn copy_limited(
    mut body: Body,
    file: tokio::fs::File,
    bytes_max: u64,
    limits: BodyLimits,
) -> Result<(String, u64), CopyError> {
    let mut out = BufWriter::with_capacity(WRITE_BUFFER_BYTES, file);
    let mut hasher = Sha256::new();
    let mut bytes: u64 = 0;
    while let Some(data) = crate::body::next_data(&mut body, limits.body_timeout, None)
        .await
        .map_err(CopyError::Api)?
    {
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

/// Removes the uploads of servers that are gone (they hold debtors' names), with their lock
/// files; uploads of a server still running are its own business. Errors are logged: a file
/// that cannot be removed now is tried again at the next start.
fn remove_orphans(dir: &Path, own_server: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let names: Vec<String> = entries
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    // Locks of gone servers are held until their uploads are removed, so that a server
    // starting meanwhile cannot take the name.
    let mut live = vec![own_server.to_owned()];
    let mut gone_locks = Vec::new();
    for name in &names {
        let Some(server) = server_of_lock(name) else {
            continue;
        };
        if server == own_server {
            continue;
        }
        match lock_if_gone(&dir.join(name)) {
            Some(lock) => gone_locks.push((name.clone(), lock)),
            None => live.push(server.to_owned()),
        }
    }
    for name in &names {
        let is_upload = name.starts_with(UPLOAD_PREFIX) && name.ends_with(UPLOAD_SUFFIX);
        let owner_runs = live
            .iter()
            .any(|server| name.starts_with(&format!("{UPLOAD_PREFIX}{server}-")));
        if is_upload && !owner_runs {
            remove_logged(&dir.join(name), "an upload left by a stopped server");
        }
    }
    for (name, _lock) in gone_locks {
        remove_logged(&dir.join(&name), "the lock of a stopped server");
    }
}

fn server_of_lock(name: &str) -> Option<&str> {
    name.strip_prefix(LOCK_PREFIX)?.strip_suffix(LOCK_SUFFIX)
}

/// The lock of `path`, if no running server holds it.
fn lock_if_gone(path: &Path) -> Option<File> {
    let file = std::fs::OpenOptions::new().write(true).open(path).ok()?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).ok()?;
    Some(file)
}

fn remove_logged(path: &Path, what: &str) {
    let file = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned());
    match std::fs::remove_file(path) {
        Ok(()) => tracing::warn!(file, "removed {what}"),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => tracing::error!(file, %error, "cannot remove {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, header};

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
    fn uploads_of_stopped_servers_are_removed_at_start_and_a_running_servers_kept() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let running = Uploads::open(dir.path(), 10).unwrap_or_else(|e| panic!("{e}"));
        let running_upload = dir.path().join(format!("http-{}-1.xml", running.server));
        let stopped_upload = dir.path().join("http-0000stopped-1.xml");
        let stopped_lock = dir.path().join("server-0000stopped.lock");
        let older_name = dir.path().join("http-0190f5c2-aaaa.xml");
        let other = dir.path().join("notes.xml");
        for path in [
            &running_upload,
            &stopped_upload,
            &stopped_lock,
            &older_name,
            &other,
        ] {
            assert!(std::fs::write(path, b"x").is_ok());
        }
        let next = Uploads::open(dir.path(), 10).unwrap_or_else(|e| panic!("{e}"));
        assert!(running_upload.exists(), "a running server's upload is kept");
        assert!(
            !stopped_upload.exists(),
            "a stopped server's upload is removed"
        );
        assert!(!stopped_lock.exists(), "and its lock file");
        assert!(
            !older_name.exists(),
            "an upload no running server owns is removed"
        );
        assert!(other.exists(), "only uploads are touched");
        drop(running);
        drop(next);
        let _ = Uploads::open(dir.path(), 10).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !running_upload.exists(),
            "once its server has stopped, its uploads go at the next start"
        );
    }
}
