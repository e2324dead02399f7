//! The vault: personal data is sealed with XChaCha20-Poly1305 under a key derived from the
//! master key, and looked up through keyed blind indexes (HMAC-SHA-256), so the store never
//! holds an identity number, a name or an e-mail address in plain text.
//!
//! XChaCha20-Poly1305 is chosen over AES-GCM for its 192-bit nonce: nonces are drawn at
//! random for every seal, and at 192 bits a collision is negligible however many records
//! are written (draft-irtf-cfrg-xchacha, section 3.1).

mod journal_keys;
mod key_file;
mod message_keys;

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

pub use journal_keys::{
    JOURNAL_SIGNING_KEY_FILE_NAME, JournalKey, JournalSigningKey, verify_signature,
};
pub use key_file::{MASTER_KEY_FILE_NAME, load_or_create_key_file};
pub use message_keys::{
    MESSAGE_KEYS_FOLDER, MessageSigningKey, load_or_create_message_key, rotate_message_key,
};

type HmacSha256 = Hmac<Sha256>;

/// Version byte in front of every sealed value, so keys or algorithms can be rotated later
/// and old rows still opened.
const SEAL_VERSION: u8 = 1;
const NONCE_LENGTH: usize = 24;
const TAG_LENGTH: usize = 16;
/// Bytes of the HMAC kept as a blind index: 128 bits keep accidental collisions out of
/// reach for any portfolio while halving the index size.
pub const BLIND_INDEX_LENGTH: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("the master key must be 64 hexadecimal characters (32 bytes)")]
    MalformedKey,
    #[error("a sealed value is damaged or was sealed under another master key")]
    CannotOpen,
    #[error("key file {path}: {reason}")]
    KeyFile { path: String, reason: String },
    #[error("the public key must be 64 hexadecimal characters (an Ed25519 key)")]
    MalformedPublicKey,
    #[error("the signature does not verify with the public key")]
    BadSignature,
}

/// The 32-byte master key. Its `Debug` shows nothing.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    pub fn from_hex(text: &str) -> Result<Self, VaultError> {
        let mut bytes = [0_u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| VaultError::MalformedKey)?;
        Ok(MasterKey(bytes))
    }

    /// A fresh key from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0_u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        MasterKey(bytes)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A purpose-bound subkey: HMAC-SHA-256(master, purpose). Separate keys for sealing and
    /// indexing mean a leak of one use's key does not expose the other.
    fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = mac_with_key(&self.0);
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

fn mac_with_key(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail; fall back to an empty key only to
    // satisfy the type (never reached).
    match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    }
}

/// 128 bits from the operating system's random source, as 32 hex characters: an identity
/// nobody else draws (a journal's id).
pub fn random_id() -> String {
    let mut bytes = [0_u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Seals and opens personal data and computes blind indexes.
#[derive(Clone)]
pub struct Vault {
    cipher: XChaCha20Poly1305,
    index_key: [u8; 32],
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Vault(***)")
    }
}

impl Vault {
    pub fn new(master: &MasterKey) -> Self {
        let seal_key = master.derive("reilu/personal-data/seal/v1");
        Vault {
            cipher: XChaCha20Poly1305::new(&seal_key.into()),
            index_key: master.derive("reilu/personal-data/blind-index/v1"),
        }
    }

    /// Encrypts `plaintext`, bound to `context` (the record's id): a sealed value copied to
    /// another record does not open there.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Vec<u8> {
        let mut nonce = [0_u8; NONCE_LENGTH];
        rand::thread_rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext,
            aad: context,
        };
        let encrypted = match self.cipher.encrypt(XNonce::from_slice(&nonce), payload) {
            Ok(encrypted) => encrypted,
            // Encryption fails only for messages over 256 GiB, which we never seal.
            Err(_) => unreachable!("XChaCha20-Poly1305 encrypts any message below 256 GiB"),
        };
        let mut sealed = Vec::with_capacity(1 + NONCE_LENGTH + encrypted.len());
        sealed.push(SEAL_VERSION);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&encrypted);
        debug_assert_eq!(
            sealed.len(),
            1 + NONCE_LENGTH + plaintext.len() + TAG_LENGTH
        );
        sealed
    }

    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, VaultError> {
        let minimum = 1 + NONCE_LENGTH + TAG_LENGTH;
        if sealed.len() < minimum || sealed[0] != SEAL_VERSION {
            return Err(VaultError::CannotOpen);
        }
        let (nonce, encrypted) = sealed[1..].split_at(NONCE_LENGTH);
        let payload = Payload {
            msg: encrypted,
            aad: context,
        };
        self.cipher
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| VaultError::CannotOpen)
    }

    /// A keyed, deterministic fingerprint of `value` within `domain` (e.g. "national_id:FI"),
    /// as lower-case hex: equal inputs give equal indexes, so rows can be found by it, but
    /// without the key the value cannot be guessed from it by trying candidates.
    pub fn blind_index(&self, domain: &str, value: &str) -> String {
        let mut mac = mac_with_key(&self.index_key);
        mac.update(domain.as_bytes());
        // A separator that cannot occur in a domain keeps ("a", "bc") apart from ("ab", "c").
        mac.update(&[0]);
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        hex::encode(&digest[..BLIND_INDEX_LENGTH])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Vault {
        Vault::new(&MasterKey([7; 32]))
    }

    #[test]
    fn sealed_values_open_only_in_their_context_and_under_their_key() {
        let vault = vault();
        let sealed = vault.seal(b"131052-308T", b"customer-1");
        assert_eq!(
            vault.open(&sealed, b"customer-1"),
            Ok(b"131052-308T".to_vec())
        );
        assert_eq!(
            vault.open(&sealed, b"customer-2"),
            Err(VaultError::CannotOpen)
        );
        let other = Vault::new(&MasterKey([8; 32]));
        assert_eq!(
            other.open(&sealed, b"customer-1"),
            Err(VaultError::CannotOpen)
        );
        let mut tampered = sealed.clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(
            vault.open(&tampered, b"customer-1"),
            Err(VaultError::CannotOpen)
        );
        assert_eq!(
            vault.open(&sealed[..10], b"customer-1"),
            Err(VaultError::CannotOpen)
        );
    }

    #[test]
    fn sealing_twice_gives_different_ciphertexts_without_the_plaintext() {
        let vault = vault();
        let first = vault.seal(b"jane@example.com", b"c");
        let second = vault.seal(b"jane@example.com", b"c");
        assert_ne!(first, second);
        let haystack = String::from_utf8_lossy(&first);
        assert!(!haystack.contains("jane"));
    }

    #[test]
    fn blind_indexes_are_deterministic_keyed_and_domain_separated() {
        let vault = vault();
        let index = vault.blind_index("national_id:FI", "131052-308T");
        assert_eq!(index.len(), BLIND_INDEX_LENGTH * 2);
        assert_eq!(index, vault.blind_index("national_id:FI", "131052-308T"));
        assert_ne!(index, vault.blind_index("national_id:SE", "131052-308T"));
        assert_ne!(
            index,
            Vault::new(&MasterKey([8; 32])).blind_index("national_id:FI", "131052-308T")
        );
        assert_ne!(vault.blind_index("a", "bc"), vault.blind_index("ab", "c"));
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231_test_case_2() {
        // RFC 4231, section 4.3: key "Jefe", data "what do ya want for nothing?".
        let mut mac = mac_with_key(b"Jefe");
        mac.update(b"what do ya want for nothing?");
        let digest = hex::encode(mac.finalize().into_bytes());
        assert_eq!(
            digest,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn master_keys_parse_from_hex_and_hide_in_debug() {
        let key = MasterKey::generate();
        let parsed = MasterKey::from_hex(&key.to_hex());
        assert_eq!(parsed.map(|k| k.0), Ok(key.0));
        assert_eq!(format!("{key:?}"), "MasterKey(***)");
        assert_eq!(
            MasterKey::from_hex("abc").err(),
            Some(VaultError::MalformedKey)
        );
    }
}
