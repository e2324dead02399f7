//! C2SP tlog-checkpoint (<https://c2sp.org/tlog-checkpoint>): the signed tree head as the
//! text of a signed note.
//!
//! The body is `<origin>\n<tree size in decimal>\n<base64 root hash>\n` followed by optional
//! extension lines, each non-empty and ending in a newline.

use ed25519_dalek::SigningKey;

use crate::error::Error;
use crate::hash::{HASH_SIZE, Hash};
use crate::note::{
    VerifierKey, decode_base64, encode_base64, has_forbidden_control, is_valid_key_name, open_note,
    sign_note,
};

/// A checkpoint: a log's origin, a tree size and the root hash at that size, and optional
/// extension lines (C2SP tlog-checkpoint, "Note text").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint for a log of ours. Beyond the spec's MUST (a non-empty origin) this
    /// follows its SHOULD: the origin holds no Unicode space and no `+`, so it can also serve
    /// as the key name.
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Self, Error> {
        if !is_valid_key_name(origin) {
            return Err(Error::MalformedCheckpoint(
                "origin must be non-empty, without spaces, '+' or control characters",
            ));
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// Adds an extension line (without its newline); it must be non-empty and hold no control
    /// character. The spec does not recommend extension lines: monitors cannot audit them.
    pub fn with_extension(mut self, line: &str) -> Result<Self, Error> {
        if line.is_empty() || line.contains('\n') || has_forbidden_control(line) {
            return Err(Error::MalformedCheckpoint("invalid extension line"));
        }
        self.extensions.push(line.to_owned());
        Ok(self)
    }

    /// The origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The tree size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root hash at that size.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// The extension lines, without their newlines.
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// The note text: origin, size, base64 root and extension lines, each ending in `\n`.
    pub fn body(&self) -> String {
        let mut body = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            encode_base64(&self.root)
        );
        for line in &self.extensions {
            body.push_str(line);
            body.push('\n');
        }
        body
    }

    /// Parses a checkpoint body strictly (C2SP tlog-checkpoint, "Note text"): at least three
    /// non-empty lines, each ending in a newline and holding no control character; a
    /// non-empty origin (any other origin is accepted, as clients must not assume its form);
    /// a size in ASCII decimal without leading zeroes that fits in 64 bits; a root that is
    /// canonical padded standard base64 of exactly 32 bytes; non-empty extension lines.
    pub fn parse(body: &str) -> Result<Self, Error> {
        if has_forbidden_control(body) {
            return Err(Error::MalformedCheckpoint("control character"));
        }
        let lines = body
            .strip_suffix('\n')
            .ok_or(Error::MalformedCheckpoint("body does not end in a newline"))?;
        let mut lines = lines.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(Error::MalformedCheckpoint("fewer than three lines"));
        };
        if origin.is_empty() {
            return Err(Error::MalformedCheckpoint("empty origin"));
        }
        let size = parse_size(size)?;
        let root = decode_base64(root)
            .and_then(|b| <[u8; HASH_SIZE]>::try_from(b).ok())
            .ok_or(Error::MalformedCheckpoint(
                "root hash is not base64 of 32 bytes",
            ))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(Error::MalformedCheckpoint("empty extension line"));
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }
}

/// The tree size line: ASCII decimal, no leading zeroes unless it is `0`.
fn parse_size(line: &str) -> Result<u64, Error> {
    if line.is_empty() || !line.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::MalformedCheckpoint("tree size is not decimal"));
    }
    if line.len() > 1 && line.starts_with('0') {
        return Err(Error::MalformedCheckpoint("tree size has a leading zero"));
    }
    line.parse()
        .map_err(|_| Error::MalformedCheckpoint("tree size does not fit in 64 bits"))
}

/// Signs a checkpoint as a C2SP signed note with `key` under `key_name` (which the spec
/// says SHOULD be the origin).
pub fn sign_checkpoint(
    checkpoint: &Checkpoint,
    key_name: &str,
    key: &SigningKey,
) -> Result<String, Error> {
    sign_note(&checkpoint.body(), key_name, key)
}

/// Opens a signed checkpoint: verifies the note against the trusted key (see
/// [`crate::open_note`]) and parses its text strictly (see [`Checkpoint::parse`]).
///
/// Whether the key name matches the origin is left to the caller (the spec says it SHOULD).
pub fn open_checkpoint(msg: &str, key: &VerifierKey) -> Result<Checkpoint, Error> {
    let note = open_note(msg, key)?;
    Checkpoint::parse(&note.text)
}
