//! How reading behaves around the entries: the caller's callback can stop it, a byte-order
//! mark and Windows line ends change nothing, and `Debug` output keeps the debtor's name out of
//! logs.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

#[path = "camt_support.rs"]
mod support;

use support::{SAMPLES, read_sample, sample_path};

use std::fs::File;
use std::io::BufReader;

use reilu_formats::camt::{CamtReadError, read_camt};

#[test]
fn the_callback_can_stop_the_read_with_its_own_error() {
    let file = BufReader::new(File::open(sample_path("camt054_001_02_credits.xml")).unwrap());
    let mut seen = 0;
    let result = read_camt(file, |_| {
        seen += 1;
        if seen == 2 {
            Err("ledger unavailable")
        } else {
            Ok(())
        }
    });
    assert!(matches!(
        result,
        Err(CamtReadError::Callback("ledger unavailable"))
    ));
    assert_eq!(seen, 2);
}

#[test]
fn debug_output_redacts_the_debtor_name() {
    let (_, entries) = read_sample("camt054_001_02_credits.xml");
    let shown = format!("{:?}", entries[0]);
    assert!(!shown.contains("Meikäläinen"), "{shown}");
    assert!(shown.contains("<redacted>") && shown.contains("RF1588412004"));
}

#[test]
fn a_byte_order_mark_and_windows_line_ends_change_nothing() {
    for name in SAMPLES {
        let text = std::fs::read_to_string(sample_path(name)).unwrap();
        let windows = format!("\u{feff}{}", text.replace('\n', "\r\n")).into_bytes();
        let mut entries = Vec::new();
        let summary = read_camt(windows.as_slice(), |entry| {
            entries.push(entry);
            Ok::<(), String>(())
        })
        .unwrap();
        assert_eq!((summary, entries), read_sample(name), "{name}");
    }
}

#[test]
fn the_payers_account_is_read_and_one_that_does_not_check_out_is_left_out() {
    let payer = |iban: &str| {
        support::entry(
            "12.00",
            &format!(
                "<RltdPties><Dbtr><Pty><Nm>Aino Payer</Nm></Pty></Dbtr>\
                 <DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>"
            ),
        )
    };
    for (iban, kept) in [
        ("FI49 5000 9420 0287 30", Some("FI4950009420028730")),
        // Check digits wrong: the money is still read, the refund then needs a payee.
        ("FI4950009420028731", None),
    ] {
        let xml = support::document(&payer(iban));
        let mut entries = Vec::new();
        read_camt(xml.as_bytes(), |entry| {
            entries.push(entry);
            Ok::<(), std::convert::Infallible>(())
        })
        .unwrap();
        assert_eq!(entries[0].debtor_iban.as_deref(), kept, "{iban}");
        assert_eq!(entries[0].debtor_name.as_deref(), Some("Aino Payer"));
        assert!(!format!("{:?}", entries[0]).contains("FI4950009420028730"));
        assert!(reilu_formats::camt::validate_camt(xml.as_bytes()).is_ok());
    }
}
