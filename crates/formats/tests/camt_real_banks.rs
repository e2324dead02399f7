//! What real banks send beside the textbook: entries without any bank reference (identified by
//! their statement, place and content), accounts named by `Othr/Id`, versions .001.04 and
//! .001.06, statement balances and the import limits on amounts.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

#[path = "camt_support.rs"]
mod support;

use std::path::PathBuf;

use reilu_formats::camt::{
    BankEntry, CamtError, CamtKind, CamtSummary, MAX_ENTRY_AMOUNT_MINOR, read_camt, validate_camt,
};
use support::{document, entry};

fn sample(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/camt/samples")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn read(xml: &str) -> (CamtSummary, Vec<BankEntry>) {
    let mut entries = Vec::new();
    let summary = read_camt(xml.as_bytes(), |entry| {
        entries.push(entry);
        Ok::<(), String>(())
    })
    .unwrap();
    (summary, entries)
}

#[test]
fn entries_without_a_bank_reference_get_a_stable_identity_of_their_own() {
    let xml = sample("camt053_001_04_no_bank_refs.xml");
    let (summary, entries) = read(&xml);
    assert_eq!(summary.header.kind, CamtKind::Statement);
    assert_eq!(summary.header.version, "001.04");
    let references: Vec<&str> = entries.iter().map(|e| e.bank_reference.as_str()).collect();
    assert_eq!(references.len(), 3);
    for (place, reference) in references.iter().enumerate() {
        assert!(
            reference.starts_with(&format!("NOREF:0117-2024-02-02:117:{}:", place + 1)),
            "{reference}"
        );
    }
    // Read again: the same identities, so the file is recorded once.
    let (_, again) = read(&xml);
    assert_eq!(
        again.iter().map(|e| &e.bank_reference).collect::<Vec<_>>(),
        entries
            .iter()
            .map(|e| &e.bank_reference)
            .collect::<Vec<_>>()
    );
    // Another entry at the same place of a statement with the same id is another payment.
    let changed = xml.replacen(
        "<Amt Ccy=\"EUR\">25.50</Amt>",
        "<Amt Ccy=\"EUR\">25.60</Amt>",
        2,
    );
    let (_, changed) = read(&changed);
    assert_ne!(changed[1].bank_reference, entries[1].bank_reference);
    assert_eq!(changed[0].bank_reference, entries[0].bank_reference);
    // A batch without references numbers its transactions.
    let batch = document(&entry(
        "3.00",
        "<Amt Ccy=\"EUR\">1.00</Amt></TxDtls><TxDtls><Amt Ccy=\"EUR\">2.00</Amt>",
    ))
    .replace("<AcctSvcrRef>REF-1</AcctSvcrRef>", "");
    let (_, batch) = read(&batch);
    assert!(batch[0].bank_reference.starts_with("NOREF:N1:-:1.1:"));
    assert!(batch[1].bank_reference.starts_with("NOREF:N1:-:1.2:"));
}

#[test]
fn an_account_named_by_othr_id_is_read() {
    for name in [
        "camt054_001_04_other_account.xml",
        "camt054_001_06_other_account.xml",
    ] {
        let (summary, entries) = read(&sample(name));
        assert_eq!(summary.header.kind, CamtKind::Notification);
        assert!(
            entries.iter().all(|e| e.account_iban == "5023 1188 04"),
            "{name}"
        );
        assert_eq!(summary.reports[0].account, "5023 1188 04");
        assert_eq!(summary.reports[0].sequence.as_deref(), Some("42"));
    }
    // An IBAN written as Othr/Id is taken as the IBAN.
    let xml = sample("camt054_001_04_other_account.xml")
        .replace("5023 1188 04", "nl91 abna 0417 1643 00");
    let (_, entries) = read(&xml);
    assert_eq!(entries[0].account_iban, "NL91ABNA0417164300");
    let long = sample("camt054_001_04_other_account.xml").replace("5023 1188 04", &"9".repeat(35));
    assert!(matches!(
        validate_camt(long.as_bytes()),
        Err(CamtError::BadOtherAccount { .. })
    ));
}

#[test]
fn versions_04_and_06_read_like_the_others() {
    for name in [
        "camt053_001_04_no_bank_refs.xml",
        "camt053_001_06_no_bank_refs.xml",
    ] {
        let (summary, entries) = read(&sample(name));
        assert_eq!(entries.len(), 3, "{name}");
        assert_eq!(
            entries[0].unstructured,
            vec!["Betaling factuur RF18539007547034".to_owned()]
        );
        assert_eq!(entries[0].debtor_name.as_deref(), Some("J. de Vries"));
        assert_eq!(entries[0].end_to_end_id, None);
        assert_eq!(entries[2].amount.amount_minor(), 1_000);
        assert_eq!(summary.credits_minor_by_currency[0].1, 12_550);
        assert_eq!(summary.debits_minor_by_currency[0].1, 1_000);
    }
    assert_eq!(
        read(&sample("camt053_001_06_no_bank_refs.xml"))
            .0
            .header
            .version,
        "001.06"
    );
}

#[test]
fn statement_balances_are_read_and_checked() {
    let (summary, _) = read(&sample("camt053_001_04_no_bank_refs.xml"));
    let report = &summary.reports[0];
    assert_eq!(report.id, "0117-2024-02-02");
    assert_eq!(report.account, "NL91ABNA0417164300");
    let check = report.balance_check().unwrap();
    assert_eq!(
        (
            check.opening_minor,
            check.credits_minor,
            check.debits_minor,
            check.closing_minor
        ),
        (100_000, 12_550, 1_000, 111_550)
    );
    assert_eq!(check.difference_minor, 0);
    assert_eq!(
        check.closing_date.map(|d| d.to_string()).as_deref(),
        Some("2024-02-02")
    );
    // A closing balance that does not follow from the entries is told by how much.
    let off = sample("camt053_001_04_no_bank_refs.xml").replace("1115.50", "1115.00");
    let (summary, _) = read(&off);
    assert_eq!(
        summary.reports[0].balance_check().unwrap().difference_minor,
        -50
    );
    // An overdraft is a debit balance.
    let overdrawn = sample("camt053_001_04_no_bank_refs.xml").replacen(
        "<Amt Ccy=\"EUR\">1000.00</Amt>\n        <CdtDbtInd>CRDT",
        "<Amt Ccy=\"EUR\">1000.00</Amt>\n        <CdtDbtInd>DBIT",
        1,
    );
    let (summary, _) = read(&overdrawn);
    assert_eq!(
        summary.reports[0].balance_check().unwrap().opening_minor,
        -100_000
    );
    // A notification states no balances.
    let (summary, _) = read(&sample("camt054_001_04_other_account.xml"));
    assert_eq!(summary.reports[0].balance_check(), None);
}

#[test]
fn amounts_above_the_import_limits_refuse_the_file() {
    // 10^13 EUR in one entry: above the limit for one entry.
    let huge = document(&entry("10000000000000.00", ""));
    assert!(matches!(
        validate_camt(huge.as_bytes()),
        Err(CamtError::EntryOverLimit { .. })
    ));
    let at_limit = format!(
        "{}.{:02}",
        MAX_ENTRY_AMOUNT_MINOR / 100,
        MAX_ENTRY_AMOUNT_MINOR % 100
    );
    assert!(validate_camt(document(&entry(&at_limit, "")).as_bytes()).is_ok());
    // 101 entries at the entry limit: above the limit for one file's credits.
    let many: String = (0..101)
        .map(|index| entry(&at_limit, "").replace("REF-1", &format!("REF-{index}")))
        .collect();
    let error = validate_camt(document(&many).as_bytes()).unwrap_err();
    assert!(
        matches!(
            error,
            CamtError::FileOverLimit {
                direction: "credits",
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("refused as a whole"));
}
