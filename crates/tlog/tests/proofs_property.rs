//! Every proof for every tree of up to 64 leaves: generated from complete-subtree hashes,
//! equal to the literal RFC 9162 §2.1.3.1 / §2.1.4.1 definitions, verified by the RFC 9162
//! §2.1.3.2 / §2.1.4.2 algorithms against `root_at`, and refused after any change.
//! And: a proof at ten million leaves costs O(log n) subtree look-ups.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

use std::cell::Cell;

use reilu_tlog::tree::{self, NodeSource, reference};
use reilu_tlog::{
    Hash, MemoryTree, leaf_hash, node_hash, root, verify_consistency, verify_inclusion,
};

const N: u64 = 64;

fn tree_and_leaves() -> (MemoryTree, Vec<Hash>) {
    let mut t = MemoryTree::new();
    for i in 0..N {
        t.append(format!("commitment {i}").as_bytes());
    }
    let leaves = (0..N).map(|i| t.leaf_hash(i).unwrap()).collect();
    (t, leaves)
}

fn flip(h: &Hash, bit: usize) -> Hash {
    let mut h = *h;
    h[(bit / 8) % 32] ^= 1 << (bit % 8);
    h
}

#[test]
fn every_inclusion_proof_up_to_64_leaves() {
    let (t, leaves) = tree_and_leaves();
    for n in 1..=N {
        let r = t.root_at(n).unwrap();
        assert_eq!(r, root(&leaves[..n as usize]), "root_at({n})");
        for i in 0..n {
            let p = t.inclusion_proof(i, n).unwrap();
            assert_eq!(
                p,
                reference::inclusion_proof(&leaves[..n as usize], i).unwrap()
            );
            let lh = leaves[i as usize];
            verify_inclusion(i, n, &lh, &p, &r).unwrap();
            let bit = (i * 37 + n) as usize % 256;
            for k in 0..p.len() {
                let mut q = p.clone();
                q[k] = flip(&q[k], bit + k);
                assert!(
                    verify_inclusion(i, n, &lh, &q, &r).is_err(),
                    "{i} in {n}, [{k}]"
                );
            }
            assert!(verify_inclusion(i, n, &flip(&lh, bit), &p, &r).is_err());
            assert!(verify_inclusion(i, n, &lh, &p, &flip(&r, bit)).is_err());
            if n > 1 {
                let other = (i + 1) % n;
                assert!(
                    verify_inclusion(other, n, &lh, &p, &r).is_err(),
                    "{i}->{other} in {n}"
                );
                assert!(verify_inclusion(i, n, &lh, &p[1..], &r).is_err());
            }
            assert!(verify_inclusion(i, n, &lh, &[p.as_slice(), &[r]].concat(), &r).is_err());
        }
        assert!(t.inclusion_proof(n, n).is_err());
    }
    assert!(t.inclusion_proof(0, N + 1).is_err());
}

#[test]
fn every_consistency_proof_up_to_64_leaves() {
    let (t, leaves) = tree_and_leaves();
    for n in 1..=N {
        let r2 = t.root_at(n).unwrap();
        for m in 0..=n {
            let r1 = t.root_at(m).unwrap();
            let p = t.consistency_proof(m, n).unwrap();
            assert_eq!(
                p,
                reference::consistency_proof(&leaves[..n as usize], m).unwrap()
            );
            verify_consistency(m, n, &r1, &r2, &p).unwrap();
            let bit = (m * 41 + n) as usize % 256;
            for k in 0..p.len() {
                let mut q = p.clone();
                q[k] = flip(&q[k], bit + k);
                assert!(
                    verify_consistency(m, n, &r1, &r2, &q).is_err(),
                    "{m}->{n}, [{k}]"
                );
            }
            if m > 0 {
                // (From the empty tree, any roots are consistent.)
                assert!(verify_consistency(m, n, &flip(&r1, bit), &r2, &p).is_err());
                assert!(verify_consistency(m, n, &r1, &flip(&r2, bit), &p).is_err());
            }
            if !p.is_empty() {
                assert!(verify_consistency(m, n, &r1, &r2, &p[1..]).is_err());
            }
            assert!(verify_consistency(m, n, &r1, &r2, &[p.as_slice(), &[r2]].concat()).is_err());
            if m < n {
                assert!(verify_consistency(n, m, &r2, &r1, &p).is_err());
                assert!(t.consistency_proof(n, m).is_err());
            }
        }
    }
}

#[test]
fn appending_keeps_every_old_root() {
    let (t, leaves) = tree_and_leaves();
    let mut grown = MemoryTree::new();
    for (i, lh) in leaves.iter().enumerate() {
        assert_eq!(grown.append_leaf_hash(*lh), i as u64);
        assert_eq!(grown.root(), t.root_at(i as u64 + 1).unwrap());
        assert_eq!(grown.root(), root(&leaves[..=i]));
    }
    assert_eq!(grown, t);
}

/// A tree of `size` identical leaves: every complete subtree at a level has the same hash,
/// so a node source for any size is cheap, and it counts its look-ups.
struct Uniform {
    size: u64,
    levels: Vec<Hash>,
    lookups: Cell<u64>,
}

impl Uniform {
    fn new(size: u64) -> Self {
        let mut levels = vec![leaf_hash(b"the same commitment")];
        for l in 1..64 {
            levels.push(node_hash(&levels[l - 1], &levels[l - 1]));
        }
        Self {
            size,
            levels,
            lookups: Cell::new(0),
        }
    }
}

impl NodeSource for Uniform {
    fn size(&self) -> u64 {
        self.size
    }

    fn subtree(&self, level: u32, index: u64) -> Option<Hash> {
        self.lookups.set(self.lookups.get() + 1);
        let end = index
            .checked_add(1)?
            .checked_mul(1u64.checked_shl(level)?)?;
        (end <= self.size).then(|| self.levels[level as usize])
    }
}

#[test]
fn proofs_at_ten_million_leaves_cost_logarithmic_lookups() {
    for size in [10_000_000u64, 10_000_001, (1 << 40) + 12_345] {
        let src = Uniform::new(size);
        let bound = 2 * u64::from(64 - size.leading_zeros());
        let r = tree::root_at(&src, size).unwrap();
        for index in [0, 1, size / 3, size - 2, size - 1] {
            src.lookups.set(0);
            let p = tree::inclusion_proof(&src, index, size).unwrap();
            assert!(
                src.lookups.get() <= bound,
                "{} look-ups for {index}",
                src.lookups.get()
            );
            verify_inclusion(index, size, &src.levels[0], &p, &r).unwrap();
        }
        for old in [1, 2, 3, 1 << 20, size / 2 + 1, size - 1] {
            src.lookups.set(0);
            let p = tree::consistency_proof(&src, old, size).unwrap();
            assert!(
                src.lookups.get() <= bound,
                "{} look-ups for {old}",
                src.lookups.get()
            );
            let r1 = tree::root_at(&src, old).unwrap();
            verify_consistency(old, size, &r1, &r, &p).unwrap();
        }
    }
}
