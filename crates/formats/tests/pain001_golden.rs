//! The exact bytes of small files (golden files), and that the output depends on the input only.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

#[path = "pain001_support.rs"]
mod support;

use std::path::Path;

use chrono::NaiveDate;
use reilu_formats::pain001::{CreditTransfer, CreditTransferFile, write_pain001};
use support::*;

/// Two euro transfers: one with the creditor's BIC, one with neither BIC nor remittance
/// information and a name to transliterate; the debtor's agent known by BIC.
fn golden_eur_input() -> CreditTransferFile {
    let mut first = transfer("REILU-2025-0001", money(12_345, "EUR"), DE_IBAN);
    first.creditor_name = "Müller & Söhne GmbH".to_owned();
    first.creditor_bic = Some("DEUTDEFF".to_owned());
    first.remittance_information = "Case 2024/117, invoice 'A-17'".to_owned();
    let second = CreditTransfer {
        creditor_name: "Åsa Öberg".to_owned(),
        creditor_iban: "fr14 2004 1010 0505 0001 3m02 606".to_owned(),
        remittance_information: String::new(),
        ..transfer("REILU-2025-0002", money(5, "EUR"), FR_IBAN)
    };
    file(vec![batch("REILU-PMT-EUR-1", FI_IBAN, vec![first, second])])
}

/// A SEK batch without the debtor agent's BIC and an ISK batch (no decimals): the group's
/// control sum adds both, irrespective of currency.
fn golden_other_input() -> CreditTransferFile {
    let mut sek = batch(
        "REILU-PMT-SEK-1",
        SE_IBAN,
        vec![transfer("REILU-2025-0101", money(250_000, "SEK"), SE_IBAN)],
    );
    sek.debtor_bic = None;
    let mut isk = batch(
        "REILU-PMT-ISK-1",
        IS_IBAN,
        vec![
            transfer("REILU-2025-0201", money(1_500, "ISK"), IS_IBAN),
            transfer("REILU-2025-0202", money(20, "ISK"), IS_IBAN),
        ],
    );
    isk.requested_execution_date = NaiveDate::from_ymd_opt(2025, 3, 4).unwrap();
    file(vec![sek, isk])
}

fn golden_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pain001")
        .join(name)
}

/// Compares with the committed file; on a difference, writes the actual output beside the test
/// build's temporary files so that it can be read and, if right, copied over.
fn assert_golden(actual: &str, name: &str) {
    let expected = std::fs::read_to_string(golden_path(name)).unwrap_or_default();
    if actual != expected {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pain001");
        std::fs::create_dir_all(&dir).unwrap();
        let written = dir.join(name);
        std::fs::write(&written, actual).unwrap();
        panic!(
            "output differs from tests/data/pain001/{name}; actual output: {}",
            written.display()
        );
    }
}

#[test]
fn a_small_euro_file_is_written_exactly() {
    let xml = write_pain001(&golden_eur_input()).unwrap();
    assert_golden(&xml, "golden_eur.xml");
    assert_valid(&xml, &epc_xsd(), "golden_eur");
}

#[test]
fn a_small_non_euro_file_is_written_exactly() {
    let xml = write_pain001(&golden_other_input()).unwrap();
    assert_golden(&xml, "golden_other.xml");
    assert_valid(&xml, &generic_xsd(), "golden_other");
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    for input in [golden_eur_input(), golden_other_input()] {
        let first = write_pain001(&input).unwrap();
        for _ in 0..20 {
            assert_eq!(write_pain001(&input.clone()).unwrap(), first);
        }
    }
}

#[test]
fn the_output_follows_the_input_order() {
    let mut input = golden_eur_input();
    input.batches[0].transfers.reverse();
    let xml = write_pain001(&input).unwrap();
    assert_eq!(
        values(&xml, "EndToEndId"),
        ["REILU-2025-0002", "REILU-2025-0001"]
    );
}
