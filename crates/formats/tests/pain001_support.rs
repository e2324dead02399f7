//! Shared helpers of the pain.001 tests: sample input, the xmllint oracle and an XML reader.
//!
//! Included by the other `pain001_*` tests with `#[path = "pain001_support.rs"] mod support;`;
//! built alone it is an empty test crate. Not every test uses every helper.

#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{NaiveDate, TimeZone, Utc};
use reilu_core::money::{Currency, Money};
use reilu_formats::pain001::{CreditTransfer, CreditTransferFile, PaymentBatch};

/// Example IBANs from the SWIFT IBAN registry (valid check digits).
pub const FI_IBAN: &str = "FI2112345600000785";
pub const DE_IBAN: &str = "DE89370400440532013000";
pub const FR_IBAN: &str = "FR1420041010050500013M02606";
pub const AT_IBAN: &str = "AT611904300234573201";
pub const SE_IBAN: &str = "SE4550000000058398257466";
pub const NO_IBAN: &str = "NO9386011117947";
pub const DK_IBAN: &str = "DK5000400440116243";
pub const GB_IBAN: &str = "GB29NWBK60161331926819";
pub const IS_IBAN: &str = "IS140159260076545510730339";

pub fn currency(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

pub fn money(minor: i64, code: &str) -> Money {
    Money::from_minor(minor, currency(code))
}

pub fn transfer(end_to_end_id: &str, amount: Money, creditor_iban: &str) -> CreditTransfer {
    CreditTransfer {
        end_to_end_id: end_to_end_id.to_owned(),
        amount,
        creditor_name: "Creditor Oy".to_owned(),
        creditor_iban: creditor_iban.to_owned(),
        creditor_bic: None,
        remittance_information: format!("Remittance {end_to_end_id}"),
    }
}

pub fn batch(
    payment_information_id: &str,
    debtor_iban: &str,
    transfers: Vec<CreditTransfer>,
) -> PaymentBatch {
    PaymentBatch {
        payment_information_id: payment_information_id.to_owned(),
        debtor_name: "Reilu Client Funds".to_owned(),
        debtor_iban: debtor_iban.to_owned(),
        debtor_bic: Some("NDEAFIHH".to_owned()),
        requested_execution_date: NaiveDate::from_ymd_opt(2025, 3, 3).unwrap(),
        transfers,
    }
}

pub fn file(batches: Vec<PaymentBatch>) -> CreditTransferFile {
    CreditTransferFile {
        message_id: "REILU-MSG-0001".to_owned(),
        created_at: Utc.with_ymd_and_hms(2025, 3, 1, 8, 30, 15).unwrap(),
        initiating_party: "Reilu Oy".to_owned(),
        batches,
    }
}

/// One euro batch of one transfer of 12.34 EUR.
pub fn simple_eur_file() -> CreditTransferFile {
    file(vec![batch(
        "PMT-1",
        FI_IBAN,
        vec![transfer("E2E-1", money(1234, "EUR"), DE_IBAN)],
    )])
}

/// `shared/iso20022/`, beside the repository: the EPC's restriction of pain.001.001.09.
pub fn epc_xsd() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/iso20022/pain.001.001.09.EPC132-08-2023-SCT.xsd")
}

/// The generic ISO 20022 schema committed with the tests (see `tests/data/pain001/README.md`).
pub fn generic_xsd() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pain001/pain.001.001.09.xsd")
}

fn oracles_required() -> bool {
    std::env::var("REILU_REQUIRE_ORACLES").as_deref() == Ok("1")
}

/// Whether xmllint and the schema are there. Without them the test prints "skipped: …" and
/// passes, unless REILU_REQUIRE_ORACLES=1, when it fails.
pub fn oracle_ready(xsd: &Path) -> bool {
    let installed = Command::new("xmllint").arg("--version").output().is_ok();
    let missing = if !installed {
        Some("xmllint not installed".to_owned())
    } else if !xsd.is_file() {
        Some(format!("schema {} not found", xsd.display()))
    } else {
        None
    };
    match missing {
        None => true,
        Some(why) if oracles_required() => {
            panic!("REILU_REQUIRE_ORACLES=1 but {why} (apt-get install libxml2-utils)")
        }
        Some(why) => {
            println!("skipped: {why}");
            false
        }
    }
}

static FILE_NUMBER: AtomicUsize = AtomicUsize::new(0);

/// Runs `xmllint --noout --schema XSD FILE` on the document; `Err` holds xmllint's report.
/// Call only after `oracle_ready` said yes.
pub fn xmllint(xml: &str, xsd: &Path, name: &str) -> Result<(), String> {
    let number = FILE_NUMBER.fetch_add(1, Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pain001");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}-{}-{number}.xml", std::process::id()));
    std::fs::write(&path, xml).unwrap();
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg(&path)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() && report.contains("validates") {
        std::fs::remove_file(&path).unwrap();
        Ok(())
    } else {
        Err(format!("{} (kept at {})", report, path.display()))
    }
}

/// Asserts that the document validates against the schema, when the oracle is there.
pub fn assert_valid(xml: &str, xsd: &Path, name: &str) {
    if oracle_ready(xsd)
        && let Err(report) = xmllint(xml, xsd, name)
    {
        panic!(
            "{name} does not validate against {}:\n{report}",
            xsd.display()
        );
    }
}

/// Every element with text, as (path from the root with '/', decoded text), in document order.
pub fn texts(xml: &str) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut found = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(start) => {
                path.push(String::from_utf8(start.name().as_ref().to_vec()).unwrap());
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap();
                let resolved = quick_xml::escape::resolve_predefined_entity(&name).unwrap();
                text.push_str(resolved);
            }
            Event::End(_) => {
                if !text.is_empty() {
                    found.push((path.join("/"), std::mem::take(&mut text)));
                }
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    found
}

/// The texts of the elements whose path ends with `suffix`, e.g. `PmtInf/CtrlSum`.
pub fn values(xml: &str, suffix: &str) -> Vec<String> {
    let suffix = format!("/{suffix}");
    texts(xml)
        .into_iter()
        .filter(|(path, _)| path.ends_with(&suffix))
        .map(|(_, text)| text)
        .collect()
}

/// The `Ccy` attributes of the `InstdAmt` elements, in order.
pub fn instructed_currencies(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut found = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(start) if start.name().as_ref() == b"InstdAmt" => {
                let ccy = start.try_get_attribute("Ccy").unwrap().unwrap();
                found.push(ccy.unescape_value().unwrap().into_owned());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    found
}
