//! The journal's keys. Whoever can write the database file can rewrite an entry and every
//! hash after it; what they cannot do is compute a MAC without its key, or sign without the
//! signing key. So the journal's chain is a chain of HMAC-SHA-256 tags under a key derived
//! from the master key (never stored in the database), and checkpoints of the chain's heads
//! are signed with Ed25519 under a key kept in a file of its own beside the master key, whose
//! public half can be given to anyone who keeps checkpoints.

use std::fmt;
use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use hkdf::Hkdf;
use hmac::Mac;
use sha2::Sha256;

use crate::key_file::load_or_create_secret;
use crate::{HmacSha256, MasterKey, VaultError};

/// The journal signing key's file in the data folder.
pub const JOURNAL_SIGNING_KEY_FILE_NAME: &str = "journal-signing.key";

/// HKDF's `info` for the journal's MAC key (RFC 5869, section 3.2: `info` binds the derived
/// key to its use). The personal-data keys use other labels, so no key serves two purposes.
const JOURNAL_KEY_INFO: &[u8] = b"reilu/journal/mac/v1";
/// Bytes of a short tag.
const SHORT_TAG_BYTES: usize = 16;
/// What the key's public fingerprint is the MAC of.
const KEY_ID_MESSAGE: &[u8] = b"reilu/journal/key-id/v1";

/// The key that tags (MACs) journal entries and other rows the journal vouches for. Its
/// `Debug` shows only its fingerprint.
#[derive(Clone)]
pub struct JournalKey {
    /// HMAC keyed once: each tag starts from a copy of it instead of keying again (a tag is
    /// computed for every posting written).
    keyed: HmacSha256,
}

impl MasterKey {
    /// The journal's MAC key: HKDF-SHA-256 (RFC 5869) of the master key, with its own label.
    pub fn journal_key(&self) -> JournalKey {
        let hkdf = Hkdf::<Sha256>::new(None, &self.0);
        let mut key = [0_u8; 32];
        // 32 bytes is far below HKDF-SHA-256's limit of 255 × 32, so expansion cannot fail.
        if hkdf.expand(JOURNAL_KEY_INFO, &mut key).is_err() {
            unreachable!("HKDF-SHA-256 expands to 32 bytes");
        }
        JournalKey::from_bytes(key)
    }
}

impl JournalKey {
    /// A key from raw bytes (tests, and tools that hold the derived key itself).
    pub fn from_bytes(key: [u8; 32]) -> Self {
        JournalKey {
            keyed: crate::mac_with_key(&key),
        }
    }

    /// HMAC over `fields`, each prefixed by its length so that no two different lists of
    /// fields give the same bytes.
    fn mac(&self, fields: &[&[u8]]) -> HmacSha256 {
        let mut mac = self.keyed.clone();
        for field in fields {
            mac.update(&(field.len() as u64).to_be_bytes());
            mac.update(field);
        }
        mac
    }

    /// HMAC-SHA-256 over `fields` (see `mac`), as 64 lower-case hex characters.
    pub fn tag(&self, fields: &[&[u8]]) -> String {
        hex::encode(self.mac(fields).finalize().into_bytes())
    }

    /// The first 128 bits of [`JournalKey::tag`], as 32 hex characters: for rows kept by the
    /// million (postings), where half the bytes matter and 128 bits are far beyond guessing
    /// (NIST SP 800-107r1, section 5.3.4, allows HMAC tags truncated to 64 bits and more).
    pub fn short_tag(&self, fields: &[&[u8]]) -> String {
        hex::encode(&self.mac(fields).finalize().into_bytes()[..SHORT_TAG_BYTES])
    }

    /// Whether `tag` is the tag (or the short tag) of `fields`, compared in constant time.
    pub fn verify_tag(&self, fields: &[&[u8]], tag: &str) -> bool {
        let Ok(bytes) = hex::decode(tag) else {
            return false;
        };
        if bytes.len() != SHORT_TAG_BYTES && bytes.len() != 32 {
            return false;
        }
        self.mac(fields).verify_truncated_left(&bytes).is_ok()
    }

    /// A public fingerprint of the key (16 hex characters), recorded in the journal so that a
    /// store opened with another key says so instead of reporting every entry as changed.
    /// It is a MAC, so it tells nothing about the key.
    pub fn key_id(&self) -> String {
        let mut mac = self.keyed.clone();
        mac.update(KEY_ID_MESSAGE);
        hex::encode(&mac.finalize().into_bytes()[..8])
    }
}

impl fmt::Debug for JournalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JournalKey({})", self.key_id())
    }
}

/// The Ed25519 key that signs journal checkpoints. Its `Debug` shows only the public key.
pub struct JournalSigningKey {
    key: SigningKey,
}

impl JournalSigningKey {
    /// Reads `DIR/journal-signing.key` (the 32-byte Ed25519 seed as hex, mode 0600), creating
    /// it with a fresh key the first time.
    pub fn load_or_create(dir: &Path) -> Result<Self, VaultError> {
        let seed = load_or_create_secret(&dir.join(JOURNAL_SIGNING_KEY_FILE_NAME))?;
        Ok(JournalSigningKey {
            key: SigningKey::from_bytes(&seed),
        })
    }

    pub fn from_seed(seed: [u8; 32]) -> Self {
        JournalSigningKey {
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// The public key as 64 hex characters.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    /// The Ed25519 signature of `message` (RFC 8032), as 128 hex characters.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.key.sign(message).to_bytes())
    }
}

impl fmt::Debug for JournalSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JournalSigningKey(public {})", self.public_key_hex())
    }
}

/// Checks an Ed25519 signature (hex) of `message` against a public key (hex).
pub fn verify_signature(
    public_key_hex: &str,
    message: &[u8],
    signature_hex: &str,
) -> Result<(), VaultError> {
    let mut public = [0_u8; 32];
    hex::decode_to_slice(public_key_hex.trim(), &mut public)
        .map_err(|_| VaultError::MalformedPublicKey)?;
    let public = VerifyingKey::from_bytes(&public).map_err(|_| VaultError::MalformedPublicKey)?;
    let mut signature = [0_u8; 64];
    hex::decode_to_slice(signature_hex.trim(), &mut signature)
        .map_err(|_| VaultError::BadSignature)?;
    public
        .verify(message, &Signature::from_bytes(&signature))
        .map_err(|_| VaultError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_key_differs_from_the_data_keys_and_between_masters() {
        let master = MasterKey([7; 32]);
        let key = master.journal_key();
        for other in [
            master.derive("reilu/personal-data/seal/v1"),
            master.derive("reilu/personal-data/blind-index/v1"),
            master.0,
        ] {
            assert_ne!(key.key_id(), JournalKey::from_bytes(other).key_id());
        }
        assert_ne!(key.key_id(), MasterKey([8; 32]).journal_key().key_id());
        assert_eq!(key.key_id(), master.journal_key().key_id());
        assert_eq!(format!("{key:?}"), format!("JournalKey({})", key.key_id()));
    }

    #[test]
    fn hkdf_matches_rfc_5869_test_case_3() {
        // RFC 5869, appendix A.3: SHA-256, 22 bytes of 0x0b, no salt, no info, L = 42.
        let hkdf = Hkdf::<Sha256>::new(None, &[0x0b; 22]);
        let mut okm = [0_u8; 42];
        assert!(hkdf.expand(&[], &mut okm).is_ok());
        assert_eq!(
            hex::encode(okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        );
    }

    #[test]
    fn tags_cover_every_field_and_its_boundaries() {
        let key = JournalKey::from_bytes([1; 32]);
        let tag = key.tag(&[b"ab", b"c"]);
        assert_eq!(tag.len(), 64);
        assert_ne!(tag, key.tag(&[b"a", b"bc"]));
        assert_ne!(tag, JournalKey::from_bytes([2; 32]).tag(&[b"ab", b"c"]));
        assert!(key.verify_tag(&[b"ab", b"c"], &tag));
        assert!(!key.verify_tag(&[b"ab", b"d"], &tag));
        assert!(!key.verify_tag(&[b"ab", b"c"], "not hex"));
        let short = key.short_tag(&[b"ab", b"c"]);
        assert_eq!(short, tag[..32]);
        assert!(key.verify_tag(&[b"ab", b"c"], &short));
        assert!(!key.verify_tag(&[b"ab", b"c"], &tag[..8]));
        let mut forged = short.into_bytes();
        forged[0] = if forged[0] == b'0' { b'1' } else { b'0' };
        assert!(!key.verify_tag(&[b"ab", b"c"], &String::from_utf8_lossy(&forged)));
    }

    #[test]
    fn signatures_verify_only_for_their_message_and_key() {
        let key = JournalSigningKey::from_seed([3; 32]);
        let signature = key.sign(b"checkpoint");
        let public = key.public_key_hex();
        assert_eq!(verify_signature(&public, b"checkpoint", &signature), Ok(()));
        assert_eq!(
            verify_signature(&public, b"checkpoint!", &signature),
            Err(VaultError::BadSignature)
        );
        let other = JournalSigningKey::from_seed([4; 32]).public_key_hex();
        assert_eq!(
            verify_signature(&other, b"checkpoint", &signature),
            Err(VaultError::BadSignature)
        );
        assert_eq!(
            verify_signature("zz", b"checkpoint", &signature),
            Err(VaultError::MalformedPublicKey)
        );
    }

    #[test]
    fn the_signing_key_file_is_created_private_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let first = JournalSigningKey::load_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let second =
            JournalSigningKey::load_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.public_key_hex(), second.public_key_hex());
        let mode = std::fs::metadata(dir.path().join(JOURNAL_SIGNING_KEY_FILE_NAME))
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_default();
        assert_eq!(mode, 0o600);
    }
}
