//! Helpers shared by the camt test files (included with `#[path]`, so each file uses what it
//! needs; the rest is allowed to go unused).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use reilu_formats::camt::{BankEntry, CamtError, CamtSummary, read_camt, validate_camt};

pub const NS_054_08: &str = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08";

/// The sample files in `examples/payments/`.
pub const SAMPLES: [&str; 4] = [
    "camt054_001_02_credits.xml",
    "camt053_001_08_statement.xml",
    "camt053_001_02_statement.xml",
    "camt054_001_08_notification.xml",
];

pub fn sample_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/payments")
        .join(name)
}

pub fn read_sample(name: &str) -> (CamtSummary, Vec<BankEntry>) {
    let file = BufReader::new(File::open(sample_path(name)).unwrap());
    let mut entries = Vec::new();
    let summary = read_camt(file, |entry| {
        entries.push(entry);
        Ok::<(), String>(())
    })
    .unwrap();
    (summary, entries)
}

/// A camt.054.001.08 document around `entries` (the inside of one `Ntfctn` after `Acct`).
pub fn document(entries: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"{NS_054_08}\">\n\
         <BkToCstmrDbtCdtNtfctn>\n\
         <GrpHdr><MsgId>HOSTILE-1</MsgId><CreDtTm>2024-01-01T00:00:00</CreDtTm></GrpHdr>\n\
         <Ntfctn><Id>N1</Id><Acct><Id><IBAN>FI8940051020304050</IBAN></Id></Acct>\n\
         {entries}\n\
         </Ntfctn>\n\
         </BkToCstmrDbtCdtNtfctn>\n\
         </Document>\n"
    )
}

/// One valid entry, with `amount` and `tx` (the inside of its single `TxDtls`).
pub fn entry(amount: &str, tx: &str) -> String {
    format!(
        "<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
         <Sts><Cd>BOOK</Cd></Sts><AcctSvcrRef>REF-1</AcctSvcrRef>\
         <BkTxCd/><NtryDtls><TxDtls>{tx}</TxDtls></NtryDtls></Ntry>"
    )
}

/// Why the validation pass refuses `xml`; the reading pass (which builds the entries the
/// validation pass only checks) must refuse it with the same error, or the import could
/// commit part of a file its validation passed.
pub fn error_of(xml: &[u8]) -> CamtError {
    let validated = validate_camt(xml).expect_err("the input must be refused");
    let read = reilu_formats::camt::read_camt(xml, |_| Ok::<(), std::convert::Infallible>(()))
        .expect_err("the reading pass must refuse what the validation pass refuses");
    assert_eq!(read.to_string(), validated.to_string());
    validated
}

pub fn message_of(xml: &str) -> String {
    error_of(xml.as_bytes()).to_string()
}
