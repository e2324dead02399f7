//! The national reference formats of Finland, Norway, Sweden and Belgium.

use super::ReferenceError;
use super::checks;
use super::rf;

/// Finnish viitenumero: the base digits followed by the 7-3-1 check digit.
///
/// Finanssiala's structure guide requires 4–20 digits with the check digit, so `base` should be
/// at least 100 (smaller bases give a 2–3 digit reference that banks may refuse) and below 10¹⁹.
pub fn fi_reference(base: u64) -> String {
    let digits = base.to_string();
    format!("{digits}{}", checks::fi_731(&digits))
}

/// Validates a Finnish viitenumero as typed (spaces allowed, leading zeros are not significant
/// and dropped) and returns its digits: 4–20 digits whose last is the 7-3-1 check digit.
pub fn fi_reference_parse(input: &str) -> Result<String, ReferenceError> {
    const WHAT: &str = "a viitenumero";
    let s = checks::compact(input, WHAT, |c| c.is_ascii_digit())?;
    let s = s.trim_start_matches('0');
    checks::length(s, WHAT, 4, 20)?;
    let (base, check) = s.split_at(s.len() - 1);
    let expected = checks::fi_731(base);
    if check != expected.to_string() {
        return Err(ReferenceError::CheckDigits {
            expected: expected.to_string(),
        });
    }
    Ok(s.to_string())
}

/// The print form of a viitenumero: groups of five digits counted from the right ("12 34561").
pub fn fi_reference_display(canonical: &str) -> String {
    let digits: Vec<char> = canonical.chars().filter(char::is_ascii_digit).collect();
    let first = digits.len() % 5;
    let mut groups = Vec::new();
    if first > 0 {
        groups.push(digits[..first].iter().collect::<String>());
    }
    groups.extend(
        digits[first..]
            .chunks(5)
            .map(|g| g.iter().collect::<String>()),
    );
    groups.join(" ")
}

/// The Finnish RF form: an ISO 11649 reference whose base is the viitenumero of `base`
/// (Finanssiala: "RF + check digits + the national reference"), e.g. RF81 123453 for 12345.
pub fn fi_rf_reference(base: u64) -> String {
    rf::rf_for(&fi_reference(base))
}

/// Norwegian KID with the MOD 10 (Luhn) control digit. The base is written with at least three
/// digits (zero-padded; leading zeros are significant in a KID) so the KID has the 4 digits
/// Mastercard Payment Services (Nets) asks for at least.
pub fn no_kid(base: u64) -> String {
    let digits = format!("{base:03}");
    format!("{digits}{}", checks::luhn_digit(&digits))
}

/// Validates a KID as typed (spaces allowed) and returns it: 2–25 characters, digits with a
/// last control character valid under MOD 10 (Luhn) or MOD 11 (which may end in '-').
pub fn no_kid_parse(input: &str) -> Result<String, ReferenceError> {
    const WHAT: &str = "a KID";
    let s = checks::compact(input, WHAT, |c| c.is_ascii_digit() || c == '-')?;
    checks::length(&s, WHAT, 2, 25)?;
    let (base, check) = s.split_at(s.len() - 1);
    if let Some(found) = base.chars().find(|c| !c.is_ascii_digit()) {
        return Err(ReferenceError::Character { found, what: WHAT });
    }
    let mod10 = checks::luhn_digit(base).to_string();
    let mod11 = checks::kid_mod11(base).to_string();
    if check != mod10 && check != mod11 {
        return Err(ReferenceError::CheckDigits {
            expected: format!("{mod10} (MOD10) or {mod11} (MOD11)"),
        });
    }
    Ok(s)
}

/// Swedish OCR reference, Bankgirot's "variable length with length check": the base digits,
/// a length digit (the whole reference's length mod 10, both control digits counted) and a
/// Luhn check digit over everything before it.
pub fn se_ocr(base: u64) -> String {
    let digits = base.to_string();
    let with_length = format!("{digits}{}", (digits.len() + 2) % 10);
    format!("{with_length}{}", checks::luhn_digit(&with_length))
}

/// Validates a Swedish OCR reference with length digit as typed (spaces allowed): 3–25 digits,
/// Luhn-valid, with the next-to-last digit equal to the length mod 10.
pub fn se_ocr_parse(input: &str) -> Result<String, ReferenceError> {
    const WHAT: &str = "an OCR reference";
    let s = checks::compact(input, WHAT, |c| c.is_ascii_digit())?;
    checks::length(&s, WHAT, 3, 25)?;
    let (body, check) = s.split_at(s.len() - 1);
    let expected = checks::luhn_digit(body);
    if check != expected.to_string() {
        return Err(ReferenceError::CheckDigits {
            expected: expected.to_string(),
        });
    }
    let length_digit = (s.len() % 10) as u32;
    if body.chars().last().and_then(|c| c.to_digit(10)) != Some(length_digit) {
        return Err(ReferenceError::LengthDigit {
            expected: length_digit,
        });
    }
    Ok(s)
}

/// Belgian structured communication (OGM/VCS, Febelfin): ten digits and two check digits,
/// the ten digits mod 97 with 97 for 0, printed +++DDD/DDDD/DDDCC+++. It has room for ten
/// digits, so only the last ten digits of `base` are used; `for_case` never passes more.
pub fn be_structured(base: u64) -> String {
    let base = base % 10_000_000_000;
    let check = match base % 97 {
        0 => 97,
        r => r,
    };
    be_display(&format!("{base:010}{check:02}"))
}

fn be_display(digits: &str) -> String {
    format!("+++{}/{}/{}+++", &digits[..3], &digits[3..7], &digits[7..])
}

/// Validates a structured communication as typed, with or without the +++ (or ***) frame,
/// slashes and spaces, and returns its print form +++DDD/DDDD/DDDCC+++.
pub fn be_structured_parse(input: &str) -> Result<String, ReferenceError> {
    const WHAT: &str = "a structured communication";
    let s = checks::compact(input, WHAT, |c| {
        c.is_ascii_digit() || matches!(c, '+' | '*' | '/')
    })?
    .replace(['+', '*', '/'], "");
    checks::length(&s, WHAT, 12, 12)?;
    let base: u64 = s[..10].parse().unwrap_or(0);
    let expected = match base % 97 {
        0 => 97,
        r => r,
    };
    if s[10..] != format!("{expected:02}") {
        return Err(ReferenceError::CheckDigits {
            expected: format!("{expected:02}"),
        });
    }
    Ok(be_display(&s))
}
