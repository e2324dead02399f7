//! Proof verification exactly as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency).
//! A verifier needs nothing but these functions, the sizes, the hashes and the proof.

use crate::error::Error;
use crate::hash::{Hash, node_hash};

/// The root that an inclusion proof leads to from `leaf_hash` at `index` in a tree of
/// `size` leaves: steps 1 to 4 of RFC 9162 §2.1.3.2, and the `sn == 0` check of step 5.
pub fn root_from_inclusion_proof(
    index: u64,
    size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
) -> Result<Hash, Error> {
    // Step 1.
    if index >= size {
        return Err(Error::IndexOutOfRange { index, size });
    }
    // Steps 2 and 3.
    let mut fn_ = index;
    let mut sn = size - 1;
    let mut r = *leaf_hash;
    // Step 4.
    for p in proof {
        if sn == 0 {
            return Err(Error::ProofFailed("inclusion proof is too long"));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5, first half.
    if sn != 0 {
        return Err(Error::ProofFailed("inclusion proof is too short"));
    }
    Ok(r)
}

/// Verifies that `leaf_hash` is the leaf at `index` of the tree of `size` leaves whose root
/// is `root`, given the inclusion proof `proof` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), Error> {
    let r = root_from_inclusion_proof(index, size, leaf_hash, proof)?;
    if r != *root {
        return Err(Error::ProofFailed("inclusion proof leads to another root"));
    }
    Ok(())
}

/// Verifies that the tree of `old_size` leaves with root `old_root` is a prefix of the tree
/// of `new_size` leaves with root `new_root`, given the consistency proof `proof`
/// (RFC 9162 §2.1.4.2).
///
/// The RFC's algorithm covers `0 < old_size < new_size`. Beyond it: equal sizes need an
/// empty proof and equal roots; an old size of 0 needs an empty proof (every tree extends the
/// empty tree); an old size larger than the new one is refused.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), Error> {
    if old_size > new_size {
        return Err(Error::SizesOutOfOrder { old_size, new_size });
    }
    if old_size == new_size || old_size == 0 {
        if !proof.is_empty() {
            return Err(Error::ProofFailed("consistency proof must be empty"));
        }
        if old_size == new_size && old_root != new_root {
            return Err(Error::ProofFailed("same tree size but different roots"));
        }
        return Ok(());
    }
    let (fr, sr) = roots_from_consistency_proof(old_size, new_size, old_root, proof)?;
    // Step 7 (the `sn == 0` part is checked in `roots_from_consistency_proof`).
    if fr != *old_root {
        return Err(Error::ProofFailed(
            "consistency proof leads to another old root",
        ));
    }
    if sr != *new_root {
        return Err(Error::ProofFailed(
            "consistency proof leads to another new root",
        ));
    }
    Ok(())
}

/// Steps 1 to 6 of RFC 9162 §2.1.4.2 for `0 < first < second`, and the `sn == 0` check of
/// step 7: the old and new roots the proof leads to.
fn roots_from_consistency_proof(
    first: u64,
    second: u64,
    first_hash: &Hash,
    proof: &[Hash],
) -> Result<(Hash, Hash), Error> {
    // Step 1.
    if proof.is_empty() {
        return Err(Error::ProofFailed("consistency proof is empty"));
    }
    // Step 2: if `first` is a power of two, the path starts with `first_hash`.
    let path: Vec<&Hash> = if first.is_power_of_two() {
        std::iter::once(first_hash).chain(proof).collect()
    } else {
        proof.iter().collect()
    };
    let Some((&seed, rest)) = path.split_first() else {
        return Err(Error::ProofFailed("consistency proof is empty"));
    };
    // Step 3.
    let mut fn_ = first - 1;
    let mut sn = second - 1;
    // Step 4.
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    let mut fr = *seed;
    let mut sr = *seed;
    // Step 6.
    for &c in rest {
        if sn == 0 {
            return Err(Error::ProofFailed("consistency proof is too long"));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 7, the size part.
    if sn != 0 {
        return Err(Error::ProofFailed("consistency proof is too short"));
    }
    Ok((fr, sr))
}
