//! Every sample file in `examples/payments/` is valid against the official ISO 20022 schema of
//! its message version, checked by an independent validator (libxml2's `xmllint`); so is a
//! file written by `camt::synth`.
//!
//! Schemas: camt.053.001.08 from `shared/iso20022/` beside the repository; camt.053.001.02,
//! camt.054.001.02 and camt.054.001.08 from `tests/data/camt/` (see the README there for
//! where they come from). Without xmllint the tests print "skipped: xmllint not installed"
//! and pass, unless REILU_REQUIRE_ORACLES=1, when they fail. Install it with
//! `apt-get install libxml2-utils`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use reilu_formats::camt::synth::{synthetic_entries, write_camt054};
use reilu_formats::camt::{CamtKind, validate_camt};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn oracles_required() -> bool {
    std::env::var("REILU_REQUIRE_ORACLES").as_deref() == Ok("1")
}

fn xmllint_available() -> bool {
    let found = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            !oracles_required(),
            "REILU_REQUIRE_ORACLES=1 but xmllint is not installed"
        );
        println!("skipped: xmllint not installed");
    }
    found
}

/// The schema for a message version; `None` (after a note) when it is not on this machine,
/// or when the project has no copy of it (camt.053/054.001.06, see the samples' README).
fn schema(kind: CamtKind, version: &str) -> Option<PathBuf> {
    let path = match (kind, version) {
        (_, "001.06") => {
            println!("skipped: no schema for version 001.06 in the project");
            return None;
        }
        (CamtKind::Statement, "001.08") => {
            manifest_dir().join("../../../shared/iso20022/camt.053.001.08.xsd")
        }
        (CamtKind::Statement, "001.04") => {
            manifest_dir().join("tests/data/camt/camt.053.001.04.xsd")
        }
        (CamtKind::Notification, "001.04") => {
            manifest_dir().join("tests/data/camt/camt.054.001.04.xsd")
        }
        (CamtKind::Statement, _) => manifest_dir().join("tests/data/camt/camt.053.001.02.xsd"),
        (CamtKind::Notification, "001.02") => {
            manifest_dir().join("tests/data/camt/camt.054.001.02.xsd")
        }
        (CamtKind::Notification, _) => manifest_dir().join("tests/data/camt/camt.054.001.08.xsd"),
    };
    if path.exists() {
        return Some(path);
    }
    assert!(
        !oracles_required(),
        "REILU_REQUIRE_ORACLES=1 but {} is missing",
        path.display()
    );
    println!("skipped: {} not found", path.display());
    None
}

/// Runs `xmllint --noout --schema XSD -` on `xml`; the validator's report when it refuses.
fn xmllint(xsd: &Path, xml: &[u8]) -> Result<(), String> {
    let mut child = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(xsd)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(xml).unwrap();
    let output = child.wait_with_output().unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// The samples of `examples/payments/` and of `tests/data/camt/samples/`.
fn samples() -> Vec<PathBuf> {
    let folders = [
        manifest_dir().join("../../examples/payments"),
        manifest_dir().join("tests/data/camt/samples"),
    ];
    let mut files: Vec<PathBuf> = folders
        .iter()
        .flat_map(|folder| std::fs::read_dir(folder).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "xml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_sample_is_valid_against_its_schema() {
    if !xmllint_available() {
        return;
    }
    let mut versions = Vec::new();
    for sample in samples() {
        let xml = std::fs::read(&sample).unwrap();
        let header = validate_camt(xml.as_slice()).unwrap().header;
        versions.push((header.kind, header.version.clone()));
        let Some(xsd) = schema(header.kind, &header.version) else {
            continue;
        };
        if let Err(report) = xmllint(&xsd, &xml) {
            panic!(
                "{} is not valid against {}:\n{report}",
                sample.display(),
                xsd.display()
            );
        }
        println!("{} valid against {}", sample.display(), xsd.display());
    }
    for version in [
        (CamtKind::Statement, "001.02"),
        (CamtKind::Statement, "001.04"),
        (CamtKind::Statement, "001.06"),
        (CamtKind::Statement, "001.08"),
        (CamtKind::Notification, "001.02"),
        (CamtKind::Notification, "001.04"),
        (CamtKind::Notification, "001.06"),
        (CamtKind::Notification, "001.08"),
    ] {
        let found = versions
            .iter()
            .any(|(kind, v)| (*kind, v.as_str()) == version);
        assert!(found, "no sample for {version:?}");
    }
}

#[test]
fn the_schemas_refuse_a_broken_sample() {
    if !xmllint_available() {
        return;
    }
    let Some(xsd) = schema(CamtKind::Notification, "001.02") else {
        return;
    };
    let sample = samples()
        .into_iter()
        .find(|path| path.ends_with("camt054_001_02_credits.xml"))
        .unwrap();
    let xml = std::fs::read_to_string(sample).unwrap();
    // Sts is required in every Ntry; a reversal indicator must be a boolean.
    let without_status = xml.replacen("<Sts>BOOK</Sts>", "", 1);
    assert!(xmllint(&xsd, without_status.as_bytes()).is_err());
    let bad_indicator = xml.replacen("<RvslInd>true", "<RvslInd>yes", 1);
    assert!(xmllint(&xsd, bad_indicator.as_bytes()).is_err());
}

#[test]
fn synthetic_files_are_valid_camt_054_001_08() {
    if !xmllint_available() {
        return;
    }
    let Some(xsd) = schema(CamtKind::Notification, "001.08") else {
        return;
    };
    let mut xml = Vec::new();
    let entries = synthetic_entries("FI8940051020304050", 400);
    write_camt054(&mut xml, "SYNTH-XSD-1", entries).unwrap();
    if let Err(report) = xmllint(&xsd, &xml) {
        panic!("synthetic file is not valid:\n{report}");
    }
    assert_eq!(validate_camt(xml.as_slice()).unwrap().entries, 400);
}
