//! The transparency log of message commitments, as the application serves it: a signed
//! checkpoint (C2SP tlog-checkpoint as a signed note), inclusion and consistency proofs,
//! and a walk of the whole log that names any stored message that no longer matches it.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use reilu_store::Store;
use reilu_tlog::{Checkpoint, Hash, MemoryTree, NodeSource, VerifierKey, leaf_hash};

use crate::{App, AppError, AppResult};

/// The log's origin line, and the name its checkpoints are signed under.
pub const LOG_ORIGIN: &str = "reilu.example/messages";
/// Leaves read at a time when the whole log is walked.
const LEAVES_PER_PAGE: i64 = 5_000;

/// What walking the log found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogCheck {
    pub size: u64,
    /// One line per leaf or node that does not match what it should; empty when the log is
    /// intact.
    pub problems: Vec<String>,
}

/// A node source that answers any subtree with zeros and remembers which were asked: a
/// proof's shape depends on sizes only, so one pass with it names the nodes to read.
struct Recording {
    size: u64,
    asked: Mutex<HashSet<(u32, u64)>>,
}

impl NodeSource for Recording {
    fn size(&self) -> u64 {
        self.size
    }

    fn subtree(&self, level: u32, index: u64) -> Option<Hash> {
        let mut asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
        asked.insert((level, index));
        Some([0; 32])
    }
}

/// The nodes read from the store.
struct Read {
    size: u64,
    nodes: HashMap<(u32, u64), Hash>,
}

impl NodeSource for Read {
    fn size(&self) -> u64 {
        self.size
    }

    fn subtree(&self, level: u32, index: u64) -> Option<Hash> {
        self.nodes.get(&(level, index)).copied()
    }
}

fn tlog_error(error: reilu_tlog::Error) -> AppError {
    AppError::Invalid(format!("log: {error}"))
}

impl<S: Store> App<S> {
    /// Runs `compute` over the store's nodes: first to learn which it needs, then on them.
    async fn with_nodes<T>(
        &self,
        size: u64,
        compute: impl Fn(&dyn NodeSource) -> Result<T, reilu_tlog::Error>,
    ) -> AppResult<T> {
        let recording = Recording {
            size,
            asked: Mutex::new(HashSet::new()),
        };
        compute(&recording).map_err(tlog_error)?;
        let keys: Vec<(u32, u64)> = recording
            .asked
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect();
        let nodes = self.store().log_nodes(&keys).await?;
        compute(&Read { size, nodes }).map_err(tlog_error)
    }

    /// The log's current checkpoint, signed with the message-signing key as a C2SP note.
    pub async fn log_checkpoint(&self) -> AppResult<String> {
        let size = self.store().log_size().await?;
        let root = self
            .with_nodes(size, |source| reilu_tlog::tree::root_at(source, size))
            .await?;
        let checkpoint = Checkpoint::new(LOG_ORIGIN, size, root).map_err(tlog_error)?;
        reilu_tlog::sign_checkpoint(&checkpoint, LOG_ORIGIN, self.signer.key.signing_key())
            .map_err(tlog_error)
    }

    /// The key verifiers hold the log's checkpoints to: `<name>+<id>+<key>`.
    pub fn log_verifier_key(&self) -> AppResult<String> {
        let key = VerifierKey::new(LOG_ORIGIN, self.signer.key.signing_key().verifying_key())
            .map_err(tlog_error)?;
        Ok(key.to_string())
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    pub async fn log_inclusion_proof(&self, index: u64, size: u64) -> AppResult<Vec<Hash>> {
        self.check_log_size(size).await?;
        self.with_nodes(size, |source| {
            reilu_tlog::tree::inclusion_proof(source, index, size)
        })
        .await
    }

    /// The consistency proof between the trees of `old_size` and `new_size` leaves.
    pub async fn log_consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> AppResult<Vec<Hash>> {
        self.check_log_size(new_size).await?;
        self.with_nodes(new_size, |source| {
            reilu_tlog::tree::consistency_proof(source, old_size, new_size)
        })
        .await
    }

    async fn check_log_size(&self, size: u64) -> AppResult<()> {
        let held = self.store().log_size().await?;
        if size > held {
            return Err(AppError::NotFound(format!(
                "the log holds {held} leaves, not {size}"
            )));
        }
        Ok(())
    }

    /// Walks the whole log: every leaf's hash recomputed from its commitment as stored now,
    /// and the root of the recomputed leaves against the root of the stored tree. A message
    /// whose commitment was changed after it was logged is named.
    pub async fn verify_log(&self) -> AppResult<LogCheck> {
        let size = self.store().log_size().await?;
        let mut problems = Vec::new();
        let mut tree = MemoryTree::new();
        while tree.size() < size {
            let page = self
                .store()
                .log_leaves(tree.size(), LEAVES_PER_PAGE)
                .await?;
            if page.is_empty() {
                problems.push(format!(
                    "the log says {size} leaves; {} are stored",
                    tree.size()
                ));
                break;
            }
            for leaf in page {
                let data = reilu_store::leaf_data(&leaf.commitment, &leaf.signature);
                let hash = leaf_hash(&data);
                if leaf.leaf_index != tree.size() {
                    problems.push(format!("leaf {} is missing", tree.size()));
                }
                if hash != leaf.stored_hash {
                    problems.push(format!(
                        "leaf {} (message of decision {}, code {}) does not match the log: \
                         its commitment was changed after it was logged",
                        leaf.leaf_index, leaf.decision_id, leaf.code
                    ));
                }
                tree.append_leaf_hash(leaf.stored_hash);
            }
        }
        let stored_root = self
            .with_nodes(size, |source| reilu_tlog::tree::root_at(source, size))
            .await?;
        if stored_root != tree.root() {
            problems.push("the stored tree's nodes do not hash to its leaves".into());
        }
        Ok(LogCheck { size, problems })
    }
}
