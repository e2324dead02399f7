//! Every file written here is validated with xmllint: euro files against the EPC's SCT schema
//! (`shared/iso20022/`), other files against the generic ISO 20022 pain.001.001.09 schema
//! (`tests/data/pain001/`). Without xmllint the tests print "skipped: xmllint not installed"
//! and pass, unless REILU_REQUIRE_ORACLES=1. Install it with `apt-get install libxml2-utils`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

#[path = "pain001_support.rs"]
mod support;

use chrono::NaiveDate;
use reilu_formats::pain001::{CreditTransfer, PaymentBatch, write_pain001};
use support::*;

/// The 74 characters of the Latin set, in an order that breaks none of the identifier rules.
const LATIN_SET: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ";

/// A deterministic spread of amounts, creditors and optional fields over many batches.
fn many_transfers(
    code: &str,
    ibans: &[&str],
    batches: usize,
    per_batch: usize,
) -> Vec<PaymentBatch> {
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..batches)
        .map(|b| {
            let transfers = (0..per_batch)
                .map(|t| {
                    let minor = i64::try_from(next() % 5_000_000).unwrap() + 1;
                    let iban = ibans[t % ibans.len()];
                    let mut transfer =
                        transfer(&format!("E2E-{code}-{b}-{t}"), money(minor, code), iban);
                    if t % 3 == 0 {
                        transfer.creditor_bic = Some("DEUTDEFF500".to_owned());
                    }
                    if t % 4 == 0 {
                        transfer.remittance_information.clear();
                    }
                    transfer
                })
                .collect();
            let mut batch = batch(
                &format!("PMT-{code}-{b}"),
                ibans[b % ibans.len()],
                transfers,
            );
            if b % 2 == 1 {
                batch.debtor_bic = None;
            }
            batch.requested_execution_date =
                NaiveDate::from_ymd_opt(2025, 3, 3 + u32::try_from(b).unwrap()).unwrap();
            batch
        })
        .collect()
}

#[test]
fn a_simple_euro_file_validates_against_the_epc_schema() {
    let xml = write_pain001(&simple_eur_file()).unwrap();
    assert_valid(&xml, &epc_xsd(), "simple-eur");
}

#[test]
fn many_euro_batches_validate_against_the_epc_schema() {
    let batches = many_transfers("EUR", &[FI_IBAN, DE_IBAN, FR_IBAN, AT_IBAN], 5, 200);
    let xml = write_pain001(&file(batches)).unwrap();
    assert_eq!(values(&xml, "GrpHdr/NbOfTxs"), ["1000"]);
    assert_eq!(values(&xml, "ChrgBr").len(), 5);
    assert_eq!(values(&xml, "Othr/Id"), ["NOTPROVIDED", "NOTPROVIDED"]);
    assert_valid(&xml, &epc_xsd(), "many-eur");
}

#[test]
fn limits_of_every_field_validate_against_the_epc_schema() {
    let id35 = "A/B-C?D:E(F)G.H,I'J+K L0123456789xy";
    assert_eq!(id35.len(), 35);
    let name70 = LATIN_SET.chars().take(70).collect::<String>();
    let remittance140 = format!("{LATIN_SET}{LATIN_SET}")
        .chars()
        .take(140)
        .collect();
    let largest = CreditTransfer {
        creditor_name: name70.clone(),
        remittance_information: remittance140,
        creditor_bic: Some("NDEAFIHHXXX".to_owned()),
        ..transfer(id35, money(99_999_999_999, "EUR"), DE_IBAN)
    };
    let smallest = transfer("E2E-SMALLEST", money(1, "EUR"), FI_IBAN);
    let mut input = file(vec![batch(id35, FI_IBAN, vec![largest, smallest])]);
    input.message_id = id35.to_owned();
    input.initiating_party = name70.clone();
    input.batches[0].debtor_name = name70;
    let xml = write_pain001(&input).unwrap();
    assert_eq!(values(&xml, "InstdAmt"), ["999999999.99", "0.01"]);
    assert_eq!(values(&xml, "PmtInf/CtrlSum"), ["1000000000.00"]);
    assert_valid(&xml, &epc_xsd(), "limits-eur");
}

#[test]
fn transliterated_text_validates_against_the_epc_schema() {
    let mut odd = transfer("E2E-ODD", money(100, "EUR"), AT_IBAN);
    odd.creditor_name = "Jürgen O’Neill & Søn <Ltd> \"Ærø\"".to_owned();
    odd.remittance_information = "Łódź – Ștefan\u{a0}— [x]{y}_z\\w".to_owned();
    let mut input = file(vec![batch("PMT-ODD", FI_IBAN, vec![odd])]);
    input.batches[0].debtor_name = "Åbo Ärende Öy".to_owned();
    let xml = write_pain001(&input).unwrap();
    assert_eq!(
        values(&xml, "Cdtr/Nm"),
        ["Jurgen O'Neill + Son (Ltd) 'AEro'"]
    );
    assert_eq!(values(&xml, "Ustrd"), ["Lodz - Stefan - (x)(y)-z/w"]);
    assert_valid(&xml, &epc_xsd(), "transliterated-eur");
}

#[test]
fn euro_files_carry_the_sepa_markers_and_others_do_not() {
    let eur = write_pain001(&simple_eur_file()).unwrap();
    assert_eq!(values(&eur, "PmtTpInf/SvcLvl/Cd"), ["SEPA"]);
    assert_eq!(values(&eur, "PmtInf/ChrgBr"), ["SLEV"]);
    let sek = file(vec![batch(
        "PMT-SEK",
        SE_IBAN,
        vec![transfer("E2E-SEK", money(100, "SEK"), SE_IBAN)],
    )]);
    let sek = write_pain001(&sek).unwrap();
    assert!(values(&sek, "Cd").is_empty());
    assert!(values(&sek, "ChrgBr").is_empty());
    assert_eq!(instructed_currencies(&sek), ["SEK"]);
}

#[test]
fn each_non_euro_currency_validates_against_the_generic_schema() {
    for (code, iban) in [
        ("SEK", SE_IBAN),
        ("NOK", NO_IBAN),
        ("DKK", DK_IBAN),
        ("GBP", GB_IBAN),
        ("ISK", IS_IBAN),
        ("CHF", DE_IBAN),
        ("PLN", DE_IBAN),
        ("USD", GB_IBAN),
    ] {
        let batches = many_transfers(code, &[iban, FI_IBAN], 2, 25);
        let xml = write_pain001(&file(batches)).unwrap();
        assert!(instructed_currencies(&xml).iter().all(|ccy| ccy == code));
        assert_valid(&xml, &generic_xsd(), &format!("many-{code}"));
    }
}

#[test]
fn a_file_of_several_currencies_validates_against_the_generic_schema() {
    let mut batches = many_transfers("EUR", &[FI_IBAN], 1, 10);
    batches.extend(many_transfers("SEK", &[SE_IBAN], 2, 10));
    batches.extend(many_transfers("ISK", &[IS_IBAN], 3, 10));
    let xml = write_pain001(&file(batches)).unwrap();
    assert_eq!(values(&xml, "GrpHdr/NbOfTxs"), ["60"]);
    assert_valid(&xml, &generic_xsd(), "mixed");
}

/// The oracle must be able to say no: a hand-broken copy of a valid file fails.
#[test]
fn the_schemas_refuse_broken_files() {
    let xml = write_pain001(&simple_eur_file()).unwrap();
    let three_decimals = xml.replace(">12.34<", ">12.345<");
    let wrong_method = xml.replace("<PmtMtd>TRF<", "<PmtMtd>XXX<");
    let no_debtor = xml
        .replace("<Dbtr>", "<Dbtr_>")
        .replace("</Dbtr>", "</Dbtr_>");
    if oracle_ready(&epc_xsd()) {
        assert!(xmllint(&xml, &epc_xsd(), "unbroken").is_ok());
        for (name, broken) in [
            ("three-decimals", &three_decimals),
            ("no-debtor", &no_debtor),
        ] {
            assert!(xmllint(broken, &epc_xsd(), name).is_err(), "{name}");
        }
    }
    if oracle_ready(&generic_xsd()) {
        assert!(xmllint(&xml, &generic_xsd(), "unbroken-generic").is_ok());
        assert!(xmllint(&wrong_method, &generic_xsd(), "wrong-method").is_err());
    }
}
