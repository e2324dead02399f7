//! The sample files in `examples/payments/` read exactly as written: amounts, references,
//! directions, reversal, return reasons, dates and the bank-reference rule.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

#[path = "camt_support.rs"]
mod support;

use support::{SAMPLES, read_sample, sample_path};

use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;

use chrono::NaiveDate;
use reilu_core::{Currency, Money};
use reilu_formats::camt::{BankEntry, CamtKind, Direction, EntryStatus, validate_camt};
use reilu_formats::reference::{fi_reference_parse, no_kid_parse, rf_parse};

fn money(minor: i64, code: &str) -> Money {
    Money::from_minor(minor, Currency::parse(code).unwrap())
}

fn day(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// A booked euro credit on the Finnish sample account; tests override what differs.
fn fi_credit(reference: &str, minor: i64) -> BankEntry {
    BankEntry {
        account_iban: "FI8940051020304050".into(),
        bank_reference: reference.into(),
        amount: money(minor, "EUR"),
        direction: Direction::Credit,
        reversal: false,
        status: EntryStatus::Booked,
        booking_date: day(2024, 1, 17),
        value_date: day(2024, 1, 17),
        structured_reference: None,
        unstructured: Vec::new(),
        end_to_end_id: None,
        return_reason: None,
        debtor_name: None,
        debtor_iban: None,
    }
}

#[test]
fn camt054_001_02_single_payments() {
    let (summary, entries) = read_sample("camt054_001_02_credits.xml");
    assert_eq!(summary.header.kind, CamtKind::Notification);
    assert_eq!(summary.header.version, "001.02");
    assert_eq!(summary.header.message_id, "NTF-20240117-0001");
    assert_eq!(summary.entries, 8);
    assert_eq!(
        summary.credits_minor_by_currency,
        vec![(Currency::EUR, 101_490)]
    );

    let rf = BankEntry {
        structured_reference: Some("RF1588412004".into()),
        end_to_end_id: Some("INV-2024-0042".into()),
        debtor_name: Some("Matti Meikäläinen".into()),
        // RltdPties/DbtrAcct/Id/IBAN: whom a refund goes to.
        debtor_iban: Some("FI3079600312345676".into()),
        ..fi_credit("20240117AKT00001", 25_000)
    };
    assert_eq!(entries[0], rf);
    let viitenumero = BankEntry {
        value_date: day(2024, 1, 16),
        structured_reference: Some("88412005".into()),
        debtor_name: Some("Liisa Virtanen".into()),
        debtor_iban: None,
        // EndToEndId NOTPROVIDED is no id.
        ..fi_credit("20240117AKT00002", 8_990)
    };
    assert_eq!(entries[1], viitenumero);
    let text_only = BankEntry {
        unstructured: vec!["Maksu perintaasiaan viite 77001294 & kiitos".into()],
        debtor_name: Some("Juha Korhonen".into()),
        debtor_iban: None,
        ..fi_credit("20240117AKT00003", 4_000)
    };
    assert_eq!(entries[2], text_only);
}

#[test]
fn camt054_001_02_batch_reversal_and_return() {
    let (_, entries) = read_sample("camt054_001_02_credits.xml");

    // The batch: one entry, three payments, told apart by position.
    let batch: Vec<(&str, i64, Option<&str>)> = entries[3..6]
        .iter()
        .map(|e| {
            let reference = e.structured_reference.as_deref();
            (
                e.bank_reference.as_str(),
                e.amount.amount_minor(),
                reference,
            )
        })
        .collect();
    assert_eq!(
        batch,
        vec![
            ("20240117AKT00004/1", 10_000, Some("12345614")),
            ("20240117AKT00004/2", 20_000, Some("RF0420240117")),
            ("20240117AKT00004/3", 30_000, None),
        ]
    );
    assert_eq!(
        entries[5].unstructured,
        [
            "Palkasta pidatetty, ulosotto 2024/01",
            "viite RF12CASE88412"
        ]
    );
    assert_eq!(entries[4].end_to_end_id.as_deref(), Some("PAYROLL-7781-02"));

    let reversal = BankEntry {
        direction: Direction::Debit,
        reversal: true,
        value_date: day(2024, 1, 16),
        structured_reference: Some("88412005".into()),
        ..fi_credit("20240117AKT00005", 8_990)
    };
    assert_eq!(entries[6], reversal);
    let returned = BankEntry {
        end_to_end_id: Some("REILU-REFUND-0007".into()),
        return_reason: Some("AC04".into()),
        // The transaction's own AcctSvcrRef wins over the entry's.
        ..fi_credit("RTN-20240117-0077", 3_500)
    };
    assert_eq!(entries[7], returned);
}

#[test]
fn camt053_001_08_statement() {
    let (summary, entries) = read_sample("camt053_001_08_statement.xml");
    assert_eq!(summary.header.kind, CamtKind::Statement);
    assert_eq!(summary.header.version, "001.08");
    assert_eq!(summary.header.message_id, "STMT-DE-20240131-01");
    assert_eq!(
        summary.credits_minor_by_currency,
        vec![(Currency::EUR, 165_000)]
    );
    let base = BankEntry {
        account_iban: "DE33700202700654321098".into(),
        booking_date: day(2024, 1, 31),
        value_date: day(2024, 1, 31),
        ..fi_credit("", 0)
    };
    let expected = vec![
        BankEntry {
            bank_reference: "2024013100123456".into(),
            amount: money(120_000, "EUR"),
            structured_reference: Some("RF0420240117".into()),
            end_to_end_id: Some("RE-2024-000317".into()),
            debtor_name: Some("Erika Mustermann".into()),
            debtor_iban: Some("DE62370400440532013001".into()),
            ..base.clone()
        },
        BankEntry {
            bank_reference: "2024013100123457".into(),
            amount: money(1_250, "EUR"),
            direction: Direction::Debit,
            ..base.clone()
        },
        BankEntry {
            bank_reference: "2024013100123458-01".into(),
            amount: money(15_000, "EUR"),
            unstructured: vec!["Rate 3 Aktenzeichen RF12CASE88412".into()],
            debtor_name: Some("Max Mustermann".into()),
            debtor_iban: None,
            ..base.clone()
        },
        // Its TxDtls/Refs/AcctSvcrRef repeats the entry's: the position tells it apart.
        BankEntry {
            bank_reference: "2024013100123458/2".into(),
            amount: money(30_000, "EUR"),
            structured_reference: Some("RF1588412004".into()),
            end_to_end_id: Some("SAMMLER-2024-01-B".into()),
            debtor_name: Some("Jonas Schmidt".into()),
            debtor_iban: None,
            ..base
        },
    ];
    assert_eq!(entries, expected);
}

#[test]
fn camt053_001_02_statement_with_namespace_prefixes() {
    let (summary, entries) = read_sample("camt053_001_02_statement.xml");
    assert_eq!(summary.header.kind, CamtKind::Statement);
    assert_eq!(summary.header.version, "001.02");
    assert_eq!(summary.entries, 3);
    assert_eq!(
        summary.credits_minor_by_currency,
        vec![(Currency::EUR, 7_835)]
    );
    let references: Vec<&str> = entries.iter().map(|e| e.bank_reference.as_str()).collect();
    // The interest entry has neither TxDtls nor AcctSvcrRef: its NtryRef is the reference.
    assert_eq!(
        references,
        ["NL-20240201-000117", "20240201-INT", "NL-20240201-000118"]
    );
    assert_eq!(entries[0].booking_date, day(2024, 2, 1)); // from BookgDt/DtTm
    assert_eq!(
        entries[0].unstructured,
        ["Betaling dossier RF12CASE88412 termijn 2"]
    );
    assert_eq!(entries[0].debtor_name.as_deref(), Some("J. Jansen"));
    assert_eq!(entries[1].amount, money(310, "EUR"));
    assert_eq!(entries[2].direction, Direction::Debit);
    assert_eq!(
        entries[2].end_to_end_id.as_deref(),
        Some("REILU-REFUND-0011")
    );
    assert_eq!(entries[2].debtor_name, None); // a creditor is not a debtor
}

/// Reference, amount in minor units, status, booking date and value date of one entry.
type Row<'a> = (
    &'a str,
    i64,
    EntryStatus,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

#[test]
fn camt054_001_08_notification_in_nok() {
    let (summary, entries) = read_sample("camt054_001_08_notification.xml");
    assert_eq!(summary.header.version, "001.08");
    assert_eq!(summary.header.message_id, "NO-NTF-20240305-0042");
    let nok = Currency::parse("NOK").unwrap();
    assert_eq!(summary.credits_minor_by_currency, vec![(nok, 515_050)]);
    let rows: Vec<Row<'_>> = entries
        .iter()
        .map(|e| {
            let minor = e.amount.amount_minor();
            (
                e.bank_reference.as_str(),
                minor,
                e.status,
                e.booking_date,
                e.value_date,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "NO240305-000981",
                150_000,
                EntryStatus::Booked,
                day(2024, 3, 5),
                day(2024, 3, 5)
            ),
            (
                "NO240305-000982",
                240_000,
                EntryStatus::Pending,
                None,
                day(2024, 3, 6)
            ),
            (
                "NO240305-000983-A",
                50_050,
                EntryStatus::Booked,
                day(2024, 3, 5),
                day(2024, 3, 5)
            ),
            (
                "NO240305-000983-B",
                25_000,
                EntryStatus::Booked,
                day(2024, 3, 5),
                day(2024, 3, 5)
            ),
            (
                "NO240305-000984",
                50_000,
                EntryStatus::Booked,
                day(2024, 3, 5),
                day(2024, 3, 5)
            ),
            (
                "NO240305-000985",
                1_000,
                EntryStatus::Other,
                None,
                day(2024, 3, 7)
            ),
        ]
    );
}

#[test]
fn camt054_001_08_references_and_returns() {
    let (_, entries) = read_sample("camt054_001_08_notification.xml");
    let nok = Currency::parse("NOK").unwrap();
    assert!(entries.iter().all(|e| e.amount.currency() == nok));
    assert_eq!(
        entries[0].structured_reference.as_deref(),
        Some("884120072")
    );
    assert_eq!(entries[0].debtor_name.as_deref(), Some("Kari Nordmann"));
    assert_eq!(entries[1].unstructured, ["Avdrag sak 884120072 mars"]);
    assert_eq!(entries[4].return_reason.as_deref(), Some("AC01"));
    assert_eq!(
        entries[4].end_to_end_id.as_deref(),
        Some("REILU-REFUND-0019")
    );
    assert_eq!(entries[5].direction, Direction::Debit);
}

#[test]
fn the_validation_pass_sees_what_the_reading_pass_sees() {
    for name in SAMPLES {
        let (summary, _) = read_sample(name);
        let file = BufReader::new(File::open(sample_path(name)).unwrap());
        assert_eq!(validate_camt(file).unwrap(), summary, "{name}");
    }
}

#[test]
fn bank_references_are_unique_per_account_across_the_samples() {
    let mut keys = HashSet::new();
    for name in SAMPLES {
        for entry in read_sample(name).1 {
            let key = (entry.account_iban.clone(), entry.bank_reference.clone());
            assert!(
                keys.insert(key),
                "{name}: duplicate key {}",
                entry.bank_reference
            );
        }
    }
}

/// The samples carry real-world references: their check digits hold.
#[test]
fn sample_references_have_valid_check_digits() {
    for reference in ["RF1588412004", "RF0420240117", "RF12CASE88412"] {
        rf_parse(reference).unwrap();
    }
    for reference in ["88412005", "77001294", "12345614"] {
        fi_reference_parse(reference).unwrap();
    }
    no_kid_parse("884120072").unwrap();
}
