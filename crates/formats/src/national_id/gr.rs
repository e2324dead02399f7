//! Greece: AMKA (persons) and AFM (businesses).

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// AMKA DDMMYYNNNNC (ΗΔΙΚΑ, amka.gr): date of birth, serial and a Luhn check digit. The year
/// has no century, so the date must exist in the 1900s or the 2000s.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &['-'])?, 11, "11 digits")?;
    if util::luhn_sum(&digits) != 0 {
        return Err(util::expected_digit(util::luhn_digit(&digits[..10])));
    }
    let (day, month, yy) = (
        digits[0] * 10 + digits[1],
        digits[2] * 10 + digits[3],
        (digits[4] * 10 + digits[5]) as i32,
    );
    if !util::date_exists(1900 + yy, month, day) && !util::date_exists(2000 + yy, month, day) {
        return Err(NationalIdError::InvalidDate {
            date: format!("(19/20){yy:02}-{month:02}-{day:02}"),
        });
    }
    Ok(util::to_string(&digits))
}

/// AFM (ΑΦΜ, Ανεξάρτητη Αρχή Δημοσίων Εσόδων): nine digits (old eight-digit numbers get a
/// leading 0); the last is (Σ d·2^(8−i) mod 11) mod 10 over the first eight. The "EL" and "GR"
/// VAT prefixes are accepted.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-', '.', '/'])?;
    let mut digits = util::all_digits(util::strip_prefix(&cleaned, &["EL", "GR"]))?;
    if digits.len() == 8 {
        digits.insert(0, 0);
    }
    if digits.len() != 9 {
        return Err(NationalIdError::Length {
            expected: "9 digits",
            got: digits.len(),
        });
    }
    let check = afm_check(&digits[..8]);
    if digits[8] != check {
        return Err(util::expected_digit(check));
    }
    Ok(util::to_string(&digits))
}

fn afm_check(first8: &[u32]) -> u32 {
    first8.iter().fold(0, |acc, d| acc * 2 + d) * 2 % 11 % 10
}

/// An AMKA.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    let mut digits = util::ddmmyy(rng.birth_date());
    digits.extend(rng.digits(4));
    digits.push(util::luhn_digit(&digits));
    util::to_string(&digits)
}

/// An AFM of a legal entity (starting with 0 or 9, as companies' numbers do).
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let mut digits = vec![if rng.range(0, 1) == 0 { 0 } else { 9 }];
    digits.extend(rng.digits(7));
    digits.push(afm_check(&digits));
    util::to_string(&digits)
}
