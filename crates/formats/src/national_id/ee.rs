//! Estonia (and, with the same check digit, Lithuania): isikukood and registrikood.

use chrono::Datelike;

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// The Estonian/Lithuanian check digit (Riigi Teataja 106032012004 for Estonia; Lithuania uses
/// the same rule for the asmens kodas): Σ d·w mod 11 with
/// weights 1 2 3 4 5 6 7 8 9 1 …; if that is 10, again with weights 3 4 5 6 7 8 9 1 2 3 …;
/// a second 10 gives 0.
pub(crate) fn check_digit(digits: &[u32]) -> u32 {
    let first: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| d * (i as u32 % 9 + 1))
        .sum::<u32>()
        % 11;
    if first < 10 {
        return first;
    }
    let second: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| d * ((i as u32 + 2) % 9 + 1))
        .sum::<u32>()
        % 11;
    second % 10
}

/// The century and birth date encoded in GYYMMDD (G: 1–2 → 1800s, 3–4 → 1900s, 5–6 → 2000s,
/// 7–8 → 2100s; odd for men, even for women).
pub(crate) fn birth_date(digits: &[u32]) -> Result<(), NationalIdError> {
    let century = match digits[0] {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        7 | 8 => 2100,
        _ => return Err(NationalIdError::Component("the first digit must be 1 to 8")),
    };
    let year = century + (digits[1] * 10 + digits[2]) as i32;
    util::birth_date(year, digits[3] * 10 + digits[4], digits[5] * 10 + digits[6]).map(|_| ())
}

/// Isikukood GYYMMDDSSSC: century-and-sex digit, date of birth, serial and check digit.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &[])?, 11, "11 digits")?;
    birth_date(&digits)?;
    verify(&digits)
}

/// Registrikood: eight digits starting with 1 (companies), 7 (state), 8 (non-profits) or
/// 9 (foundations), with the isikukood check digit (Registrite ja Infosüsteemide Keskus).
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &[])?, 8, "8 digits")?;
    if !matches!(digits[0], 1 | 7 | 8 | 9) {
        return Err(NationalIdError::Component(
            "a registry code starts with 1, 7, 8 or 9",
        ));
    }
    verify(&digits)
}

/// Checks the last digit and returns the digits as the canonical form.
pub(crate) fn verify(digits: &[u32]) -> Result<String, NationalIdError> {
    let (body, last) = digits.split_at(digits.len() - 1);
    let check = check_digit(body);
    if last[0] != check {
        return Err(util::expected_digit(check));
    }
    Ok(util::to_string(digits))
}

/// GYYMMDDSSSC for a generated person.
pub(crate) fn generate_code(rng: &mut SplitMix64) -> String {
    let date = rng.birth_date();
    let male = rng.range(0, 1);
    let first = if date.year() >= 2000 {
        6 - male
    } else {
        4 - male
    };
    let mut digits = vec![first];
    digits.extend(util::yymmdd(date));
    digits.extend(rng.digits(3));
    digits.push(check_digit(&digits));
    util::to_string(&digits)
}

/// An isikukood.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    generate_code(rng)
}

/// A company registry code (starting with 1).
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let mut digits = vec![1];
    digits.extend(rng.digits(6));
    digits.push(check_digit(&digits));
    util::to_string(&digits)
}
