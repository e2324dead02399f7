//! The crate's one error type.

/// Everything that can go wrong in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A leaf index at or beyond the tree size it was asked about.
    #[error("leaf index {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    /// A tree size beyond what the tree (or node source) holds.
    #[error("tree size {size} is beyond the current size {available}")]
    SizeOutOfRange { size: u64, available: u64 },
    /// A consistency proof asked from a larger to a smaller tree.
    #[error("old tree size {old_size} is larger than new tree size {new_size}")]
    SizesOutOfOrder { old_size: u64, new_size: u64 },
    /// A [`crate::NodeSource`] could not provide a complete subtree's hash.
    #[error("the node source has no hash for the subtree at level {level}, index {index}")]
    MissingSubtree { level: u32, index: u64 },
    /// A proof did not verify (RFC 9162 §2.1.3.2, §2.1.4.2).
    #[error("proof does not verify: {0}")]
    ProofFailed(&'static str),
    /// A checkpoint body that does not follow C2SP tlog-checkpoint.
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(&'static str),
    /// A note that does not follow C2SP signed-note.
    #[error("malformed note: {0}")]
    MalformedNote(&'static str),
    /// A key name that is empty or holds a Unicode space or a `+` (C2SP signed-note).
    #[error("invalid key name {0:?}")]
    InvalidKeyName(String),
    /// A verifier key string that is not `<name>+<hex key id>+<base64(0x01 || key)>`.
    #[error("malformed verifier key: {0}")]
    MalformedVerifierKey(&'static str),
    /// A signature by the trusted key that does not verify: the whole note is refused.
    #[error("invalid signature for key {name}+{key_id:08x}")]
    InvalidSignature { name: String, key_id: u32 },
    /// A note with no signature by the trusted key.
    #[error("note has no signature by key {name}+{key_id:08x}")]
    NoTrustedSignature { name: String, key_id: u32 },
}
