//! Generated camt.054 files read back as generated (`camt::synth` writes, `read_camt` reads),
//! no prefix of a file passes for a whole one, no input makes the reader panic, and a small
//! parse-rate measurement (the release figure for a million entries comes from
//! `cargo run --release -p reilu-formats --example camt_parse_bench`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

use chrono::NaiveDate;
use proptest::prelude::*;
use reilu_core::{Currency, Money};
use reilu_formats::camt::synth::{synthetic_entries, write_camt054};
use reilu_formats::camt::{BankEntry, Direction, EntryStatus, read_camt, validate_camt};

const ACCOUNTS: [&str; 3] = [
    "FI8940051020304050",
    "DE33700202700654321098",
    "NO3415031234567",
];

/// Text as banks send it: letters, digits, Nordic letters, XML's special characters; no
/// surrounding white space (the reader trims it).
fn text(max: usize) -> impl Strategy<Value = String> {
    let pattern = format!("[A-Za-z0-9äöåÄÖÅ&<>'\"/+.,:-][A-Za-z0-9 äöåÄÖÅ&<>'\"/+.,:-]{{0,{max}}}");
    proptest::string::string_regex(&pattern)
        .unwrap()
        .prop_map(|generated| generated.trim_end().to_owned())
}

fn date() -> impl Strategy<Value = Option<NaiveDate>> {
    proptest::option::of((2000_i32..2040, 1_u32..=12, 1_u32..=28)).prop_map(|parts| {
        parts.and_then(|(year, month, day)| NaiveDate::from_ymd_opt(year, month, day))
    })
}

fn money() -> impl Strategy<Value = Money> {
    let currency = prop::sample::select(vec!["EUR", "SEK", "NOK", "ISK", "DKK"])
        .prop_map(|code| Currency::parse(code).unwrap());
    (currency, 0_i64..=1_000_000_000_000)
        .prop_map(|(currency, minor)| Money::from_minor(minor, currency))
}

fn bank_entry() -> impl Strategy<Value = BankEntry> {
    let account = prop::sample::select(ACCOUNTS.to_vec());
    let status = prop::sample::select(vec![
        EntryStatus::Booked,
        EntryStatus::Pending,
        EntryStatus::Other,
    ]);
    let direction = prop::sample::select(vec![Direction::Credit, Direction::Debit]);
    let core = (
        account,
        text(34),
        money(),
        direction,
        any::<bool>(),
        status,
        date(),
        date(),
    );
    let remittance = (
        proptest::option::of(text(34)),
        prop::collection::vec(text(139), 0..4),
        proptest::option::of(text(34).prop_filter("a placeholder", |id| id != "NOTPROVIDED")),
        proptest::option::of("[A-Z]{2}[0-9]{2}"),
        proptest::option::of(text(139)),
        proptest::option::of(prop::sample::select(vec![
            "DE89370400440532013000",
            "NL91ABNA0417164300",
            "FI2112345600000785",
        ])),
    );
    (core, remittance).prop_map(|(core, remittance)| {
        let (account, reference, amount, direction, reversal, status, booking, value) = core;
        let (structured, unstructured, end_to_end, reason, debtor, debtor_iban) = remittance;
        BankEntry {
            account_iban: account.to_owned(),
            bank_reference: reference,
            amount,
            direction,
            reversal,
            status,
            booking_date: booking,
            value_date: value,
            structured_reference: structured,
            unstructured,
            end_to_end_id: end_to_end,
            return_reason: reason,
            debtor_name: debtor,
            debtor_iban: debtor_iban.map(str::to_owned),
        }
    })
}

fn written(entries: &[BankEntry]) -> Vec<u8> {
    let mut xml = Vec::new();
    write_camt054(&mut xml, "ROUND-TRIP-1", entries.iter().cloned()).unwrap();
    xml
}

fn credits_by_currency(entries: &[BankEntry]) -> Vec<(Currency, i64)> {
    let mut sums: Vec<(Currency, i64)> = Vec::new();
    for entry in entries
        .iter()
        .filter(|entry| entry.direction == Direction::Credit)
    {
        let currency = entry.amount.currency();
        match sums.iter_mut().find(|(known, _)| *known == currency) {
            Some((_, sum)) => *sum += entry.amount.amount_minor(),
            None => sums.push((currency, entry.amount.amount_minor())),
        }
    }
    sums
}

proptest! {
    // No regression files: a failing case is printed, and kept by hand if it matters.
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn what_is_written_is_what_is_read(entries in prop::collection::vec(bank_entry(), 0..40)) {
        let xml = written(&entries);
        let mut read = Vec::new();
        let summary = read_camt(xml.as_slice(), |entry| {
            read.push(entry);
            Ok::<(), ()>(())
        })
        .unwrap();
        prop_assert_eq!(&read, &entries);
        prop_assert_eq!(summary.entries, entries.len() as u64);
        prop_assert_eq!(summary.header.message_id, "ROUND-TRIP-1");
        prop_assert_eq!(summary.credits_minor_by_currency, credits_by_currency(&entries));
    }

    #[test]
    fn no_prefix_passes_for_a_whole_file(
        entries in prop::collection::vec(bank_entry(), 1..6),
        cut in 0.0_f64..1.0,
    ) {
        let xml = written(&entries);
        let end = xml.len() - "</Document>\n".len();
        let cut = (cut * end as f64) as usize;
        prop_assert!(validate_camt(&xml[..cut]).is_err());
    }

    #[test]
    fn damaged_files_never_panic(
        entries in prop::collection::vec(bank_entry(), 1..4),
        damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut xml = written(&entries);
        for (index, byte) in damage {
            let at = index.index(xml.len());
            xml[at] = byte;
        }
        let _ = validate_camt(xml.as_slice());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = validate_camt(bytes.as_slice());
    }
}

/// A file of thousands of entries is read whole: every entry counted and the credits summed
/// to the cent (speed is measured by `reilu bench payments`, not here).
#[test]
fn a_file_of_five_thousand_entries_is_read_whole() {
    let count = 5_000;
    let mut xml = Vec::new();
    write_camt054(
        &mut xml,
        "RATE-1",
        synthetic_entries("FI8940051020304050", count),
    )
    .unwrap();
    let summary = validate_camt(xml.as_slice()).unwrap();
    assert_eq!(summary.entries, count);
    // Every entry marked as a credit, as the summary sums them.
    let credits_minor: i64 = synthetic_entries("FI8940051020304050", count)
        .filter(|entry| entry.direction == Direction::Credit)
        .map(|entry| entry.amount.amount_minor())
        .sum();
    assert_eq!(
        summary.credits_minor_by_currency,
        vec![(Currency::EUR, credits_minor)]
    );
}
