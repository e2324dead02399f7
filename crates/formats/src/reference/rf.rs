//! ISO 11649 structured creditor reference ("RF reference").

use super::ReferenceError;
use super::checks;

const WHAT: &str = "an RF creditor reference";
/// ISO 11649: up to 21 characters of the creditor's own reference.
const MAX_BASE: usize = 21;

/// The two ISO 11649 check digits for `base` (upper-case letters and digits): append "RF00",
/// read letters as A = 10 … Z = 35, and take 98 − (that number mod 97), written with two digits.
fn check_digits(base: &str) -> u32 {
    98 - checks::mod97(&format!("{base}RF00"))
}

/// Builds the RF reference for a base the caller has already validated.
pub(crate) fn rf_for(base: &str) -> String {
    format!("RF{:02}{base}", check_digits(base))
}

/// Builds an ISO 11649 RF creditor reference from the creditor's own reference `base`
/// (1–21 letters and digits; spaces are ignored, letters are upper-cased). The result is the
/// electronic form without spaces, e.g. "RF18539007547034"; see [`rf_display`] for print.
pub fn rf_from_base(base: &str) -> Result<String, ReferenceError> {
    let base = checks::compact(base, WHAT, |c| c.is_ascii_alphanumeric())?.to_ascii_uppercase();
    checks::length(&base, "the base of an RF creditor reference", 1, MAX_BASE)?;
    Ok(rf_for(&base))
}

/// Validates an RF creditor reference as typed (spaces and dashes between groups, any case)
/// and returns the electronic form. Per ISO 11649 the check digits are valid when moving
/// "RFcc" to the end gives a number whose MOD 97-10 remainder is 1; as the standard builds
/// them as 98 − remainder, only 02–98 are accepted.
pub fn rf_parse(input: &str) -> Result<String, ReferenceError> {
    let s = checks::compact(input, WHAT, |c| c.is_ascii_alphanumeric() || c == '-')?
        .replace('-', "")
        .to_ascii_uppercase();
    if !s.starts_with("RF") {
        return Err(ReferenceError::NotRf);
    }
    checks::length(&s, WHAT, 5, 4 + MAX_BASE)?;
    let (check, base) = (&s[2..4], &s[4..]);
    let expected = format!("{:02}", check_digits(base));
    if check != expected {
        return Err(ReferenceError::CheckDigits { expected });
    }
    Ok(s)
}

/// The print form of an RF reference: groups of four characters separated by spaces
/// ("RF18 5390 0754 7034"), the last group possibly shorter.
pub fn rf_display(canonical: &str) -> String {
    let chars: Vec<char> = canonical.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}
