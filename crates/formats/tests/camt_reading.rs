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
