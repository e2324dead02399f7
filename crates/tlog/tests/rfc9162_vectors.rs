//! The RFC 6962 / RFC 9162 Merkle tree test vectors that every implementation shares.
//!
//! Source: github.com/transparency-dev/merkle, file `proof/verify_test.go` (the variables
//! `leaves`, `roots`, `inclusionProofs`, `consistencyProofs`, `sha256SomeHash`), copied
//! verbatim as hex; the same vectors appear in google/certificate-transparency-go and
//! google/trillian. The corruption probes mirror that file's `corruptInclusionProof` and
//! `corruptConsistencyProof`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

use reilu_tlog::tree::reference;
use reilu_tlog::{
    EMPTY_ROOT, Hash, MemoryTree, leaf_hash, root, root_from_inclusion_proof, verify_consistency,
    verify_inclusion,
};

fn h(s: &str) -> Hash {
    assert_eq!(s.len(), 64, "{s}");
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

fn bytes(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// `leaves` of verify_test.go.
const LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// `roots` of verify_test.go: the root of the tree of the first 1, 2, …, 8 leaves.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// `inclusionProofs` of verify_test.go: (1-based leaf, tree size, proof); the Go test
/// verifies leaf `leaf - 1`.
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        3,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        2,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// `consistencyProofs` of verify_test.go: (old size, new size, proof).
const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

/// `sha256SomeHash` of verify_test.go.
const SOME_HASH: &str = "abacaba000000000000000000000000000000000000000000060061e00123456";

fn tree() -> MemoryTree {
    let mut t = MemoryTree::new();
    for (i, leaf) in LEAVES.iter().enumerate() {
        assert_eq!(t.append(&bytes(leaf)), i as u64);
    }
    t
}

fn proof(p: &[&str]) -> Vec<Hash> {
    p.iter().map(|s| h(s)).collect()
}

#[test]
fn roots_of_sizes_one_to_eight() {
    let t = tree();
    let leaf_hashes: Vec<Hash> = LEAVES.iter().map(|l| leaf_hash(&bytes(l))).collect();
    for (i, want) in ROOTS.iter().enumerate() {
        let size = i as u64 + 1;
        assert_eq!(t.root_at(size).unwrap(), h(want), "root_at({size})");
        assert_eq!(
            root(&leaf_hashes[..=i]),
            h(want),
            "root of {size} leaf hashes"
        );
    }
    assert_eq!(t.root(), h(ROOTS[7]));
    assert_eq!(t.root_at(0).unwrap(), EMPTY_ROOT);
    assert_eq!(
        EMPTY_ROOT,
        h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    assert!(t.root_at(9).is_err());
}

#[test]
fn inclusion_proofs_are_the_published_ones_and_verify() {
    let t = tree();
    for (leaf, size, p) in INCLUSION {
        let index = leaf - 1;
        let want = proof(p);
        assert_eq!(
            t.inclusion_proof(index, size).unwrap(),
            want,
            "{index} in {size}"
        );
        let lh = t.leaf_hash(index).unwrap();
        let r = h(ROOTS[size as usize - 1]);
        assert_eq!(
            root_from_inclusion_proof(index, size, &lh, &want).unwrap(),
            r
        );
        verify_inclusion(index, size, &lh, &want, &r).unwrap();
        for (what, probe) in corrupt_inclusion(index, size, &lh, &want, &r) {
            let (i, s, l, p, r) = probe;
            assert!(
                verify_inclusion(i, s, &l, &p, &r).is_err(),
                "{what} verified"
            );
        }
    }
}

type InclusionProbe = (u64, u64, Hash, Vec<Hash>, Hash);

/// verify_test.go's `corruptInclusionProof`, minus the probes about hash lengths, which the
/// `[u8; 32]` type rules out.
fn corrupt_inclusion(
    index: u64,
    size: u64,
    lh: &Hash,
    p: &[Hash],
    r: &Hash,
) -> Vec<(String, InclusionProbe)> {
    let some = h(SOME_HASH);
    let ext = |x: Hash| [p, &[x]].concat();
    let pre = |x: Hash| [&[x], p].concat();
    let mut out = vec![
        (
            "index - 1".into(),
            (index.wrapping_sub(1), size, *lh, p.to_vec(), *r),
        ),
        ("index + 1".into(), (index + 1, size, *lh, p.to_vec(), *r)),
        ("index ^ 2".into(), (index ^ 2, size, *lh, p.to_vec(), *r)),
        ("size * 2".into(), (index, size * 2, *lh, p.to_vec(), *r)),
        ("size / 2".into(), (index, size / 2, *lh, p.to_vec(), *r)),
        (
            "wrong leaf".into(),
            (index, size, leaf_hash(b"WrongLeaf"), p.to_vec(), *r),
        ),
        (
            "empty root".into(),
            (index, size, *lh, p.to_vec(), EMPTY_ROOT),
        ),
        ("random root".into(), (index, size, *lh, p.to_vec(), some)),
        ("trailing garbage".into(), (index, size, *lh, ext(some), *r)),
        ("trailing root".into(), (index, size, *lh, ext(*r), *r)),
        (
            "preceding garbage".into(),
            (index, size, *lh, pre(some), *r),
        ),
        ("preceding root".into(), (index, size, *lh, pre(*r), *r)),
    ];
    for i in 0..p.len() {
        let mut q = p.to_vec();
        q[i][0] ^= 8;
        out.push((
            format!("modified proof[{i}] bit 3"),
            (index, size, *lh, q, *r),
        ));
    }
    if !p.is_empty() {
        out.push((
            "removed component".into(),
            (index, size, *lh, p[..p.len() - 1].to_vec(), *r),
        ));
    }
    if p.len() > 1 {
        let q = [&[p[0], some], &p[1..]].concat();
        out.push(("inserted component".into(), (index, size, *lh, q, *r)));
    }
    out
}

#[test]
fn consistency_proofs_are_the_published_ones_and_verify() {
    let t = tree();
    let leaf_hashes: Vec<Hash> = (0..8).map(|i| t.leaf_hash(i).unwrap()).collect();
    for (m, n, p) in CONSISTENCY {
        let want = proof(p);
        assert_eq!(t.consistency_proof(m, n).unwrap(), want, "{m} -> {n}");
        assert_eq!(
            reference::consistency_proof(&leaf_hashes[..n as usize], m).unwrap(),
            want
        );
        let (r1, r2) = (h(ROOTS[m as usize - 1]), h(ROOTS[n as usize - 1]));
        verify_consistency(m, n, &r1, &r2, &want).unwrap();
        if want.is_empty() {
            continue;
        }
        for (what, (m, n, r1, r2, p)) in corrupt_consistency(m, n, &r1, &r2, &want) {
            assert!(
                verify_consistency(m, n, &r1, &r2, &p).is_err(),
                "{what} verified"
            );
        }
    }
}

type ConsistencyProbe = (u64, u64, Hash, Hash, Vec<Hash>);

/// verify_test.go's `corruptConsistencyProof`.
fn corrupt_consistency(
    m: u64,
    n: u64,
    r1: &Hash,
    r2: &Hash,
    p: &[Hash],
) -> Vec<(String, ConsistencyProbe)> {
    let some = h(SOME_HASH);
    let wrong = leaf_hash(b"WrongRoot");
    let ext = |x: Hash| [p, &[x]].concat();
    let pre = |x: Hash| [&[x], p].concat();
    let mut out = vec![
        ("size1 - 1".into(), (m - 1, n, *r1, *r2, p.to_vec())),
        ("size1 + 1".into(), (m + 1, n, *r1, *r2, p.to_vec())),
        ("size1 ^ 2".into(), (m ^ 2, n, *r1, *r2, p.to_vec())),
        ("size2 * 2".into(), (m, n * 2, *r1, *r2, p.to_vec())),
        ("size2 / 2".into(), (m, n / 2, *r1, *r2, p.to_vec())),
        ("wrong root1".into(), (m, n, wrong, *r2, p.to_vec())),
        ("wrong root2".into(), (m, n, *r1, wrong, p.to_vec())),
        ("swapped roots".into(), (m, n, *r2, *r1, p.to_vec())),
        ("empty proof".into(), (m, n, *r1, *r2, Vec::new())),
        ("trailing garbage".into(), (m, n, *r1, *r2, ext(some))),
        ("trailing root1".into(), (m, n, *r1, *r2, ext(*r1))),
        ("trailing root2".into(), (m, n, *r1, *r2, ext(*r2))),
        ("preceding garbage".into(), (m, n, *r1, *r2, pre(some))),
        ("preceding root1".into(), (m, n, *r1, *r2, pre(*r1))),
        ("preceding root2".into(), (m, n, *r1, *r2, pre(*r2))),
        ("preceding proof[0]".into(), (m, n, *r1, *r2, pre(p[0]))),
        (
            "truncated proof".into(),
            (m, n, *r1, *r2, p[..p.len() - 1].to_vec()),
        ),
    ];
    for i in 0..p.len() {
        let mut q = p.to_vec();
        q[i][0] ^= 16;
        out.push((format!("modified proof[{i}] bit 4"), (m, n, *r1, *r2, q)));
    }
    out
}

/// verify_test.go's `TestVerifyConsistency` table of edge cases.
#[test]
fn consistency_edge_cases() {
    let (root1, root2) = (leaf_hash(b"don't care 1"), leaf_hash(b"don't care 2"));
    let empty: &[Hash] = &[];
    let one: &[Hash] = &[EMPTY_ROOT];
    let e = EMPTY_ROOT;
    let cases = [
        (0, 0, root1, root2, empty, true),
        (1, 1, root1, root2, empty, true),
        (0, 0, root1, root1, empty, false),
        (0, 1, root1, root2, empty, false),
        (1, 1, root2, root2, empty, false),
        (1, 0, root1, root2, empty, true),
        (2, 1, root1, root2, empty, true),
        (1, 2, root1, root2, empty, true),
        (0, 0, e, root2, empty, true),
        (1, 1, e, root2, empty, true),
        (0, 0, e, e, one, true),
        (0, 1, e, e, one, true),
        (1, 1, e, e, one, true),
    ];
    for (m, n, r1, r2, p, want_err) in cases {
        let got = verify_consistency(m, n, &r1, &r2, p);
        assert_eq!(got.is_err(), want_err, "{m} -> {n}: {got:?}");
    }
}

/// verify_test.go's `TestVerifyInclusionSingleEntry` and `TestVerifyInclusion` probes.
#[test]
fn inclusion_edge_cases() {
    let lh = leaf_hash(b"data");
    verify_inclusion(0, 1, &lh, &[], &lh).unwrap();
    assert!(verify_inclusion(0, 1, &lh, &[], &EMPTY_ROOT).is_err());
    let some = h(SOME_HASH);
    for (index, size) in [(0, 0), (0, 1), (1, 0), (2, 1)] {
        assert!(verify_inclusion(index, size, &some, &[], &EMPTY_ROOT).is_err());
    }
}
