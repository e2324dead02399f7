//! Reilu's transparency log of message commitments: the pure part.
//!
//! Every letter, e-mail and SMS Reilu sends gets a commitment; the commitments are the
//! leaves of an append-only Merkle tree. This crate holds everything about that tree that
//! needs no I/O, so that the store and the HTTP layer can call it and an independent
//! verifier can check what they serve:
//!
//! * [`hash`]: the Merkle Tree Hash of RFC 9162 §2.1.1 (identical to RFC 6962 §2.1):
//!   leaf and interior node hashing with the `0x00` / `0x01` domain separation.
//! * [`tree`]: inclusion proofs (RFC 9162 §2.1.3.1) and consistency proofs (§2.1.4.1) over
//!   any [`tree::NodeSource`] that can hand out hashes of complete subtrees, so a proof costs
//!   O(log n) look-ups; [`tree::MemoryTree`] is the in-memory, append-only implementation.
//! * [`verify`]: the verification algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 as free
//!   functions that need nothing but sizes, hashes and the proof.
//! * [`note`]: C2SP signed notes (<https://c2sp.org/signed-note>) with Ed25519 keys.
//! * [`checkpoint`]: C2SP tlog-checkpoint bodies (<https://c2sp.org/tlog-checkpoint>), and
//!   signing and opening checkpoints as signed notes.

pub mod checkpoint;
mod error;
pub mod hash;
pub mod note;
pub mod tree;
pub mod verify;

pub use checkpoint::{Checkpoint, open_checkpoint, sign_checkpoint};
pub use error::Error;
pub use hash::{EMPTY_ROOT, HASH_SIZE, Hash, leaf_hash, node_hash, root};
pub use note::{
    Note, NoteSignature, SignerKey, VerifierKey, key_id, open_note, parse_note, sign_note,
};
pub use tree::{MemoryTree, NodeSource};
pub use verify::{root_from_inclusion_proof, verify_consistency, verify_inclusion};
