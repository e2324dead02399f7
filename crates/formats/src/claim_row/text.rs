//! What text a claim's free-text fields and country may hold.
//!
//! Names, addresses, cities, postcodes, descriptions and the client's reference are printed on
//! letters, shown to agents and matched by people. A character that is not drawn, or that
//! changes how the characters around it are drawn, makes text look like something else than
//! it is: a right-to-left override (U+202E) shows the text after it reversed, a zero-width space
//! makes two equal-looking names differ. Such characters are refused with the code point
//! named, rather than removed, so the client sees and fixes what it sent.
//!
//! Refused: every character of Unicode's "Other" categories — controls (Cc), formatting
//! characters (Cf: the bidirectional controls U+061C, U+200E–U+200F, U+202A–U+202E,
//! U+2066–U+2069, the zero-width U+200B–U+200D, U+2060, U+FEFF, the soft hyphen, …), private
//! use (Co) and unassigned code points (Cn) — and the line and paragraph separators (Zl, Zp).
//! The zero-width joiner and non-joiner (U+200C, U+200D) are refused too: scripts that need
//! them to spell names (Persian, Indic scripts) are not written on the letters of any market
//! Reilu serves, whose names and addresses are in Latin, Greek or Cyrillic script (the
//! latter two spell every name without them).

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Why `text` may not be stored in a free-text field: the first refused character, named by
/// its code point and what it is; None when every character may stay.
pub fn refused_character(text: &str) -> Option<String> {
    let (character, what) = text.chars().find_map(|character| {
        let what = what_is_refused(character)?;
        Some((character, what))
    })?;
    Some(format!(
        "contains U+{:04X}, {what}; remove it and send the text again",
        u32::from(character)
    ))
}

fn what_is_refused(character: char) -> Option<&'static str> {
    let what = match character.general_category() {
        GeneralCategory::Control => "a control character",
        GeneralCategory::Format => match character {
            '\u{061C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}' => {
                "a bidirectional-text control that makes text display in another order than it is stored"
            }
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => {
                "an invisible zero-width character"
            }
            _ => "an invisible formatting character",
        },
        GeneralCategory::PrivateUse => "a private-use character with no agreed meaning",
        GeneralCategory::Unassigned => "a code point Unicode has not assigned",
        GeneralCategory::Surrogate => "a surrogate",
        GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => "a line break",
        _ => return None,
    };
    Some(what)
}

/// ISO 3166-1 alpha-2 codes assigned to countries and territories (the ISO 3166 Maintenance
/// Agency's list of officially assigned codes, 249 of them), plus XK: Kosovo has no ISO code,
/// and XK, a user-assigned code, is the one the European Commission and the IBAN registry use
/// for it. Sorted, for a binary search.
const COUNTRY_CODES: [&str; 250] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Codes often written for a country whose ISO code is another: (written, ISO code).
const COMMON_MISTAKES: [(&str, &str); 2] = [("UK", "GB"), ("EL", "GR")];

/// Whether `code` (two capital letters) is an assigned country code; otherwise a hint.
pub fn country_code_problem(code: &str) -> Option<String> {
    if COUNTRY_CODES.binary_search(&code).is_ok() {
        return None;
    }
    let hint = COMMON_MISTAKES
        .iter()
        .find(|(written, _)| *written == code)
        .map(|(_, iso)| format!(" (did you mean {iso}?)"))
        .unwrap_or_default();
    Some(format!(
        "'{code}' is not an assigned ISO 3166-1 country code{hint}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_country_list_is_sorted_and_unique() {
        assert!(COUNTRY_CODES.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(COUNTRY_CODES.iter().all(|code| code.len() == 2));
    }

    #[test]
    fn assigned_codes_pass_and_unassigned_ones_are_named() {
        for code in ["FI", "SE", "GB", "AX", "XK", "ZW", "AD"] {
            assert_eq!(country_code_problem(code), None, "{code}");
        }
        for code in ["ZZ", "AA", "QM", "XX", "EU", "OO", "UK", "EL"] {
            assert!(country_code_problem(code).is_some(), "{code}");
        }
        let uk = country_code_problem("UK").unwrap_or_default();
        assert!(uk.contains("did you mean GB"), "{uk}");
    }

    #[test]
    fn invisible_and_reordering_characters_are_named_by_code_point() {
        for (text, code_point) in [
            ("Smith\u{202E}evil", "U+202E"),
            ("Smith\u{2066}x\u{2069}", "U+2066"),
            ("Sm\u{200B}ith", "U+200B"),
            ("Sm\u{200D}ith", "U+200D"),
            ("Sm\u{200C}ith", "U+200C"),
            ("\u{FEFF}Smith", "U+FEFF"),
            ("Sm\u{2060}ith", "U+2060"),
            ("Sm\u{00AD}ith", "U+00AD"),
            ("Line\u{2028}break", "U+2028"),
            ("Tab\there", "U+0009"),
            ("Bell\u{7}", "U+0007"),
            ("Private\u{E000}", "U+E000"),
        ] {
            let reason = refused_character(text).unwrap_or_default();
            assert!(reason.contains(code_point), "{text:?}: {reason}");
        }
        for text in [
            "Maija Meikäläinen",
            "Ørjan Ødegård",
            "Zoë O'Brien-Łukasiewicz",
            "Αλέξανδρος Παπαδόπουλος",
            "Иван Петров",
            "Şükrü Öztürk",
            "Mannerheimintie 1 A 2",
        ] {
            assert_eq!(refused_character(text), None, "{text}");
        }
    }
}
