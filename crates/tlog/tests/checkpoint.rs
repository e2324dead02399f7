//! C2SP tlog-checkpoint bodies and signed checkpoints.
//!
//! Sources:
//! * the example in the C2SP spec, github.com/C2SP/C2SP, file `tlog-checkpoint.md`;
//! * a real checkpoint signed by sum.golang.org, copied from
//!   github.com/transparency-dev/trillian-tessera, file `internal/parse/parse_test.go`
//!   (`BenchmarkCheckpointUnsafe`), with the final newline the signed-note format requires;
//! * the sum.golang.org verifier key built into the `go` command
//!   (`cmd/go/internal/modfetch/key.go`), as quoted by many public repositories.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

use ed25519_dalek::SigningKey;
use reilu_tlog::{
    Checkpoint, Error, MemoryTree, VerifierKey, open_checkpoint, parse_note, sign_checkpoint,
};

const SPEC_EXAMPLE: &str = "example.com/behind-the-sofa\n\
    20852163\n\
    CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\
    \n\
    — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

const SUMDB_KEY: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
const SUMDB_CHECKPOINT: &str = "go.sum database tree\n\
    31700353\n\
    qINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\
    \n\
    — sum.golang.org Az3grnmrIUEDFqHzAElIQCPNoRFRAAdFo47fooyWKMHb89k11GJh5zHIfNCOBmwn/C3YI8oW9/C8DJ87F61QqspBYwM=\n";

#[test]
fn the_spec_example_parses() {
    let note = parse_note(SPEC_EXAMPLE).unwrap();
    assert_eq!(note.signatures.len(), 1);
    assert_eq!(note.signatures[0].name, "example.com/behind-the-sofa");
    assert_eq!(note.signatures[0].signature.len(), 64);
    let cp = Checkpoint::parse(&note.text).unwrap();
    assert_eq!(cp.origin(), "example.com/behind-the-sofa");
    assert_eq!(cp.size(), 20852163);
    assert_eq!(cp.root()[..4], [0x0a, 0xc5, 0x18, 0x6a]);
    assert!(cp.extensions().is_empty());
    assert_eq!(cp.body(), note.text);
}

#[test]
fn a_real_sum_golang_org_checkpoint_verifies() {
    let key = VerifierKey::parse(SUMDB_KEY).unwrap();
    assert_eq!(key.key_id(), 0x033de0ae);
    let cp = open_checkpoint(SUMDB_CHECKPOINT, &key).unwrap();
    assert_eq!(cp.origin(), "go.sum database tree");
    assert_eq!(cp.size(), 31700353);
    assert_eq!(
        cp.body(),
        SUMDB_CHECKPOINT.split("\n\n").next().unwrap().to_owned() + "\n"
    );
    // One changed digit in the size, and the signature no longer holds.
    let forged = SUMDB_CHECKPOINT.replace("31700353", "31700354");
    assert!(matches!(
        open_checkpoint(&forged, &key),
        Err(Error::InvalidSignature { .. })
    ));
}

#[test]
fn sign_then_open_round_trip() {
    let mut tree = MemoryTree::new();
    for i in 0..1000u32 {
        tree.append(&i.to_be_bytes());
    }
    let origin = "reilu.example/commitments";
    let cp = Checkpoint::new(origin, tree.size(), tree.root())
        .unwrap()
        .with_extension("an extension line")
        .unwrap();
    let key = SigningKey::from_bytes(&[42; 32]);
    let msg = sign_checkpoint(&cp, origin, &key).unwrap();
    let vkey = VerifierKey::new(origin, key.verifying_key()).unwrap();
    let opened = open_checkpoint(&msg, &VerifierKey::parse(&vkey.to_string()).unwrap()).unwrap();
    assert_eq!(opened, cp);
    assert_eq!(opened.size(), 1000);
    assert_eq!(*opened.root(), tree.root());
    assert_eq!(opened.extensions(), ["an extension line"]);
    assert!(msg.starts_with("reilu.example/commitments\n1000\n"));

    let empty = Checkpoint::new(origin, 0, MemoryTree::new().root()).unwrap();
    assert_eq!(
        empty.body(),
        "reilu.example/commitments\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    );
}

#[test]
fn strict_parsing_refuses_what_the_spec_does_not_allow() {
    const ROOT: &str = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    let ok = format!("o\n5\n{ROOT}\n");
    assert_eq!(Checkpoint::parse(&ok).unwrap().size(), 5);
    assert_eq!(
        Checkpoint::parse(&format!("o\n0\n{ROOT}\n"))
            .unwrap()
            .size(),
        0
    );
    assert_eq!(
        Checkpoint::parse(&format!("o\n18446744073709551615\n{ROOT}\n"))
            .unwrap()
            .size(),
        u64::MAX
    );
    // The spec only recommends origins without spaces; clients must not assume it.
    assert!(Checkpoint::parse(&format!("go.sum database tree\n5\n{ROOT}\n")).is_ok());
    let bad = [
        format!("o\n5\n{ROOT}"),                      // no final newline
        format!("o\n5\n{ROOT}\n\n"),                  // an empty (extension) line
        format!("o\n5\n{ROOT}\next\n\n"),             // an empty extension line
        format!("o\n5\n{ROOT}\n\r"),                  // a control character
        format!("\n5\n{ROOT}\n"),                     // empty origin
        format!("o\n{ROOT}\n"),                       // two lines
        format!("o\n05\n{ROOT}\n"),                   // leading zero
        format!("o\n00\n{ROOT}\n"),                   // leading zero
        format!("o\n+5\n{ROOT}\n"),                   // sign
        format!("o\n-5\n{ROOT}\n"),                   // sign
        format!("o\n 5\n{ROOT}\n"),                   // space
        format!("o\n5 \n{ROOT}\n"),                   // space
        format!("o\n\n{ROOT}\n"),                     // empty size
        format!("o\n0x5\n{ROOT}\n"),                  // not decimal
        format!("o\n18446744073709551616\n{ROOT}\n"), // overflows u64
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n".to_owned(), // no padding
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n".to_owned(), // non-canonical
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n".to_owned(), // 30 bytes
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2Kq\n".to_owned(), // 33 bytes
        "o\n5\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n".to_owned(), // URL alphabet
        "o\n5\nthisisnotright\n".to_owned(),
    ];
    for body in bad {
        assert!(
            matches!(Checkpoint::parse(&body), Err(Error::MalformedCheckpoint(_))),
            "{body:?}"
        );
    }
}

#[test]
fn our_own_checkpoints_follow_the_recommendations() {
    let root = MemoryTree::new().root();
    for origin in ["", "with space", "with+plus", "tab\there", "new\nline"] {
        assert!(Checkpoint::new(origin, 0, root).is_err(), "{origin:?}");
    }
    let cp = Checkpoint::new("o", 0, root).unwrap();
    assert!(cp.clone().with_extension("").is_err());
    assert!(cp.with_extension("two\nlines").is_err());
}
