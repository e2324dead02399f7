//! Inclusion and consistency proofs (RFC 9162 §2.1.3.1, §2.1.4.1) over a tree given by the
//! hashes of its complete subtrees.
//!
//! Every subtree that the recursive definitions of RFC 9162 §2.1 visit covers leaves
//! `[start, start + n)` where `start` is a multiple of the smallest power of two `>= n`.
//! Such a range splits, by the binary digits of `n`, into at most 64 *complete* subtrees
//! (perfect, power-of-two sized and aligned), and its hash is the right fold of
//! [`node_hash`] over theirs. A store therefore only has to keep the hashes of complete
//! subtrees, level by level (or in tiles), and answer [`NodeSource::subtree`]: a proof then
//! costs O(log n) look-ups whatever the size of the tree. [`MemoryTree`] is the in-memory
//! implementation that keeps every level.

use crate::error::Error;
use crate::hash::{EMPTY_ROOT, Hash, leaf_hash, node_hash, split_point};

/// A tree given by the hashes of its complete subtrees.
///
/// The subtree at `(level, index)` is the perfect subtree of `2^level` leaves
/// `[index * 2^level, (index + 1) * 2^level)`; level 0 holds the leaf hashes.
pub trait NodeSource {
    /// The number of leaves held.
    fn size(&self) -> u64;

    /// The hash of the complete subtree at `level` and `index`, or `None` if it is not
    /// held (not yet complete, or beyond the tree).
    fn subtree(&self, level: u32, index: u64) -> Option<Hash>;
}

fn subtree<S: NodeSource + ?Sized>(src: &S, level: u32, index: u64) -> Result<Hash, Error> {
    src.subtree(level, index)
        .ok_or(Error::MissingSubtree { level, index })
}

/// `MTH(D[start : start + n])` for `n >= 1` and an aligned `start` (see the module text),
/// from at most 64 complete subtrees.
fn range_hash<S: NodeSource + ?Sized>(src: &S, start: u64, n: u64) -> Result<Hash, Error> {
    let mut chunks: Vec<Hash> = Vec::with_capacity(n.count_ones() as usize);
    let mut pos = start;
    for level in (0..64u32).rev() {
        let width = 1u64 << level;
        if n & width != 0 {
            chunks.push(subtree(src, level, pos >> level)?);
            pos += width;
        }
    }
    let mut acc = chunks.pop().ok_or(Error::MissingSubtree {
        level: 0,
        index: start,
    })?;
    while let Some(left) = chunks.pop() {
        acc = node_hash(&left, &acc);
    }
    Ok(acc)
}

fn check_size<S: NodeSource + ?Sized>(src: &S, size: u64) -> Result<(), Error> {
    let available = src.size();
    if size > available {
        return Err(Error::SizeOutOfRange { size, available });
    }
    Ok(())
}

/// The root of the first `size` leaves of `src`, `MTH(D[0:size])` (RFC 9162 §2.1.1).
pub fn root_at<S: NodeSource + ?Sized>(src: &S, size: u64) -> Result<Hash, Error> {
    check_size(src, size)?;
    if size == 0 {
        return Ok(EMPTY_ROOT);
    }
    range_hash(src, 0, size)
}

/// The inclusion proof `PATH(index, D[0:size])` of RFC 9162 §2.1.3.1, ordered from the
/// leaf upwards, as [`crate::verify_inclusion`] takes it.
pub fn inclusion_proof<S: NodeSource + ?Sized>(
    src: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, Error> {
    check_size(src, size)?;
    if index >= size {
        return Err(Error::IndexOutOfRange { index, size });
    }
    let mut out = Vec::with_capacity(64);
    path(src, index, 0, size, &mut out)?;
    Ok(out)
}

/// `PATH(m, D[start : start + n])` of RFC 9162 §2.1.3.1, appended to `out`.
fn path<S: NodeSource + ?Sized>(
    src: &S,
    m: u64,
    start: u64,
    n: u64,
    out: &mut Vec<Hash>,
) -> Result<(), Error> {
    if n <= 1 {
        return Ok(());
    }
    let k = split_point(n);
    if m < k {
        path(src, m, start, k, out)?;
        out.push(range_hash(src, start + k, n - k)?);
    } else {
        path(src, m - k, start + k, n - k, out)?;
        out.push(range_hash(src, start, k)?);
    }
    Ok(())
}

/// The consistency proof `PROOF(old_size, D[0:new_size])` of RFC 9162 §2.1.4.1, as
/// [`crate::verify_consistency`] takes it.
///
/// The RFC defines the proof for `0 < old_size < new_size`; for `old_size == new_size`
/// (`SUBPROOF(m, D[m], true)`) and for `old_size == 0` (every tree extends the empty tree)
/// the proof is empty.
pub fn consistency_proof<S: NodeSource + ?Sized>(
    src: &S,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, Error> {
    check_size(src, new_size)?;
    if old_size > new_size {
        return Err(Error::SizesOutOfOrder { old_size, new_size });
    }
    let mut out = Vec::with_capacity(64);
    if old_size > 0 {
        subproof(src, old_size, 0, new_size, true, &mut out)?;
    }
    Ok(out)
}

/// `SUBPROOF(m, D[start : start + n], b)` of RFC 9162 §2.1.4.1, appended to `out`.
fn subproof<S: NodeSource + ?Sized>(
    src: &S,
    m: u64,
    start: u64,
    n: u64,
    complete: bool,
    out: &mut Vec<Hash>,
) -> Result<(), Error> {
    if m == n {
        if !complete {
            out.push(range_hash(src, start, n)?);
        }
        return Ok(());
    }
    let k = split_point(n);
    if m <= k {
        subproof(src, m, start, k, complete, out)?;
        out.push(range_hash(src, start + k, n - k)?);
    } else {
        subproof(src, m - k, start + k, n - k, false, out)?;
        out.push(range_hash(src, start, k)?);
    }
    Ok(())
}

/// An append-only Merkle tree held in memory, keeping the hash of every complete subtree
/// (every level of the tree), so that roots and proofs for any past size cost O(log n).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryTree {
    /// `levels[l][i]` is the hash of the complete subtree at level `l`, index `i`.
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a leaf with the given data (hashed with [`leaf_hash`]); returns its index.
    pub fn append(&mut self, leaf_data: &[u8]) -> u64 {
        self.append_leaf_hash(leaf_hash(leaf_data))
    }

    /// Appends a leaf given by its leaf hash; returns its index.
    pub fn append_leaf_hash(&mut self, hash: Hash) -> u64 {
        let index = self.size();
        let mut level = 0;
        let mut hash = hash;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(hash);
            let len = row.len();
            if len % 2 == 1 {
                break;
            }
            hash = node_hash(&row[len - 2], &row[len - 1]);
            level += 1;
        }
        index
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// The leaf hash at `index`, if there is one.
    pub fn leaf_hash(&self, index: u64) -> Option<Hash> {
        self.subtree(0, index)
    }

    /// The root of the whole tree (RFC 9162 §2.1.1).
    pub fn root(&self) -> Hash {
        // The whole tree is always within range, so this cannot fail.
        root_at(self, self.size()).unwrap_or(EMPTY_ROOT)
    }

    /// The root of the tree of the first `size` leaves (RFC 9162 §2.1.1).
    pub fn root_at(&self, size: u64) -> Result<Hash, Error> {
        root_at(self, size)
    }

    /// The inclusion proof of leaf `index` in the tree of size `size` (RFC 9162 §2.1.3.1).
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, Error> {
        inclusion_proof(self, index, size)
    }

    /// The consistency proof from the tree of size `old_size` to that of size `new_size`
    /// (RFC 9162 §2.1.4.1).
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<Vec<Hash>, Error> {
        consistency_proof(self, old_size, new_size)
    }
}

impl NodeSource for MemoryTree {
    fn size(&self) -> u64 {
        MemoryTree::size(self)
    }

    fn subtree(&self, level: u32, index: u64) -> Option<Hash> {
        let row = self.levels.get(usize::try_from(level).ok()?)?;
        row.get(usize::try_from(index).ok()?).copied()
    }
}

/// The definitions of RFC 9162 §2.1.3.1 and §2.1.4.1 written out over a slice of leaf
/// hashes, recomputing every subtree hash: O(n) per proof. Meant for small trees and as the
/// reference the efficient [`NodeSource`] versions are tested against.
pub mod reference {
    use crate::error::Error;
    use crate::hash::{Hash, root, split_point};

    /// `PATH(index, D[n])` of RFC 9162 §2.1.3.1, with `D[n]` given by its leaf hashes.
    pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Result<Vec<Hash>, Error> {
        let size = leaves.len() as u64;
        if index >= size {
            return Err(Error::IndexOutOfRange { index, size });
        }
        Ok(path(leaves, index))
    }

    fn path(d: &[Hash], m: u64) -> Vec<Hash> {
        if d.len() <= 1 {
            return Vec::new();
        }
        let k = split_point(d.len() as u64);
        let (left, right) = d.split_at(k as usize);
        if m < k {
            let mut p = path(left, m);
            p.push(root(right));
            p
        } else {
            let mut p = path(right, m - k);
            p.push(root(left));
            p
        }
    }

    /// `PROOF(old_size, D[n])` of RFC 9162 §2.1.4.1, with `D[n]` given by its leaf hashes;
    /// empty for `old_size == 0` and `old_size == n`.
    pub fn consistency_proof(leaves: &[Hash], old_size: u64) -> Result<Vec<Hash>, Error> {
        let new_size = leaves.len() as u64;
        if old_size > new_size {
            return Err(Error::SizesOutOfOrder { old_size, new_size });
        }
        if old_size == 0 {
            return Ok(Vec::new());
        }
        Ok(subproof(old_size, leaves, true))
    }

    fn subproof(m: u64, d: &[Hash], complete: bool) -> Vec<Hash> {
        let n = d.len() as u64;
        if m == n {
            return if complete { Vec::new() } else { vec![root(d)] };
        }
        let k = split_point(n);
        let (left, right) = d.split_at(k as usize);
        if m <= k {
            let mut p = subproof(m, left, complete);
            p.push(root(right));
            p
        } else {
            let mut p = subproof(m - k, right, false);
            p.push(root(left));
            p
        }
    }
}
