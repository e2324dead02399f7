//! `NbOfTxs` and `CtrlSum` at group and batch level, and every `InstdAmt`, read back from the
//! XML and compared with sums made here from the input's minor units. The decimal text is read
//! with `Money::parse_major` of reilu-core, a parser independent of the writer's formatting.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

#[path = "pain001_support.rs"]
mod support;

use proptest::prelude::*;
use reilu_core::money::{Currency, Money};
use reilu_formats::pain001::{CreditTransferFile, PaymentBatch, write_pain001};
use support::*;

/// The EPC's largest euro transfer, in cents.
const SEPA_MAX_CENTS: i64 = 99_999_999_999;

/// Builds batches of the given currencies and amounts, ids numbered through the file.
fn build(batches: &[(&str, Vec<i64>)]) -> CreditTransferFile {
    let mut number = 0;
    let batches: Vec<PaymentBatch> = batches
        .iter()
        .enumerate()
        .map(|(b, (code, amounts))| {
            let transfers = amounts
                .iter()
                .map(|minor| {
                    number += 1;
                    transfer(&format!("E2E-{number}"), money(*minor, code), FI_IBAN)
                })
                .collect();
            batch(&format!("PMT-{b}"), FI_IBAN, transfers)
        })
        .collect();
    file(batches)
}

fn parse(text: &str, code: &str) -> i64 {
    Money::parse_major(text, currency(code))
        .unwrap_or_else(|e| panic!("{text:?} is not a {code} amount: {e}"))
        .amount_minor()
}

/// Checks every count and sum of `xml` against `batches`.
fn check_counts_and_sums(xml: &str, batches: &[(&str, Vec<i64>)]) {
    let count: usize = batches.iter().map(|(_, amounts)| amounts.len()).sum();
    assert_eq!(values(xml, "GrpHdr/NbOfTxs"), [count.to_string()]);
    let batch_counts: Vec<String> = batches.iter().map(|(_, a)| a.len().to_string()).collect();
    assert_eq!(values(xml, "PmtInf/NbOfTxs"), batch_counts);
    let batch_sums = values(xml, "PmtInf/CtrlSum");
    let amounts = values(xml, "InstdAmt");
    let mut amounts = amounts.iter();
    for ((code, expected), written_sum) in batches.iter().zip(&batch_sums) {
        let sum: i64 = expected.iter().sum();
        assert_eq!(
            parse(written_sum, code),
            sum,
            "{code} batch sum {written_sum}"
        );
        for minor in expected {
            assert_eq!(parse(amounts.next().unwrap(), code), *minor);
        }
    }
    assert!(amounts.next().is_none());
    // The group's sum is irrespective of currency, in the largest number of decimals used.
    let digits = batches
        .iter()
        .map(|(code, _)| currency(code).minor_digits())
        .max()
        .unwrap();
    let total: i64 = batches
        .iter()
        .map(|(code, amounts)| {
            let scale = 10_i64.pow(u32::from(digits - currency(code).minor_digits()));
            amounts.iter().sum::<i64>() * scale
        })
        .sum();
    let group = values(xml, "GrpHdr/CtrlSum");
    let group_code = if digits == 0 { "ISK" } else { "EUR" };
    assert_eq!(
        parse(&group[0], group_code),
        total,
        "group sum {}",
        group[0]
    );
}

fn euro_batches() -> impl Strategy<Value = Vec<Vec<i64>>> {
    prop::collection::vec(prop::collection::vec(1..=SEPA_MAX_CENTS, 1..40), 1..8)
}

fn mixed_batches() -> impl Strategy<Value = Vec<(&'static str, Vec<i64>)>> {
    let one = (
        prop::sample::select(vec!["EUR", "SEK", "NOK", "ISK", "GBP"]),
        prop::collection::vec(1_i64..=10_000_000_000, 1..20),
    );
    prop::collection::vec(one, 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn euro_counts_and_sums_are_exact(amounts in euro_batches()) {
        let batches: Vec<(&str, Vec<i64>)> = amounts.into_iter().map(|a| ("EUR", a)).collect();
        let xml = write_pain001(&build(&batches)).unwrap();
        check_counts_and_sums(&xml, &batches);
    }

    #[test]
    fn counts_and_sums_are_exact_across_currencies(batches in mixed_batches()) {
        let xml = write_pain001(&build(&batches)).unwrap();
        check_counts_and_sums(&xml, &batches);
    }

    /// Cents that no binary float adds exactly, many times over.
    #[test]
    fn sums_of_many_small_amounts_do_not_drift(cents in 1_i64..100, count in 1_usize..3000) {
        let batches = vec![("EUR", vec![cents; count])];
        let xml = write_pain001(&build(&batches)).unwrap();
        check_counts_and_sums(&xml, &batches);
    }
}

#[test]
fn ten_thousand_transfers_at_the_limit_sum_exactly() {
    let batches = vec![
        ("EUR", vec![SEPA_MAX_CENTS; 5_000]),
        ("EUR", vec![SEPA_MAX_CENTS; 5_000]),
    ];
    let xml = write_pain001(&build(&batches)).unwrap();
    assert_eq!(values(&xml, "GrpHdr/CtrlSum"), ["9999999999900.00"]);
    assert_eq!(values(&xml, "PmtInf/CtrlSum"), ["4999999999950.00"; 2]);
    check_counts_and_sums(&xml, &batches);
    assert_valid(&xml, &epc_xsd(), "ten-thousand-eur");
}

#[test]
fn the_group_sum_adds_currencies_with_different_decimals() {
    let batches = vec![
        ("ISK", vec![1_500, 1]),
        ("EUR", vec![1_050]),
        ("ISK", vec![7]),
    ];
    let xml = write_pain001(&build(&batches)).unwrap();
    assert_eq!(values(&xml, "GrpHdr/CtrlSum"), ["1518.50"]);
    assert_eq!(values(&xml, "PmtInf/CtrlSum"), ["1501", "10.50", "7"]);
    let only_isk = vec![("ISK", vec![1_500]), ("ISK", vec![20])];
    let xml = write_pain001(&build(&only_isk)).unwrap();
    assert_eq!(values(&xml, "GrpHdr/CtrlSum"), ["1520"]);
    assert_eq!(Currency::parse("ISK").unwrap().minor_digits(), 0);
}
