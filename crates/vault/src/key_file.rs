//! The master key file in the data folder, created once with owner-only permissions.

use std::fs;
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use crate::{MasterKey, VaultError};

pub const MASTER_KEY_FILE_NAME: &str = "master.key";

/// Reads `DIR/master.key`, or creates it with a fresh key and mode 0600 if it does not exist.
/// A key file readable by others is refused rather than used: it would expose every record.
pub fn load_or_create_key_file(dir: &Path) -> Result<MasterKey, VaultError> {
    let bytes = load_or_create_secret(&dir.join(MASTER_KEY_FILE_NAME))?;
    Ok(MasterKey(bytes))
}

/// Reads 32 secret bytes (64 hex characters) from `path`, or creates the file with fresh
/// random bytes and mode 0600 if it does not exist; refused if others may read it.
pub(crate) fn load_or_create_secret(path: &Path) -> Result<[u8; 32], VaultError> {
    let failure = |reason: String| VaultError::KeyFile {
        path: path.display().to_string(),
        reason,
    };
    let created = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    match created {
        Ok(mut file) => {
            let key = MasterKey::generate();
            file.write_all(format!("{}\n", key.to_hex()).as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|error| failure(error.to_string()))?;
            Ok(key.0)
        }
        Err(error) if error.kind() == ErrorKind::AlreadyExists => {
            let metadata = fs::metadata(path).map_err(|error| failure(error.to_string()))?;
            let mode = metadata.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(failure(format!(
                    "permissions {mode:o} let others read it; chmod 600 it"
                )));
            }
            let text = fs::read_to_string(path).map_err(|error| failure(error.to_string()))?;
            MasterKey::from_hex(&text)
                .map(|key| key.0)
                .map_err(|error| failure(error.to_string()))
        }
        Err(error) => Err(failure(error.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_a_private_key_file_once_and_reads_it_back() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let first = load_or_create_key_file(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let mode = fs::metadata(dir.path().join(MASTER_KEY_FILE_NAME))
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_default();
        assert_eq!(mode, 0o600);
        let second = load_or_create_key_file(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.to_hex(), second.to_hex());
    }

    #[test]
    fn refuses_a_key_file_others_can_read() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(MASTER_KEY_FILE_NAME);
        fs::write(&path, MasterKey::generate().to_hex()).unwrap_or_else(|e| panic!("{e}"));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));
        let error = load_or_create_key_file(dir.path())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("chmod 600"), "{error}");
    }
}
