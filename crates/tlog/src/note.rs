//! C2SP signed notes (<https://c2sp.org/signed-note>) with Ed25519 keys (signature type
//! `0x01`), interoperable with `golang.org/x/mod/sumdb/note`.
//!
//! A signed note is a text ending in a newline, a blank line, and one or more signature
//! lines `— <key name> <base64(4-byte big-endian key ID || signature)>\n`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::Error;

/// The signature type identifier byte of Ed25519 (C2SP signed-note, "Signature types").
pub const ALG_ED25519: u8 = 0x01;

/// Verifiers must accept at least 16 signatures (C2SP signed-note, "Format"); we accept up
/// to 100, as `golang.org/x/mod/sumdb/note` does.
pub const MAX_SIGNATURES: usize = 100;

/// Decodes standard, padded base64 (RFC 4648 §4), refusing any non-canonical encoding.
pub(crate) fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let bytes = BASE64.decode(s).ok()?;
    (BASE64.encode(&bytes) == s).then_some(bytes)
}

pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

/// Whether `name` is a valid key name: non-empty, no Unicode space, no `+`
/// (C2SP signed-note, "Format"), and no ASCII control character (which no note may hold).
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c < ' ')
}

/// Whether `s` holds an ASCII control character (below U+0020) other than newline, which a
/// signed note must not (C2SP signed-note, "Format"; the same test as
/// `golang.org/x/mod/sumdb/note`). Valid UTF-8 is guaranteed by `&str`.
pub(crate) fn has_forbidden_control(s: &str) -> bool {
    s.bytes().any(|b| b < 0x20 && b != b'\n')
}

/// The Ed25519 key ID: the first four bytes, big-endian, of
/// `SHA-256(key name || 0x0A || 0x01 || 32-byte public key)` (C2SP signed-note,
/// "Ed25519 signatures").
pub fn key_id(name: &str, key: &VerifyingKey) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ALG_ED25519]);
    h.update(key.as_bytes());
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// A trusted Ed25519 key that verifies notes, written
/// `<name>+<8 hex digits key ID>+<base64(0x01 || 32-byte public key)>` as in
/// `golang.org/x/mod/sumdb/note`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl VerifierKey {
    /// The verifier key for `key` under `name`.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, Error> {
        if !is_valid_key_name(name) {
            return Err(Error::InvalidKeyName(name.to_owned()));
        }
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, &key),
            key,
        })
    }

    /// Parses a verifier key string, checking that its key ID is that of its name and key.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let (name, rest) = s
            .split_once('+')
            .ok_or(Error::MalformedVerifierKey("no '+'"))?;
        let (id_hex, key_b64) = rest
            .split_once('+')
            .ok_or(Error::MalformedVerifierKey("no second '+'"))?;
        if !is_valid_key_name(name) {
            return Err(Error::InvalidKeyName(name.to_owned()));
        }
        if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::MalformedVerifierKey("key ID is not 8 hex digits"));
        }
        let id = u32::from_str_radix(id_hex, 16)
            .map_err(|_| Error::MalformedVerifierKey("key ID is not 8 hex digits"))?;
        let bytes = decode_base64(key_b64).ok_or(Error::MalformedVerifierKey("bad base64"))?;
        let key = match bytes.split_first() {
            Some((&ALG_ED25519, key)) => <[u8; 32]>::try_from(key)
                .map_err(|_| Error::MalformedVerifierKey("Ed25519 key is not 32 bytes"))?,
            Some(_) => return Err(Error::MalformedVerifierKey("not an Ed25519 key (0x01)")),
            None => return Err(Error::MalformedVerifierKey("empty key")),
        };
        let key = VerifyingKey::from_bytes(&key)
            .map_err(|_| Error::MalformedVerifierKey("not a valid Ed25519 public key"))?;
        let parsed = Self::new(name, key)?;
        if parsed.key_id != id {
            return Err(Error::MalformedVerifierKey(
                "key ID does not match name and key",
            ));
        }
        Ok(parsed)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The Ed25519 public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl std::fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut key = Vec::with_capacity(33);
        key.push(ALG_ED25519);
        key.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_base64(&key)
        )
    }
}

/// A signed note's text and its signature lines, as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The note text, including its final newline but not the separating blank line.
    pub text: String,
    /// Every signature line, in order, known keys or not.
    pub signatures: Vec<NoteSignature>,
}

/// One signature line of a signed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key ID (the first four bytes of the decoded signature, big-endian).
    pub key_id: u32,
    /// The signature proper (the decoded bytes after the key ID).
    pub signature: Vec<u8>,
}

/// Signs `text` as a C2SP signed note with `key` under `key_name`: returns
/// `text || "\n" || "— <key_name> <base64(key ID || Ed25519 signature)>\n"`.
///
/// `text` must be non-empty, end in a newline and hold no control character but newline.
pub fn sign_note(text: &str, key_name: &str, key: &SigningKey) -> Result<String, Error> {
    if text.is_empty() || !text.ends_with('\n') {
        return Err(Error::MalformedNote(
            "text must be non-empty and end in a newline",
        ));
    }
    if has_forbidden_control(text) {
        return Err(Error::MalformedNote("text holds a control character"));
    }
    if !is_valid_key_name(key_name) {
        return Err(Error::InvalidKeyName(key_name.to_owned()));
    }
    let id = key_id(key_name, &key.verifying_key());
    let sig = key.sign(text.as_bytes());
    let mut blob = Vec::with_capacity(4 + 64);
    blob.extend_from_slice(&id.to_be_bytes());
    blob.extend_from_slice(&sig.to_bytes());
    Ok(format!("{text}\n— {key_name} {}\n", encode_base64(&blob)))
}

/// Parses a signed note without verifying any signature (C2SP signed-note, "Format"): the
/// text ends at the last blank line, and every line after it must be a well-formed
/// signature line.
pub fn parse_note(msg: &str) -> Result<Note, Error> {
    if has_forbidden_control(msg) {
        return Err(Error::MalformedNote("control character"));
    }
    let split = msg
        .rfind("\n\n")
        .ok_or(Error::MalformedNote("no blank line"))?;
    let (text, sigs) = (&msg[..split + 1], &msg[split + 2..]);
    let sigs = sigs
        .strip_suffix('\n')
        .filter(|s| !s.is_empty())
        .ok_or(Error::MalformedNote(
            "no signature lines, or no final newline",
        ))?;
    let mut signatures = Vec::new();
    for line in sigs.split('\n') {
        if signatures.len() == MAX_SIGNATURES {
            return Err(Error::MalformedNote("too many signatures"));
        }
        signatures.push(parse_signature_line(line)?);
    }
    Ok(Note {
        text: text.to_owned(),
        signatures,
    })
}

fn parse_signature_line(line: &str) -> Result<NoteSignature, Error> {
    let rest = line
        .strip_prefix("— ")
        .ok_or(Error::MalformedNote("unexpected line"))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or(Error::MalformedNote("no signature"))?;
    if !is_valid_key_name(name) {
        return Err(Error::MalformedNote("invalid key name in signature line"));
    }
    let blob = decode_base64(b64).ok_or(Error::MalformedNote("bad base64 signature"))?;
    match blob.split_first_chunk::<4>() {
        Some((id, sig)) if !sig.is_empty() => Ok(NoteSignature {
            name: name.to_owned(),
            key_id: u32::from_be_bytes(*id),
            signature: sig.to_vec(),
        }),
        _ => Err(Error::MalformedNote("signature shorter than 5 bytes")),
    }
}

/// Parses a signed note and verifies it against one trusted key (C2SP signed-note,
/// "Signatures"): signatures by other keys (another name or key ID) are ignored; every
/// signature by the trusted key must verify, and there must be at least one.
pub fn open_note(msg: &str, key: &VerifierKey) -> Result<Note, Error> {
    let note = parse_note(msg)?;
    let mut verified = false;
    for s in &note.signatures {
        if s.name != key.name || s.key_id != key.key_id {
            continue;
        }
        let bad = || Error::InvalidSignature {
            name: key.name.clone(),
            key_id: key.key_id,
        };
        let sig = Signature::from_slice(&s.signature).map_err(|_| bad())?;
        key.key
            .verify_strict(note.text.as_bytes(), &sig)
            .map_err(|_| bad())?;
        verified = true;
    }
    if !verified {
        return Err(Error::NoTrustedSignature {
            name: key.name.clone(),
            key_id: key.key_id,
        });
    }
    Ok(note)
}

/// A key that signs notes, with its name; its string form is that of
/// `golang.org/x/mod/sumdb/note`: `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`.
#[derive(Clone)]
pub struct SignerKey {
    name: String,
    key: SigningKey,
}

impl std::fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignerKey")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl SignerKey {
    /// The signer for `key` under `name`.
    pub fn new(name: &str, key: SigningKey) -> Result<Self, Error> {
        if !is_valid_key_name(name) {
            return Err(Error::InvalidKeyName(name.to_owned()));
        }
        Ok(Self {
            name: name.to_owned(),
            key,
        })
    }

    /// Parses a `PRIVATE+KEY+…` string, checking its key ID.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let rest = s
            .strip_prefix("PRIVATE+KEY+")
            .ok_or(Error::MalformedVerifierKey("no PRIVATE+KEY+ prefix"))?;
        let (name, rest) = rest
            .split_once('+')
            .ok_or(Error::MalformedVerifierKey("no '+'"))?;
        let (id_hex, seed_b64) = rest
            .split_once('+')
            .ok_or(Error::MalformedVerifierKey("no second '+'"))?;
        let bytes = decode_base64(seed_b64).ok_or(Error::MalformedVerifierKey("bad base64"))?;
        let seed = match bytes.split_first() {
            Some((&ALG_ED25519, seed)) => <[u8; 32]>::try_from(seed)
                .map_err(|_| Error::MalformedVerifierKey("Ed25519 seed is not 32 bytes"))?,
            _ => return Err(Error::MalformedVerifierKey("not an Ed25519 key (0x01)")),
        };
        let signer = Self::new(name, SigningKey::from_bytes(&seed))?;
        if !format!("{:08x}", signer.verifier_key().key_id).eq_ignore_ascii_case(id_hex) {
            return Err(Error::MalformedVerifierKey(
                "key ID does not match name and key",
            ));
        }
        Ok(signer)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The matching verifier key.
    pub fn verifier_key(&self) -> VerifierKey {
        let key = self.key.verifying_key();
        VerifierKey {
            name: self.name.clone(),
            key_id: key_id(&self.name, &key),
            key,
        }
    }

    /// Signs `text` as a note; see [`sign_note`].
    pub fn sign_note(&self, text: &str) -> Result<String, Error> {
        sign_note(text, &self.name, &self.key)
    }

    /// The Ed25519 signing key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }
}
