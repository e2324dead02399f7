//! Published payment references, each with its source, plus invalid variants and properties.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

use proptest::prelude::*;
use reilu_formats::reference::{
    NationalReferenceKind, ReferenceError, ReferenceKind, be_structured, be_structured_parse,
    fi_reference, fi_reference_display, fi_reference_parse, fi_rf_reference, for_case, no_kid,
    no_kid_parse, parse_any, rf_display, rf_from_base, rf_parse, se_ocr, se_ocr_parse,
};

#[test]
fn rf_creditor_reference() {
    // ISO 11649 Annex A paper example, also in the EPC guidance and the stdnum.iso11649 doctest.
    assert_eq!(
        rf_parse("RF18 5390 0754 7034"),
        Ok("RF18539007547034".into())
    );
    assert_eq!(
        rf_parse("rf18 5390 0754 7034"),
        Ok("RF18539007547034".into())
    );
    assert_eq!(rf_from_base("539007547034"), Ok("RF18539007547034".into()));
    assert_eq!(rf_display("RF18539007547034"), "RF18 5390 0754 7034");
    // stdnum.iso11649: letters in the base, and a wrong check.
    assert_eq!(rf_parse("RF18 5390 0754 70Y"), Ok("RF185390075470Y".into()));
    assert_eq!(
        rf_parse("RF17 5390 0754 7034"),
        Err(ReferenceError::CheckDigits {
            expected: "18".into()
        })
    );
    // ISO 11649 Annex B worked example: customer reference 2348231 gives RF71 2348231.
    assert_eq!(rf_from_base("2348231"), Ok("RF712348231".into()));
    assert_eq!(rf_parse("5390 0754 7034"), Err(ReferenceError::NotRf));
    assert!(matches!(
        rf_from_base(&"1".repeat(22)),
        Err(ReferenceError::Length { .. })
    ));
    assert!(matches!(
        rf_from_base("12_3"),
        Err(ReferenceError::Character { found: '_', .. })
    ));
    assert_eq!(rf_display("RF712348231"), "RF71 2348 231");
}

#[test]
fn finnish_viitenumero() {
    // Finanssiala's structure guide example as quoted by XMLdation: "12 34561", and its
    // machine-readable 20-digit form with leading zeros.
    assert_eq!(fi_reference_parse("12 34561"), Ok("1234561".into()));
    assert_eq!(
        fi_reference_parse("00000000000001234561"),
        Ok("1234561".into())
    );
    assert_eq!(fi_reference(123456), "1234561");
    assert_eq!(fi_reference_display("1234561"), "12 34561");
    // Johann Walder's walk-through: base 12345 gives 123453 (the brief's "verify!").
    assert_eq!(fi_reference(12345), "123453");
    // JustOn (citing Finance Finland): 1 23456 71234 56784.
    assert_eq!(
        fi_reference_parse("1 23456 71234 56784"),
        Ok("1234567123456784".into())
    );
    assert_eq!(
        fi_reference_display("1234567123456784"),
        "1 23456 71234 56784"
    );
    assert_eq!(
        fi_reference_parse("123454"),
        Err(ReferenceError::CheckDigits {
            expected: "3".into()
        })
    );
    assert_eq!(
        fi_reference_parse("13").unwrap_err().to_string(),
        "a viitenumero has 4 to 20 characters, got 2"
    );
    assert_eq!(
        be_structured_parse("12345").unwrap_err().to_string(),
        "a structured communication has 12 characters, got 5"
    );
    assert!(matches!(
        fi_reference_parse(&"1".repeat(21)),
        Err(ReferenceError::Length { .. })
    ));
    // The Finnish RF form is an ordinary RF reference around the viitenumero.
    assert_eq!(fi_rf_reference(12345), rf_from_base("123453").unwrap());
    assert_eq!(fi_rf_reference(12345), "RF81123453"); // cross-checked with stdnum.iso7064
    assert!(rf_parse(&fi_rf_reference(12345)).is_ok());
}

#[test]
fn norwegian_kid() {
    // norwegian-numbers.js (Ondkloss) tests: MOD10 1234 → 12344, 234567 → 2345676;
    // MOD11 1234 → 12343, 1234567890 → 12345678903, 31 → 310, 40 → 40- (10 is written '-').
    assert_eq!(no_kid(1234), "12344");
    assert_eq!(no_kid(234567), "2345676");
    for kid in ["12344", "2345676", "12343", "12345678903", "310", "40-"] {
        assert_eq!(no_kid_parse(kid), Ok(kid.to_string()), "{kid}");
    }
    // Monitor ERP's KID help: invoice 60224 gives 602243.
    assert_eq!(no_kid(60224), "602243");
    assert!(matches!(
        no_kid_parse("12345"),
        Err(ReferenceError::CheckDigits { .. })
    ));
    assert!(matches!(
        no_kid_parse("1-4"),
        Err(ReferenceError::Character { found: '-', .. })
    ));
    assert!(matches!(
        no_kid_parse(&"1".repeat(26)),
        Err(ReferenceError::Length { .. })
    ));
    // Small bases are padded to three digits so the KID has at least four.
    assert_eq!(no_kid(7), "0075");
}

#[test]
fn swedish_ocr_with_length_digit() {
    // ocrgenerator (zerodep) validator tests: valid under Bankgirot's variable-length check.
    for ocr in [
        "18108401345678778",
        "18196701475307475",
        "1018966492531",
        "1019080881039",
        "03368912618",
        "1202951008",
        "1636976",
    ] {
        assert_eq!(se_ocr_parse(ocr), Ok(ocr.to_string()), "{ocr}");
    }
    // ... and 1636919 passes the Luhn check only: its length digit 1 should be 7.
    assert_eq!(
        se_ocr_parse("1636919"),
        Err(ReferenceError::LengthDigit { expected: 7 })
    );
    assert!(matches!(
        se_ocr_parse("18108401345678779"),
        Err(ReferenceError::CheckDigits { .. })
    ));
    assert_eq!(se_ocr(16369), "1636976");
    assert_eq!(se_ocr(12_029_510), "1202951008");
}

#[test]
fn belgian_structured_communication() {
    // stdnum.be.ogm_vcs doctest, IndriApollo's BelgianStructuredCommunication README, the brief.
    assert_eq!(
        be_structured_parse("+++010/8068/17183+++"),
        Ok("+++010/8068/17183+++".into())
    );
    assert_eq!(
        be_structured_parse("+++ 012 / 3456 / 78939 +++"),
        Ok("+++012/3456/78939+++".into())
    );
    assert_eq!(be_structured(1_234_567_890), "+++123/4567/89002+++");
    assert_eq!(be_structured(108_068_171), "+++010/8068/17183+++");
    assert_eq!(
        be_structured_parse("010806817183"),
        Ok("+++010/8068/17183+++".into())
    );
    assert_eq!(
        be_structured_parse("***010/8068/17183***"),
        Ok("+++010/8068/17183+++".into())
    );
    assert_eq!(
        be_structured_parse("010/8068/17180"),
        Err(ReferenceError::CheckDigits {
            expected: "83".into()
        })
    );
    // XMLdation's ABBL example +++312401398067+++.
    assert_eq!(
        be_structured_parse("+++312401398067+++"),
        Ok("+++312/4013/98067+++".into())
    );
    // Remainder 0 is written 97 (Febelfin).
    assert_eq!(be_structured(97), "+++000/0000/09797+++");
}

#[test]
fn case_references() {
    let fi = for_case("fi", 12345);
    assert_eq!(fi.rf, rf_from_base("12345").unwrap());
    assert_eq!(
        fi.national,
        Some((NationalReferenceKind::FiViitenumero, "123453".into()))
    );
    assert_eq!(for_case("FI", 99).national, None);
    assert_eq!(
        for_case("NO", 1234).national,
        Some((NationalReferenceKind::NoKid, "12344".into()))
    );
    assert_eq!(
        for_case("SE", 16369).national,
        Some((NationalReferenceKind::SeOcr, "1636976".into()))
    );
    assert_eq!(
        for_case("BE", 108_068_171).national.map(|n| n.1),
        Some("+++010/8068/17183+++".into())
    );
    assert_eq!(for_case("BE", 10_000_000_000).national, None);
    assert_eq!(for_case("DE", 5).national, None);
    assert_eq!(for_case("DE", 5).rf, rf_from_base("5").unwrap());
}

#[test]
fn parse_any_finds_references_in_text() {
    let p = parse_any("Maksu viitteellä RF18 5390 0754 7034, kiitos").unwrap();
    assert_eq!(
        (p.kind, p.case_number),
        (ReferenceKind::Rf, 539_007_547_034)
    );
    let p = parse_any("ref +++010/8068/17183+++").unwrap();
    assert_eq!(
        (p.kind, p.case_number),
        (
            ReferenceKind::National(NationalReferenceKind::BeStructured),
            108_068_171
        )
    );
    let p = parse_any("Viite: 12 34561").unwrap();
    assert_eq!(p.case_number, 123_456);
    assert!(
        p.kind == ReferenceKind::National(NationalReferenceKind::FiViitenumero)
            || p.alternatives.iter().any(|m| m.kind
                == ReferenceKind::National(NationalReferenceKind::FiViitenumero)
                && m.case_number == 123_456)
    );
    let p = parse_any("OCR 1636976").unwrap();
    assert_eq!(
        (p.kind, p.case_number),
        (ReferenceKind::National(NationalReferenceKind::SeOcr), 16369)
    );
    assert_eq!(parse_any("no reference here"), None);
    assert_eq!(parse_any("RF17 5390 0754 7034"), None);
    // An RF reference with letters is valid but not one of ours.
    assert_eq!(parse_any("RF18 5390 0754 70Y"), None);
}

/// A validator as a plain function.
type Validator = fn(&str) -> bool;

/// Whether `parsed` offers `kind` with `case` as its main reading or an alternative.
fn offers(input: &str, kind: ReferenceKind, case: u64) -> bool {
    parse_any(input).is_some_and(|p| {
        (p.kind == kind && p.case_number == case)
            || p.alternatives
                .iter()
                .any(|m| m.kind == kind && m.case_number == case)
    })
}

proptest! {
    #[test]
    fn parsers_never_panic(input in "[0-9RrFf+*/ \\-äÅ€:]{0,30}|.{0,30}") {
        let _ = (rf_parse(&input), fi_reference_parse(&input), no_kid_parse(&input));
        let _ = (se_ocr_parse(&input), be_structured_parse(&input), parse_any(&input));
        let _ = rf_from_base(&input);
    }

    #[test]
    fn built_references_parse_back(case in 1u64..10_000_000_000_000) {
        let refs = for_case("FI", case);
        prop_assert_eq!(rf_parse(&rf_display(&refs.rf)), Ok(refs.rf.clone()));
        prop_assert!(offers(&rf_display(&refs.rf), ReferenceKind::Rf, case));
        for country in ["FI", "NO", "SE", "BE"] {
            if let Some((kind, national)) = for_case(country, case).national {
                let offered = offers(&national, ReferenceKind::National(kind), case);
                prop_assert!(offered, "{} {}", country, national);
            }
        }
        if case >= 100 {
            let printed = fi_reference_display(&fi_reference(case));
            prop_assert_eq!(fi_reference_parse(&printed), Ok(fi_reference(case)));
        }
        prop_assert_eq!(no_kid_parse(&no_kid(case)), Ok(no_kid(case)));
        prop_assert_eq!(se_ocr_parse(&se_ocr(case)), Ok(se_ocr(case)));
        let be = be_structured(case % 10_000_000_000);
        prop_assert_eq!(be_structured_parse(&be), Ok(be_structured(case)));
    }

    #[test]
    fn one_changed_digit_is_caught(
        case in 100u64..1_000_000_000,
        position in 0usize..20,
        delta in 1u32..10,
    ) {
        let checks: [(String, Validator); 4] = [
            (fi_reference(case), |s| fi_reference_parse(s).is_ok()),
            (se_ocr(case), |s| se_ocr_parse(s).is_ok()),
            (be_structured(case).replace(['+', '/'], ""), |s| be_structured_parse(s).is_ok()),
            (rf_from_base(&case.to_string()).unwrap(), |s| rf_parse(s).is_ok()),
        ];
        for (reference, valid) in checks {
            let mut chars: Vec<char> = reference.chars().collect();
            let digit_positions: Vec<usize> =
                (0..chars.len()).filter(|&i| chars[i].is_ascii_digit()).collect();
            let i = digit_positions[position % digit_positions.len()];
            let d = chars[i].to_digit(10).unwrap();
            chars[i] = char::from_digit((d + delta) % 10, 10).unwrap();
            let changed: String = chars.into_iter().collect();
            // A leading zero change is no change for a viitenumero.
            if changed.trim_start_matches('0') != reference.trim_start_matches('0') {
                prop_assert!(!valid(&changed), "{} -> {}", reference, changed);
            }
        }
    }
}
