//! The EPC's Latin character set (EPC132-08 §1.4) and how free text is brought into it.
//!
//! The policy and its reasons are in the module documentation of `pain001`.

/// Whether `c` is in the Latin set: ASCII letters and digits, `/ - ? : ( ) . , ' +` and space.
pub(super) fn is_sepa_latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '/' | '-' | '?' | ':' | '(' | ')' | '.' | ',' | '\'' | '+' | ' '
        )
}

/// Brings free text into the Latin set: letters lose their diacritics, typographic punctuation
/// becomes plain, whitespace becomes a space and the ends are trimmed. Returns the first
/// character that has no faithful replacement.
pub(super) fn transliterate(text: &str) -> Result<String, char> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_sepa_latin(c) {
            out.push(c);
        } else if c.is_whitespace() {
            out.push(' ');
        } else if let Some(replacement) = latin_letter(c).or_else(|| punctuation(c)) {
            out.push_str(replacement);
        } else {
            return Err(c);
        }
    }
    Ok(out.trim_matches(' ').to_owned())
}

/// Why an identifier (`MsgId`, `PmtInfId`, `EndToEndId`) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IdentifierFault {
    Character(char),
    Malformed(&'static str),
}

/// Checks an identifier as the EPC guidelines require of references and identifications: only
/// the Latin set, no `/` at either end and no `//`. Leading or trailing spaces are refused too,
/// since a bank may strip them and then report back a different id.
pub(super) fn check_identifier(text: &str) -> Result<(), IdentifierFault> {
    if let Some(bad) = text.chars().find(|c| !is_sepa_latin(*c)) {
        return Err(IdentifierFault::Character(bad));
    }
    if text.starts_with('/') || text.ends_with('/') {
        return Err(IdentifierFault::Malformed("must not start or end with '/'"));
    }
    if text.contains("//") {
        return Err(IdentifierFault::Malformed("must not contain '//'"));
    }
    if text.starts_with(' ') || text.ends_with(' ') {
        return Err(IdentifierFault::Malformed(
            "must not start or end with a space",
        ));
    }
    Ok(())
}

/// Latin letters with diacritics (Latin-1 Supplement, Latin Extended-A, Romanian comma-below
/// letters) and the combining marks of decomposed text: the letter without its mark, or the
/// conventional spelling of a letter that is not "base + mark".
fn latin_letter(c: char) -> Option<&'static str> {
    let base = match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'Æ' => "AE",
        'æ' => "ae",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'Ð' | 'Ď' | 'Đ' => "D",
        'ð' | 'ď' | 'đ' => "d",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'Ĥ' | 'Ħ' => "H",
        'ĥ' | 'ħ' => "h",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'Ĳ' => "IJ",
        'ĳ' => "ij",
        'Ĵ' => "J",
        'ĵ' => "j",
        'Ķ' => "K",
        'ķ' | 'ĸ' => "k",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' | 'Ŋ' => "N",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŋ' => "n",
        'ŉ' => "'n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'Œ' => "OE",
        'œ' => "oe",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "S",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' => "s",
        'ß' => "ss",
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => "T",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'Þ' => "TH",
        'þ' => "th",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'Ŵ' => "W",
        'ŵ' => "w",
        'Ý' | 'Ŷ' | 'Ÿ' => "Y",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ź' | 'ż' | 'ž' => "z",
        // Combining diacritical marks: decomposed input loses the mark, as composed input does.
        '\u{0300}'..='\u{036F}' => "",
        _ => return None,
    };
    Some(base)
}

/// Punctuation with a plain equivalent in the Latin set.
fn punctuation(c: char) -> Option<&'static str> {
    let plain = match c {
        '"' | '“' | '”' | '„' | '‟' | '«' | '»' | '‘' | '’' | '‚' | '‛' | '`' | '´' | '‹' | '›' => {
            "'"
        }
        '‐' | '‑' | '‒' | '–' | '—' | '−' | '_' => "-",
        '<' | '[' | '{' => "(",
        '>' | ']' | '}' => ")",
        '\\' => "/",
        '&' => "+",
        _ => return None,
    };
    Some(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latin_set_is_exactly_the_epc_list() {
        let allowed: String = (0_u8..=127)
            .map(char::from)
            .filter(|c| is_sepa_latin(*c))
            .collect();
        assert_eq!(
            allowed,
            " '()+,-./0123456789:?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        );
    }

    #[test]
    fn letters_lose_their_marks_and_ligatures_are_spelled_out() {
        assert_eq!(transliterate("Mäkinen Åström"), Ok("Makinen Astrom".into()));
        assert_eq!(transliterate("Søren Ærø"), Ok("Soren AEro".into()));
        assert_eq!(transliterate("Straße Œuvre"), Ok("Strasse OEuvre".into()));
        assert_eq!(
            transliterate("Łódź Ștefănescu"),
            Ok("Lodz Stefanescu".into())
        );
        assert_eq!(transliterate("Þór Ðorð"), Ok("THor Dord".into()));
        // Decomposed: 'a' followed by U+0308 COMBINING DIAERESIS.
        assert_eq!(transliterate("Ma\u{0308}ki"), Ok("Maki".into()));
    }

    #[test]
    fn punctuation_and_whitespace_become_plain() {
        assert_eq!(
            transliterate("\u{a0}Smith & Sons <AB> \"Q\" O’Brien – x_y\t[1]\n"),
            Ok("Smith + Sons (AB) 'Q' O'Brien - x-y (1)".into())
        );
    }

    #[test]
    fn other_scripts_and_symbols_are_refused() {
        assert_eq!(transliterate("Иван"), Err('И'));
        assert_eq!(transliterate("Αλφα"), Err('Α'));
        assert_eq!(transliterate("a@b"), Err('@'));
        assert_eq!(transliterate("10 €"), Err('€'));
        assert_eq!(transliterate("bell\u{7}"), Err('\u{7}'));
    }

    #[test]
    fn identifiers_follow_the_slash_rules() {
        assert_eq!(check_identifier("REILU-2025/03/01-1"), Ok(()));
        for bad in ["/A", "A/", "A//B"] {
            assert!(matches!(
                check_identifier(bad),
                Err(IdentifierFault::Malformed(_))
            ));
        }
        assert_eq!(
            check_identifier(" A"),
            Err(IdentifierFault::Malformed(
                "must not start or end with a space"
            ))
        );
        assert_eq!(check_identifier("Ä1"), Err(IdentifierFault::Character('Ä')));
        assert_eq!(
            check_identifier("A_1"),
            Err(IdentifierFault::Character('_'))
        );
    }
}
