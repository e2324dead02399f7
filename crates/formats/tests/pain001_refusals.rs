//! Every refusal, with the message the caller sees: which field, which batch, which transfer.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

#[path = "pain001_support.rs"]
mod support;

use chrono::{NaiveDate, TimeZone, Utc};
use reilu_formats::iban::AccountIban;
use reilu_formats::pain001::{CreditTransferFile, Field, Location, Pain001Error, write_pain001};
use support::*;

/// The simple euro file with its only transfer changed.
fn with_transfer(
    change: impl FnOnce(&mut reilu_formats::pain001::CreditTransfer),
) -> CreditTransferFile {
    let mut input = simple_eur_file();
    change(&mut input.batches[0].transfers[0]);
    input
}

fn refusal(input: &CreditTransferFile) -> (Pain001Error, String) {
    let error = write_pain001(input).unwrap_err();
    let message = error.to_string();
    (error, message)
}

fn in_transfer(end_to_end_id: &str) -> Location {
    Location::Transfer {
        payment_information_id: "PMT-1".to_owned(),
        end_to_end_id: end_to_end_id.to_owned(),
    }
}

const AT_TRANSFER: &str = "transfer 'E2E-1' in batch 'PMT-1'";

#[test]
fn a_file_without_batches() {
    let (error, message) = refusal(&file(Vec::new()));
    assert_eq!(error, Pain001Error::NoBatches);
    assert_eq!(
        message,
        "the file has no batches: a pain.001 needs at least one PmtInf"
    );
}

#[test]
fn a_batch_without_transfers() {
    let mut input = simple_eur_file();
    input.batches[0].transfers.clear();
    let (_, message) = refusal(&input);
    assert_eq!(
        message,
        "batch 'PMT-1': the batch has no transfers: a PmtInf needs at least one CdtTrfTxInf"
    );
}

#[test]
fn non_positive_amounts() {
    for (minor, shown) in [(0, "0.00 EUR"), (-1, "-0.01 EUR")] {
        let (error, message) = refusal(&with_transfer(|t| t.amount = money(minor, "EUR")));
        assert!(matches!(error, Pain001Error::NonPositiveAmount { .. }));
        assert_eq!(
            message,
            format!(
                "{AT_TRANSFER}: amount (CdtTrfTxInf/Amt/InstdAmt) {shown} is not positive: \
                 a credit transfer must move more than zero"
            )
        );
    }
}

#[test]
fn mixed_currencies_in_a_batch() {
    let mut input = simple_eur_file();
    input.batches[0]
        .transfers
        .push(transfer("E2E-2", money(100, "SEK"), SE_IBAN));
    let (error, message) = refusal(&input);
    assert_eq!(
        error,
        Pain001Error::MixedCurrencies {
            at: in_transfer("E2E-2"),
            batch_currency: currency("EUR"),
            found: currency("SEK"),
        }
    );
    assert_eq!(
        message,
        "transfer 'E2E-2' in batch 'PMT-1': amount (CdtTrfTxInf/Amt/InstdAmt) is in SEK but \
         the batch is in EUR: one PmtInf carries one currency"
    );
}

#[test]
fn euro_amounts_over_the_sepa_limit() {
    let (_, message) = refusal(&with_transfer(|t| t.amount = money(100_000_000_000, "EUR")));
    assert_eq!(
        message,
        format!(
            "{AT_TRANSFER}: amount (CdtTrfTxInf/Amt/InstdAmt) 1000000000.00 EUR is over the \
             SEPA limit of 999999999.99 EUR for one credit transfer"
        )
    );
    // The same amount in another currency is only bound by the schema's 18 digits.
    let mut sek = with_transfer(|t| t.amount = money(100_000_000_000, "SEK"));
    assert!(write_pain001(&sek).is_ok());
    sek.batches[0].transfers[0].amount = money(1_000_000_000_000_000_000, "SEK");
    let (_, message) = refusal(&sek);
    assert_eq!(
        message,
        format!(
            "{AT_TRANSFER}: amount (CdtTrfTxInf/Amt/InstdAmt) 10000000000000000.00 SEK has \
             more than the 18 digits an ISO 20022 amount can carry"
        )
    );
}

#[test]
fn control_sums_over_eighteen_digits() {
    let big = 600_000_000_000_000_000; // 6 000 000 000 000 000.00 SEK
    let mut input = file(vec![batch(
        "PMT-1",
        SE_IBAN,
        vec![
            transfer("E2E-1", money(big, "SEK"), SE_IBAN),
            transfer("E2E-2", money(big, "SEK"), SE_IBAN),
        ],
    )]);
    let (_, message) = refusal(&input);
    assert_eq!(
        message,
        "batch 'PMT-1': the control sum has more than the 18 digits ISO 20022 allows; split the file"
    );
    let second = input.batches[0].transfers.pop().unwrap();
    input.batches.push(batch("PMT-2", SE_IBAN, vec![second]));
    let (_, message) = refusal(&input);
    assert_eq!(
        message,
        "group header: the control sum has more than the 18 digits ISO 20022 allows; split the file"
    );
}

#[test]
fn invalid_ibans() {
    let (error, message) = refusal(&with_transfer(|t| {
        t.creditor_iban = "FI2112345600000786".into()
    }));
    let expected = AccountIban::parse("FI2112345600000786").unwrap_err();
    assert_eq!(
        error,
        Pain001Error::InvalidIban {
            field: Field::CreditorIban,
            at: in_transfer("E2E-1"),
            error: expected.clone(),
        }
    );
    assert_eq!(
        message,
        format!("{AT_TRANSFER}: creditor_iban (CdtTrfTxInf/CdtrAcct/Id/IBAN): {expected}")
    );
    let mut input = simple_eur_file();
    input.batches[0].debtor_iban = "not an iban".into();
    let (_, message) = refusal(&input);
    assert!(
        message.starts_with("batch 'PMT-1': debtor_iban (PmtInf/DbtrAcct/Id/IBAN): 'not an iban' is not a valid IBAN"),
        "{message}"
    );
}

#[test]
fn invalid_bics() {
    for bad in ["DEUTDE", "DEUT1EFF", "DEUTDEFF5", "DEUTDEFF-00", "DÉUTDEFF"] {
        let (error, message) = refusal(&with_transfer(|t| t.creditor_bic = Some(bad.into())));
        assert!(
            matches!(
                error,
                Pain001Error::InvalidBic {
                    field: Field::CreditorBic,
                    ..
                }
            ),
            "{bad}"
        );
        assert_eq!(
            message,
            format!(
                "{AT_TRANSFER}: creditor_bic (CdtTrfTxInf/CdtrAgt/FinInstnId/BICFI): '{bad}' is \
                 not a BIC (4 letters or digits, 2-letter country, 2 letters or digits, optional \
                 3-character branch)"
            )
        );
    }
    let mut input = simple_eur_file();
    input.batches[0].debtor_bic = Some("x".into());
    let (error, _) = refusal(&input);
    assert!(matches!(
        error,
        Pain001Error::InvalidBic {
            field: Field::DebtorBic,
            ..
        }
    ));
    // Lower case and spaces are tidied, not refused.
    input.batches[0].debtor_bic = Some("ndea fi hh".into());
    let xml = write_pain001(&input).unwrap();
    assert_eq!(values(&xml, "DbtrAgt/FinInstnId/BICFI"), ["NDEAFIHH"]);
}

/// A field, how to make it too long, and the length that results and the limit.
type LongCase = (Field, fn(&mut CreditTransferFile), usize, usize);

#[test]
fn over_long_fields() {
    let cases: [LongCase; 5] = [
        (Field::MessageId, |f| f.message_id = "M".repeat(36), 36, 35),
        (
            Field::InitiatingParty,
            |f| f.initiating_party = "I".repeat(71),
            71,
            70,
        ),
        (
            Field::DebtorName,
            |f| f.batches[0].debtor_name = "ß".repeat(36),
            72,
            70,
        ),
        (
            Field::CreditorName,
            |f| f.batches[0].transfers[0].creditor_name = "C".repeat(71),
            71,
            70,
        ),
        (
            Field::RemittanceInformation,
            |f| f.batches[0].transfers[0].remittance_information = "R".repeat(141),
            141,
            140,
        ),
    ];
    for (field, change, length, max) in cases {
        let mut input = simple_eur_file();
        change(&mut input);
        let (error, message) = refusal(&input);
        assert!(
            matches!(error, Pain001Error::TooLong { field: f, length: l, max: m, .. } if f == field && l == length && m == max),
            "{message}"
        );
        assert!(
            message.ends_with(&format!("{field} is {length} characters long (after transliteration); at most {max} are allowed")),
            "{message}"
        );
    }
    let (_, message) = refusal(&with_transfer(|t| t.end_to_end_id = "E".repeat(36)));
    let e36 = "E".repeat(36);
    assert_eq!(
        message,
        format!(
            "transfer '{e36}' in batch 'PMT-1': end_to_end_id (CdtTrfTxInf/PmtId/EndToEndId) is \
             36 characters long (after transliteration); at most 35 are allowed"
        )
    );
}

#[test]
fn empty_fields() {
    let (error, message) = refusal(&with_transfer(|t| t.creditor_name = " \t ".into()));
    assert_eq!(
        error,
        Pain001Error::Empty {
            field: Field::CreditorName,
            at: in_transfer("E2E-1")
        }
    );
    assert_eq!(
        message,
        format!("{AT_TRANSFER}: creditor_name (CdtTrfTxInf/Cdtr/Nm) is empty")
    );
    let mut input = simple_eur_file();
    input.message_id.clear();
    let (_, message) = refusal(&input);
    assert_eq!(message, "group header: message_id (GrpHdr/MsgId) is empty");
    // Remittance information is optional: empty means none.
    let xml = write_pain001(&with_transfer(|t| t.remittance_information = "  ".into())).unwrap();
    assert!(values(&xml, "Ustrd").is_empty());
}

#[test]
fn characters_outside_the_set_after_transliteration() {
    let (error, message) = refusal(&with_transfer(|t| t.creditor_name = "Иван Петров".into()));
    assert_eq!(
        error,
        Pain001Error::ForbiddenCharacter {
            field: Field::CreditorName,
            at: in_transfer("E2E-1"),
            character: 'И'
        }
    );
    assert_eq!(
        message,
        format!(
            "{AT_TRANSFER}: creditor_name (CdtTrfTxInf/Cdtr/Nm) contains 'И' (U+0418), which is \
             outside the SEPA Latin character set and has no transliteration"
        )
    );
    let (_, message) = refusal(&with_transfer(|t| {
        t.remittance_information = "10 € @ shop".into()
    }));
    assert!(message.contains("contains '€' (U+20AC)"), "{message}");
    // Identifiers are never transliterated.
    let (error, _) = refusal(&with_transfer(|t| t.end_to_end_id = "E2E_Ä".into()));
    assert!(matches!(
        error,
        Pain001Error::ForbiddenCharacter {
            field: Field::EndToEndId,
            character: '_',
            ..
        }
    ));
}

#[test]
fn identifiers_breaking_the_slash_and_space_rules() {
    for (id, reason) in [
        ("/E2E", "must not start or end with '/'"),
        ("E2E/", "must not start or end with '/'"),
        ("E2E//1", "must not contain '//'"),
        ("E2E ", "must not start or end with a space"),
    ] {
        let (_, message) = refusal(&with_transfer(|t| t.end_to_end_id = id.into()));
        assert_eq!(
            message,
            format!(
                "transfer '{id}' in batch 'PMT-1': end_to_end_id (CdtTrfTxInf/PmtId/EndToEndId) {reason}"
            )
        );
    }
    let mut input = simple_eur_file();
    input.batches[0].payment_information_id = "PMT//1".into();
    let (_, message) = refusal(&input);
    assert_eq!(
        message,
        "batch 'PMT//1': payment_information_id (PmtInf/PmtInfId) must not contain '//'"
    );
}

#[test]
fn duplicate_ids() {
    let mut input = simple_eur_file();
    let again = input.batches[0].clone();
    input.batches.push(again);
    let (_, message) = refusal(&input);
    assert_eq!(
        message,
        "batch 'PMT-1': the payment information id appears twice in the file"
    );
    input.batches[1].payment_information_id = "PMT-2".into();
    let (_, message) = refusal(&input);
    assert_eq!(
        message,
        "transfer 'E2E-1' in batch 'PMT-2': the end-to-end id appears twice in the file, so \
         returns could not be matched to one transfer"
    );
}

#[test]
fn dates_beyond_four_digit_years() {
    let mut input = simple_eur_file();
    input.batches[0].requested_execution_date = NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap();
    let (_, message) = refusal(&input);
    assert_eq!(
        message,
        "batch 'PMT-1': requested_execution_date (PmtInf/ReqdExctnDt/Dt) must have a year from 1 to 9999"
    );
    let mut input = simple_eur_file();
    input.created_at = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
    let (_, message) = refusal(&input);
    assert_eq!(
        message,
        "group header: created_at (GrpHdr/CreDtTm) must have a year from 1 to 9999"
    );
}

#[test]
fn long_identifiers_are_cut_in_messages() {
    let long = "x".repeat(500);
    let (error, _) = refusal(&with_transfer(|t| t.end_to_end_id = long.clone()));
    let Pain001Error::TooLong {
        at: Location::Transfer { end_to_end_id, .. },
        ..
    } = error
    else {
        panic!("{error:?}");
    };
    assert_eq!(end_to_end_id, "x".repeat(40));
}
