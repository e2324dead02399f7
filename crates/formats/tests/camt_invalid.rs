//! Invalid camt content — bad amounts, currencies, codes, dates, encodings, unbalanced tags,
//! garbage, entries without a usable key — each refused with its own error and position.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

#[path = "camt_support.rs"]
mod support;

use support::{document, entry, error_of, message_of};

use reilu_formats::camt::{CamtError, Limit, MAX_UNSTRUCTURED_LINES, validate_camt};

#[test]
fn bad_amounts_are_refused_with_the_rule() {
    for bad in [
        "1e3", "1,50", "-5.00", "12.345", "+1.00", "", "1 000.00", "0x10", "½",
    ] {
        let message = message_of(&document(&entry(bad, "")));
        assert!(
            message.ends_with(&format!(
                "amount '{}' is not a decimal with at most 2 decimals for EUR",
                bad.trim()
            )),
            "{bad}: {message}"
        );
    }
    let isk = document(&entry("10.5", "")).replace("Ccy=\"EUR\"", "Ccy=\"ISK\"");
    assert!(
        message_of(&isk)
            .ends_with("amount '10.5' is not a decimal with at most 0 decimals for ISK")
    );
    let huge = message_of(&document(&entry("99999999999999999.99", "")));
    assert!(
        huge.ends_with("amount '99999999999999999.99' EUR is larger than Reilu accepts"),
        "{huge}"
    );
    // A transaction amount is held to the same rule.
    let tx = message_of(&document(&entry("1.00", "<Amt Ccy=\"EUR\">1.001</Amt>")));
    assert!(tx.contains("amount '1.001'"), "{tx}");
}

#[test]
fn unknown_or_missing_currencies_are_refused() {
    for code in ["XYZ", "eur", "BTC"] {
        let xml = document(&entry("1.00", "")).replace("Ccy=\"EUR\"", &format!("Ccy=\"{code}\""));
        assert!(message_of(&xml).ends_with(&format!("currency '{code}' is not one Reilu handles")));
    }
    let missing = document(&entry("1.00", "")).replace(" Ccy=\"EUR\"", "");
    assert!(message_of(&missing).ends_with("an <Amt> has no Ccy attribute"));
}

#[test]
fn garbage_is_refused_without_panicking() {
    let mut state: u64 = 0x5eed;
    let mut noise = Vec::new();
    for _ in 0..20_000 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        noise.push((state >> 56) as u8);
    }
    for length in [0, 1, 2, 3, 10, 100, 1_000, 20_000] {
        assert!(validate_camt(&noise[..length]).is_err(), "{length} bytes");
    }
    assert!(matches!(error_of(b""), CamtError::NoRoot));
    assert!(matches!(error_of(b"  \n\t"), CamtError::NoRoot));
    assert!(matches!(
        error_of(b"<?xml version=\"1.0\"?>"),
        CamtError::NoRoot
    ));
    assert!(matches!(
        error_of(b"%PDF-1.7\n1 0 obj"),
        CamtError::OutsideRoot { .. }
    ));
    assert!(matches!(
        error_of(b"%PDF-1.7\n%\xe2\xe3"),
        CamtError::NotUtf8 { .. }
    ));
    let utf16 = b"\xff\xfe<\0D\0o\0c\0";
    assert!(validate_camt(&utf16[..]).is_err());
}

#[test]
fn non_utf8_text_and_encodings_are_refused() {
    let latin1 = document(&entry(
        "1.00",
        "<RltdPties><Dbtr><Pty><Nm>M\u{e4}tti</Nm></Pty></Dbtr></RltdPties>",
    ))
    .into_bytes()
    .iter()
    .flat_map(|&byte| match byte {
        0xc3 => None,
        0xa4 => Some(0xe4),
        other => Some(other),
    })
    .collect::<Vec<u8>>();
    let error = error_of(&latin1);
    assert!(matches!(error, CamtError::NotUtf8 { .. }), "{error}");
    assert!(error.to_string().starts_with("line 6, column "), "{error}");
    let declared = document("").replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    assert_eq!(
        message_of(&declared),
        "the file declares encoding 'ISO-8859-1'; camt files must be UTF-8"
    );
}

#[test]
fn unbalanced_tags_and_trailing_content_are_refused() {
    let mismatched = document(&entry("1.00", "")).replace("</TxDtls>", "</TxDtl>");
    let message = message_of(&mismatched);
    assert!(
        message.starts_with("line 6, column ") && message.contains("malformed XML"),
        "{message}"
    );
    let extra_end = document("") + "</Document>";
    assert!(matches!(
        error_of(extra_end.as_bytes()),
        CamtError::Xml { .. }
    ));
    let mixed = document(&entry("1<b/>0.00", ""));
    assert!(message_of(&mixed).contains("an element inside an element that holds a value"));
    let second_root = document("") + "<Document/>";
    assert!(matches!(
        error_of(second_root.as_bytes()),
        CamtError::OutsideRoot { .. }
    ));
}

#[test]
fn entries_that_cannot_be_posted_exactly_once_are_refused() {
    // Without a bank reference an entry is identified by its report's Id; a report without
    // one leaves nothing to tell the entry apart by.
    let no_reference = document(&entry("1.00", ""))
        .replace("<AcctSvcrRef>REF-1</AcctSvcrRef>", "")
        .replace("<Id>N1</Id>", "");
    assert!(message_of(&no_reference).contains("has no bank reference"));
    let batch_without_amounts = document(&entry("3.00", "</TxDtls><TxDtls>"));
    assert!(message_of(&batch_without_amounts).contains("has no amount"));
    let late = document(&entry("1.00", ""))
        .replace("</NtryDtls>", "</NtryDtls><AcctSvcrRef>X</AcctSvcrRef>");
    assert!(matches!(
        error_of(late.as_bytes()),
        CamtError::OutOfOrder {
            element: "AcctSvcrRef",
            ..
        }
    ));
    let before_account = document("").replace(
        "<Acct><Id><IBAN>FI8940051020304050</IBAN></Id></Acct>",
        &entry("1.00", ""),
    );
    assert!(message_of(&before_account).contains("<Ntry> comes before the account's Acct/Id/IBAN"));
    let bad_iban = document("").replace("FI8940051020304050", "FI8940051020304051");
    assert!(matches!(
        error_of(bad_iban.as_bytes()),
        CamtError::BadAccount { .. }
    ));
    let no_message_id = document("").replace("<MsgId>HOSTILE-1</MsgId>", "");
    assert!(message_of(&no_message_id).ends_with("the file has no GrpHdr/MsgId"));
}

#[test]
fn bad_codes_and_dates_name_the_element() {
    let direction = document(&entry("1.00", "")).replace("<CdtDbtInd>CRDT", "<CdtDbtInd>CREDIT");
    assert!(message_of(&direction).ends_with("<CdtDbtInd> 'CREDIT' is not CRDT or DBIT"));
    let reversal = document(&entry("1.00", "")).replace("<Sts>", "<RvslInd>yes</RvslInd><Sts>");
    assert!(message_of(&reversal).ends_with("<RvslInd> 'yes' is not true or false"));
    let date = document(&entry("1.00", "")).replace(
        "<AcctSvcrRef>",
        "<BookgDt><Dt>2024-02-30</Dt></BookgDt><AcctSvcrRef>",
    );
    assert!(
        message_of(&date).ends_with("<BookgDt/Dt> '2024-02-30' is not an ISO date (YYYY-MM-DD)")
    );
}

#[test]
fn positions_count_lines_and_columns() {
    let xml = document(&entry("1,00", ""));
    let error = error_of(xml.as_bytes());
    // Reported just after </Amt> on line 6 (the entry's line).
    let column = xml.lines().nth(5).unwrap().find("</Amt>").unwrap() + "</Amt>".len() + 1;
    assert_eq!(
        error.to_string(),
        format!(
            "line 6, column {column}: amount '1,00' is not a decimal with at most 2 decimals \
             for EUR"
        )
    );
}

#[test]
fn too_many_free_text_lines_are_refused() {
    let line = "<Ustrd>text</Ustrd>";
    let within = line.repeat(MAX_UNSTRUCTURED_LINES);
    let xml = document(&entry("1.00", &format!("<RmtInf>{within}</RmtInf>")));
    validate_camt(xml.as_bytes()).unwrap();
    let over = line.repeat(MAX_UNSTRUCTURED_LINES + 1);
    let xml = document(&entry("1.00", &format!("<RmtInf>{over}</RmtInf>")));
    assert!(matches!(
        error_of(xml.as_bytes()),
        CamtError::TooLarge {
            limit: Limit::UnstructuredLines,
            ..
        }
    ));
}
