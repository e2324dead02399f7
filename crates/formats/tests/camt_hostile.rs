//! Broken and hostile camt input: each case is refused with its own, specific error, quickly
//! and without the memory growing with the input.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

#[path = "camt_support.rs"]
mod support;

use support::{NS_054_08, document, entry, error_of, message_of};

use std::io::{BufReader, Read};

use reilu_formats::camt::{
    CamtError, Limit, MAX_DEPTH, MAX_MARKUP_RUN_BYTES, MAX_TEXT_BYTES, validate_camt,
};

#[test]
fn the_base_document_is_valid() {
    let summary = validate_camt(document(&entry("10.00", "")).as_bytes()).unwrap();
    assert_eq!(summary.entries, 1);
}

#[test]
fn truncated_files_say_where_they_end() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/payments/camt054_001_02_credits.xml"),
    )
    .unwrap();
    let inside = |needle: &str| text.find(needle).unwrap() + needle.len() / 2;
    let cases = [
        (inside("<MsgId>NTF"), "GrpHdr"),
        (inside("<IBAN>FI89"), "Acct"),
        (inside("<Amt Ccy=\"EUR\">250.00"), "Ntry"),
        (inside("<Ustrd>Palkasta"), "Ntry"),
        (inside("<RvslInd>true"), "Ntry"),
        (text.find("</Ntfctn>").unwrap(), "Ntfctn"),
        (
            text.find("</BkToCstmrDbtCdtNtfctn>").unwrap() + 9,
            "BkToCstmrDbtCdtNtfctn",
        ),
        (text.len() - 4, "Document"),
    ];
    for (cut, element) in cases {
        let error = error_of(&text.as_bytes()[..cut]);
        match &error {
            CamtError::Truncated { element: found, .. } => assert_eq!(found, element, "{error}"),
            other => panic!("cut at {cut}: {other}"),
        }
        assert!(
            error
                .to_string()
                .starts_with(&format!("truncated: the file ends inside <{element}>"))
        );
    }
    // Every cut on a character boundary fails, and most as a truncation.
    for cut in (1..text.len())
        .step_by(97)
        .filter(|&cut| text.is_char_boundary(cut))
    {
        let error = error_of(&text.as_bytes()[..cut]);
        assert!(
            matches!(error, CamtError::Truncated { .. } | CamtError::NoRoot),
            "cut at {cut}: {error}"
        );
    }
}

#[test]
fn other_namespaces_and_roots_are_not_camt() {
    let camt_052 =
        document("").replace(NS_054_08, "urn:iso:std:iso:20022:tech:xsd:camt.052.001.08");
    assert_eq!(
        message_of(&camt_052),
        "not a camt.053/054 file: namespace 'urn:iso:std:iso:20022:tech:xsd:camt.052.001.08'"
    );
    let pain = document("").replace(NS_054_08, "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09");
    assert!(message_of(&pain).contains("pain.001.001.09"));
    let none = document("").replace(&format!(" xmlns=\"{NS_054_08}\""), "");
    assert_eq!(message_of(&none), "not a camt.053/054 file: namespace ''");
    // A statement namespace does not make a notification a statement.
    let swapped = document(&entry("1.00", ""))
        .replace(NS_054_08, "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08");
    assert_eq!(
        message_of(&swapped),
        "line 3, column 24: not a camt.053/054 file: the namespace calls for \
         <BkToCstmrStmt>, the message is <BkToCstmrDbtCdtNtfctn>"
    );
    assert!(matches!(
        error_of(b"<html><body>camt</body></html>"),
        CamtError::NotDocument { .. }
    ));
}

#[test]
fn doctype_and_entities_are_refused() {
    let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><MsgId>&lol9;</MsgId></Document>"#;
    let error = error_of(billion_laughs.as_bytes());
    assert!(matches!(error, CamtError::Doctype { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        "line 7, column 3: DOCTYPE/entities are not accepted in bank files"
    );

    let external = "<?xml version=\"1.0\"?>\
                    <!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Document/>";
    assert!(matches!(
        error_of(external.as_bytes()),
        CamtError::Doctype { .. }
    ));

    // Without a DTD only XML's own five entities and character references exist.
    let undefined = document(&entry("1.00", "<RmtInf><Ustrd>&lol9;</Ustrd></RmtInf>"));
    let error = error_of(undefined.as_bytes());
    assert!(
        matches!(&error, CamtError::Entity { name, .. } if name == "lol9"),
        "{error}"
    );
    let predefined = document(&entry(
        "1.00",
        "<RmtInf><Ustrd>a &amp; b &#x41;&#66;</Ustrd></RmtInf>",
    ));
    validate_camt(predefined.as_bytes()).unwrap();
}

/// Hands out `prefix`, then `unit` over and over until `total` bytes, counting what was read.
struct Generated {
    prefix: Vec<u8>,
    unit: Vec<u8>,
    total: usize,
    produced: usize,
}

impl Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while written < out.len() && self.produced < self.total {
            let position = self.produced;
            let byte = if position < self.prefix.len() {
                self.prefix[position]
            } else {
                self.unit[(position - self.prefix.len()) % self.unit.len()]
            };
            out[written] = byte;
            written += 1;
            self.produced += 1;
        }
        Ok(written)
    }
}

const HUNDRED_MB: usize = 100 * 1024 * 1024;

fn generated(prefix: &str, unit: &str) -> Generated {
    Generated {
        prefix: prefix.as_bytes().to_vec(),
        unit: unit.as_bytes().to_vec(),
        total: HUNDRED_MB,
        produced: 0,
    }
}

/// Reads a 100 MB generated input and returns the error and how much of it was read.
fn refuse_generated(mut input: Generated) -> (CamtError, usize) {
    let error = validate_camt(BufReader::new(&mut input)).expect_err("must be refused");
    (error, input.produced)
}

#[test]
fn a_hundred_megabytes_of_nesting_stop_at_the_depth_limit() {
    let prefix = format!("<Document xmlns=\"{NS_054_08}\"><BkToCstmrDbtCdtNtfctn>");
    let (error, read) = refuse_generated(generated(&prefix, "<a>"));
    assert!(
        matches!(
            error,
            CamtError::TooLarge {
                limit: Limit::Depth,
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains(&format!("depth limit of {MAX_DEPTH}"))
    );
    assert!(read < 1024 * 1024, "read {read} bytes");
}

#[test]
fn a_hundred_megabyte_text_node_stops_at_the_event_limit() {
    let prefix = document("").split("</Ntfctn>").next().unwrap().to_owned()
        + "<Ntry><NtryDtls><TxDtls><RmtInf><Ustrd>";
    let (error, read) = refuse_generated(generated(&prefix, "x"));
    assert!(
        matches!(
            error,
            CamtError::TooLarge {
                limit: Limit::MarkupRun,
                ..
            }
        ),
        "{error}"
    );
    assert!(read < 1024 * 1024, "read {read} bytes");
    // `<` inside CDATA, comments or attribute values does not reset the count.
    for (open, unit) in [("<![CDATA[", "<<<<x"), ("<!--", "<a>"), ("<Id a=\"", "<<x")] {
        let prefix = format!("<Document xmlns=\"{NS_054_08}\">{open}");
        let (error, read) = refuse_generated(generated(&prefix, unit));
        assert!(
            matches!(
                error,
                CamtError::TooLarge {
                    limit: Limit::MarkupRun,
                    ..
                }
            ),
            "{error}"
        );
        assert!(read < 1024 * 1024, "{open}: read {read} bytes");
    }
}

#[test]
fn a_text_node_over_the_limit_is_refused() {
    let long = "x".repeat(MAX_TEXT_BYTES + 1);
    const { assert!(MAX_TEXT_BYTES + 100 < MAX_MARKUP_RUN_BYTES) };
    let xml = document(&entry(
        "1.00",
        &format!("<RmtInf><Ustrd>{long}</Ustrd></RmtInf>"),
    ));
    let error = error_of(xml.as_bytes());
    assert!(
        matches!(
            error,
            CamtError::TooLarge {
                limit: Limit::TextBytes,
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("text length limit of 65536 bytes")
    );
    // Split by a reference into two events, the element's text is still counted whole.
    let half = "x".repeat(MAX_TEXT_BYTES / 2 + 10);
    let xml = document(&entry(
        "1.00",
        &format!("<RmtInf><Ustrd>{half}&amp;{half}</Ustrd></RmtInf>"),
    ));
    assert!(matches!(
        error_of(xml.as_bytes()),
        CamtError::TooLarge {
            limit: Limit::TextBytes,
            ..
        }
    ));
    let attributes: String = (0..40).map(|index| format!(" a{index}=\"1\"")).collect();
    let xml = document(&format!("<Ntry{attributes}/>"));
    assert!(matches!(
        error_of(xml.as_bytes()),
        CamtError::TooLarge {
            limit: Limit::Attributes,
            ..
        }
    ));
}
