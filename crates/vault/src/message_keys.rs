//! The keys that sign message commitments (anti-scam verification codes). Each is an Ed25519
//! key in a file of its own, `DATA/message-keys/<n>.key` (the 32-byte seed as hex, mode 0600),
//! created on first use; the highest number signs. Rotating adds the next number: older keys
//! stay for the record, and their public halves are kept in the store, so codes signed with
//! them stay verifiable without any secret.

use std::fmt;
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;

use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};

use crate::VaultError;
use crate::key_file::load_or_create_secret;

/// The folder of the message-signing keys in the data folder.
pub const MESSAGE_KEYS_FOLDER: &str = "message-keys";

/// An Ed25519 key that signs message commitments. `Debug` shows only its id.
#[derive(Clone)]
pub struct MessageSigningKey {
    key: SigningKey,
    key_id: String,
}

impl MessageSigningKey {
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&seed);
        let key_id = key_id_of(key.verifying_key().as_bytes());
        MessageSigningKey { key, key_id }
    }

    /// A fresh key held in memory only (tests, and an application no key folder was given).
    pub fn ephemeral() -> Self {
        let mut seed = [0_u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
        MessageSigningKey::from_seed(seed)
    }

    /// The key's id: the first 8 bytes of SHA-256 of its public key, as hex.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The public key as 64 hex characters.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    /// The Ed25519 key itself, for the formats that sign with it directly (the log's signed
    /// checkpoints).
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The Ed25519 signature of `message` (RFC 8032), as 128 hex characters.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.key.sign(message).to_bytes())
    }
}

impl fmt::Debug for MessageSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageSigningKey({})", self.key_id)
    }
}

fn key_id_of(public_key: &[u8; 32]) -> String {
    hex::encode(&Sha256::digest(public_key)[..8])
}

/// The signing key: the highest-numbered key in `DATA/message-keys/`, the first one created
/// when there is none.
pub fn load_or_create_message_key(data: &Path) -> Result<MessageSigningKey, VaultError> {
    let folder = keys_folder(data)?;
    let number = highest_key_number(&folder)?.unwrap_or(1);
    load_numbered(&folder, number)
}

/// Makes a new signing key (the next number) and returns it; the old ones stay.
pub fn rotate_message_key(data: &Path) -> Result<MessageSigningKey, VaultError> {
    let folder = keys_folder(data)?;
    let next = highest_key_number(&folder)?.map_or(1, |number| number + 1);
    load_numbered(&folder, next)
}

fn load_numbered(folder: &Path, number: u32) -> Result<MessageSigningKey, VaultError> {
    let seed = load_or_create_secret(&folder.join(format!("{number}.key")))?;
    Ok(MessageSigningKey::from_seed(seed))
}

fn keys_folder(data: &Path) -> Result<std::path::PathBuf, VaultError> {
    let folder = data.join(MESSAGE_KEYS_FOLDER);
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&folder)
        .map_err(|error| VaultError::KeyFile {
            path: folder.display().to_string(),
            reason: error.to_string(),
        })?;
    Ok(folder)
}

/// The highest `<n>.key` in the folder; other files are not keys and are left alone.
fn highest_key_number(folder: &Path) -> Result<Option<u32>, VaultError> {
    let entries = std::fs::read_dir(folder).map_err(|error| VaultError::KeyFile {
        path: folder.display().to_string(),
        reason: error.to_string(),
    })?;
    Ok(entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            name.strip_suffix(".key")?.parse::<u32>().ok()
        })
        .max())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_key_is_created_kept_and_rotated_with_the_old_one_left() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let first = load_or_create_message_key(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let again = load_or_create_message_key(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.key_id(), again.key_id());
        let rotated = rotate_message_key(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(rotated.key_id(), first.key_id());
        let current = load_or_create_message_key(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(current.key_id(), rotated.key_id());
        assert!(dir.path().join("message-keys/1.key").exists());
        let signature = first.sign(b"x");
        crate::verify_signature(&first.public_key_hex(), b"x", &signature)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(format!("{first:?}").starts_with("MessageSigningKey("));
    }
}
