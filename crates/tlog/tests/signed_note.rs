//! C2SP signed notes against `golang.org/x/mod/sumdb/note`.
//!
//! Source of the keys and notes: github.com/golang/mod, file `sumdb/note/note_test.go`
//! (`TestNewVerifier`, `TestNewSigner`, `TestSign`, `TestOpen`), copied verbatim.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

use ed25519_dalek::SigningKey;
use reilu_tlog::{Error, SignerKey, VerifierKey, key_id, open_note, parse_note, sign_note};

const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
const PETER_SIG: &str = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

fn peter() -> VerifierKey {
    VerifierKey::parse(PETER_VKEY).unwrap()
}

#[test]
fn verifier_key_of_the_go_tests_parses_and_its_key_id_is_ours() {
    let v = peter();
    assert_eq!(v.name(), "PeterNeumann");
    assert_eq!(v.key_id(), 0xc74f20a3);
    assert_eq!(key_id("PeterNeumann", v.verifying_key()), 0xc74f20a3);
    assert_eq!(v.to_string(), PETER_VKEY);
    let enoch = VerifierKey::parse(ENOCH_VKEY).unwrap();
    assert_eq!(enoch.key_id(), 0xaf0cfe78);
    assert_eq!(enoch.to_string(), ENOCH_VKEY);
}

/// `TestNewVerifier`: every substring and every one-byte change of the key is refused, and
/// so are a wrong-length key and an unknown algorithm (both with adjusted key IDs).
#[test]
fn mangled_verifier_keys_are_refused() {
    let b = PETER_VKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if i != 0 || j != b.len() {
                let s = std::str::from_utf8(&b[i..j]).unwrap();
                assert!(VerifierKey::parse(s).is_err(), "{s}");
            }
        }
    }
    for i in 0..b.len() {
        let mut m = b.to_vec();
        m[i] += 1;
        let s = String::from_utf8(m).unwrap();
        assert!(VerifierKey::parse(&s).is_err(), "{s}");
    }
    for bad in [
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ] {
        assert!(VerifierKey::parse(bad).is_err(), "{bad}");
    }
}

/// `TestNewSigner` and `TestSign`: the private key string parses, matches the verifier key,
/// and (Ed25519 being deterministic) signing the text gives the Go test's exact note.
#[test]
fn signing_reproduces_the_go_note_byte_for_byte() {
    let signer = SignerKey::parse(PETER_SKEY).unwrap();
    assert_eq!(signer.verifier_key().to_string(), PETER_VKEY);
    let want = format!("{TEXT}\n{PETER_SIG}");
    assert_eq!(signer.sign_note(TEXT).unwrap(), want);
    assert_eq!(
        sign_note(TEXT, "PeterNeumann", signer.signing_key()).unwrap(),
        want
    );
    assert!(SignerKey::parse(&PETER_SKEY.replace("c74f20a3", "c74f20a4")).is_err());
}

/// `TestOpen`: a note signed by Peter and Enoch opens with either key alone (the other
/// signature is ignored), and the text is what was signed.
#[test]
fn the_go_note_opens_with_either_key() {
    let msg = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    let note = open_note(&msg, &peter()).unwrap();
    assert_eq!(note.text, TEXT);
    assert_eq!(note.signatures.len(), 2);
    assert_eq!(note.signatures[0].name, "PeterNeumann");
    assert_eq!(note.signatures[0].key_id, 0xc74f20a3);
    assert_eq!(note.signatures[1].key_id, 0xaf0cfe78);
    let enoch = VerifierKey::parse(ENOCH_VKEY).unwrap();
    assert_eq!(open_note(&msg, &enoch).unwrap().text, TEXT);
}

#[test]
fn a_note_without_the_trusted_signature_is_refused() {
    let msg = format!("{TEXT}\n{ENOCH_SIG}");
    assert!(matches!(
        open_note(&msg, &peter()),
        Err(Error::NoTrustedSignature { .. })
    ));
    // TestOpen: the same signature under another name is not Peter's.
    let misnamed = format!(
        "{TEXT}\n{}",
        PETER_SIG.replace("PeterNeumann", "CarmenSandiego")
    );
    assert!(matches!(
        open_note(&misnamed, &peter()),
        Err(Error::NoTrustedSignature { .. })
    ));
}

/// `TestOpen`'s "Invalid signature" and tampered text: a signature by the trusted key that
/// does not verify refuses the whole note.
#[test]
fn a_bad_signature_by_the_trusted_key_is_refused() {
    let sig = format!("{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    let msg = format!("{TEXT}\n{sig}");
    assert!(matches!(
        open_note(&msg, &peter()),
        Err(Error::InvalidSignature { .. })
    ));
    let tampered = format!("{}\n{PETER_SIG}", TEXT.replace("answer", "Answer"));
    assert!(matches!(
        open_note(&tampered, &peter()),
        Err(Error::InvalidSignature { .. })
    ));
    // One good and one bad signature by the same key: still refused.
    let both = format!("{TEXT}\n{PETER_SIG}{sig}");
    assert!(open_note(&both, &peter()).is_err());
}

/// `TestOpen`'s "Invalid encoded message syntax" and "too many signatures".
#[test]
fn malformed_notes_are_refused() {
    let bad = [
        TEXT.to_owned(),
        format!("{TEXT}\n"),
        format!("{TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1]),
        format!("\x01{TEXT}\n{PETER_SIG}"),
        format!(
            "{TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
        ),
        format!("{TEXT}\n{PETER_SIG}Unexpected line.\n"),
        format!("{TEXT}\n{}", PETER_SIG.repeat(101)),
    ];
    for msg in bad {
        assert!(
            matches!(parse_note(&msg), Err(Error::MalformedNote(_))),
            "{msg:?}"
        );
        assert!(open_note(&msg, &peter()).is_err());
    }
    // 16 signatures must be accepted (C2SP signed-note, "Format").
    let many = format!("{TEXT}\n{}", PETER_SIG.repeat(16));
    assert_eq!(open_note(&many, &peter()).unwrap().signatures.len(), 16);
}

#[test]
fn sign_then_open_round_trip_and_wrong_key() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let name = "reilu.example/tlog";
    let text = "first line\n\nthird line after an empty one\n";
    let msg = sign_note(text, name, &key).unwrap();
    let vkey = VerifierKey::new(name, key.verifying_key()).unwrap();
    let reparsed = VerifierKey::parse(&vkey.to_string()).unwrap();
    assert_eq!(reparsed, vkey);
    assert_eq!(open_note(&msg, &reparsed).unwrap().text, text);

    let other = SigningKey::from_bytes(&[8; 32]);
    let other_vkey = VerifierKey::new(name, other.verifying_key()).unwrap();
    assert!(matches!(
        open_note(&msg, &other_vkey),
        Err(Error::NoTrustedSignature { .. })
    ));

    for (text, name) in [
        ("no final newline", name),
        ("", name),
        ("tab\there\n", name),
        ("fine\n", "with space"),
        ("fine\n", "with+plus"),
        ("fine\n", ""),
    ] {
        assert!(sign_note(text, name, &key).is_err(), "{text:?} {name:?}");
    }
}
