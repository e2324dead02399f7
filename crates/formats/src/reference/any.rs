//! Recognising a reference in free text typed by a payer.

use super::{
    NationalReferenceKind, be_structured_parse, fi_reference_parse, no_kid_parse, rf_parse,
    se_ocr_parse,
};

/// What kind of reference was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// ISO 11649 RF creditor reference.
    Rf,
    /// One of the national formats.
    National(NationalReferenceKind),
}

/// One reading of a reference: its kind, canonical form and the case number it encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceMatch {
    /// The format it is valid in.
    pub kind: ReferenceKind,
    /// The canonical form in that format.
    pub canonical: String,
    /// For RF, the base read as a decimal number (an RF reference in the Finnish form, built
    /// around a viitenumero, reads as the viitenumero's digits, its check digit included); for
    /// the national formats, the digits before the check digit(s), and before the length digit
    /// too for the Swedish OCR.
    pub case_number: u64,
}

/// The most likely reading of a payer's reference, with the other formats it is also valid in
/// (a short digit string is often valid in several; the caller can try each against open cases).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedReference {
    /// The format it was most likely meant in.
    pub kind: ReferenceKind,
    /// The canonical form in that format.
    pub canonical: String,
    /// The case number that reading encodes.
    pub case_number: u64,
    /// Other valid readings, most likely first.
    pub alternatives: Vec<ReferenceMatch>,
}

/// Tokens longer than this many are not joined into one reference.
const MAX_TOKENS: usize = 8;

/// Finds a reference we could have issued in a string typed by a payer, e.g. "RF18 5390 0754
/// 7034", "viite 12345 3", "+++090/9337/55493+++" or "OCR: 1234 5678 97".
///
/// Every run of up to eight whitespace-separated tokens that look like reference parts is tried
/// in every format. Readings are ranked by how unlikely they are to be valid by chance: RF,
/// then the framed Belgian form, the 12-digit Belgian form (mod 97), the Swedish OCR (length
/// digit and Luhn), the viitenumero, and the KID (MOD 10, then MOD 11); longer readings win ties.
/// Valid RF references whose base is not a decimal number are not ours and are skipped.
pub fn parse_any(input: &str) -> Option<ParsedReference> {
    let tokens: Vec<&str> = input
        .split_whitespace()
        .map(|t| {
            t.trim_matches(|c: char| {
                matches!(c, ':' | ',' | ';' | '(' | ')' | '#' | '.' | '"' | '\'')
            })
        })
        .filter(|t| !t.is_empty())
        .collect();
    let mut found: Vec<(u8, usize, ReferenceMatch)> = Vec::new();
    let mut start = 0;
    while start < tokens.len() {
        let rf = is_rf_start(tokens[start]);
        let mut end = start + 1;
        while end <= (start + MAX_TOKENS).min(tokens.len()) {
            let window = &tokens[start..end];
            if !window
                .iter()
                .enumerate()
                .all(|(i, t)| part_like(t, rf && i > 0))
            {
                break;
            }
            readings(&window.concat(), &mut found);
            end += 1;
        }
        // The groups after "RFnn" belong to that RF reference, valid or not: a mistyped RF
        // reference must not be read as some other reference made of its digits.
        start = if rf {
            (end - 1).max(start + 1)
        } else {
            start + 1
        };
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut unique: Vec<ReferenceMatch> = Vec::new();
    for (_, _, m) in found {
        if !unique.contains(&m) {
            unique.push(m);
        }
    }
    let mut iter = unique.into_iter();
    let best = iter.next()?;
    Some(ParsedReference {
        kind: best.kind,
        canonical: best.canonical,
        case_number: best.case_number,
        alternatives: iter.collect(),
    })
}

fn is_rf_start(token: &str) -> bool {
    token.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("RF"))
}

/// Whether a token can be part of a reference: digits with the framing characters of the
/// formats, an RF start, or (after an RF start) any group of letters and digits.
fn part_like(token: &str, after_rf: bool) -> bool {
    if is_rf_start(token) || after_rf {
        return token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    }
    token.chars().any(|c| c.is_ascii_digit())
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '/' | '-'))
}

/// Adds every valid reading of `candidate` with its rank (lower is more specific) and length.
fn readings(candidate: &str, found: &mut Vec<(u8, usize, ReferenceMatch)>) {
    let len = candidate.len();
    let mut add = |rank: u8, kind: ReferenceKind, canonical: String, number_part: &str| {
        if let Ok(case_number) = number_part.parse::<u64>() {
            found.push((
                rank,
                len,
                ReferenceMatch {
                    kind,
                    canonical,
                    case_number,
                },
            ));
        }
    };
    if is_rf_start(candidate) {
        if let Ok(rf) = rf_parse(candidate) {
            let base = rf[4..].to_string();
            add(0, ReferenceKind::Rf, rf, &base);
        }
        return;
    }
    let national = ReferenceKind::National;
    if let Ok(be) = be_structured_parse(candidate) {
        let framed = candidate.contains(['+', '*', '/']);
        let digits: String = be.chars().filter(char::is_ascii_digit).collect();
        add(
            if framed { 1 } else { 2 },
            national(NationalReferenceKind::BeStructured),
            be,
            &digits[..10],
        );
    }
    if let Ok(ocr) = se_ocr_parse(candidate) {
        let base = ocr[..ocr.len() - 2].to_string();
        add(3, national(NationalReferenceKind::SeOcr), ocr, &base);
    }
    if let Ok(fi) = fi_reference_parse(candidate) {
        let base = fi[..fi.len() - 1].to_string();
        add(4, national(NationalReferenceKind::FiViitenumero), fi, &base);
    }
    if let Ok(kid) = no_kid_parse(candidate) {
        let base = kid[..kid.len() - 1].to_string();
        let mod10 = kid.ends_with(|c: char| c.is_ascii_digit())
            && super::checks::luhn_digit(&base).to_string() == kid[kid.len() - 1..];
        add(
            if mod10 { 5 } else { 6 },
            national(NationalReferenceKind::NoKid),
            kid,
            &base,
        );
    }
}
