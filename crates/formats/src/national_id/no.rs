//! Norway: fødselsnummer / D-nummer and organisasjonsnummer.

use chrono::Datelike;

use super::NationalIdError;
use super::util::{self, SplitMix64};

const K1_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// Mod 11 control digit as Skatteetaten defines it: 11 − (Σ w·d mod 11), where 11 becomes 0
/// and 10 means the digits can never form a valid number.
fn mod11(digits: &[u32], weights: &[u32]) -> Option<u32> {
    match 11 - util::weighted(digits, weights) % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

/// Fødselsnummer DDMMYYIIIKK (Skatteetaten, Folkeregisteret): date of birth, individual number
/// III (which also tells the century) and two mod-11 control digits K1, K2. A D-nummer adds 4 to
/// the first digit, an H-nummer adds 4 to the third; FH-numbers (first digit 8 or 9) carry no
/// date and are refused.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &['-'])?, 11, "11 digits")?;
    let k1 = mod11(&digits[..9], &K1_WEIGHTS).ok_or(NationalIdError::Checksum)?;
    let k2 =
        mod11(&[&digits[..9], &[k1][..]].concat(), &K2_WEIGHTS).ok_or(NationalIdError::Checksum)?;
    if digits[9..] != [k1, k2] {
        return Err(NationalIdError::CheckCharacter {
            expected: format!("{k1}{k2}"),
        });
    }
    let mut day = digits[0] * 10 + digits[1];
    let mut month = digits[2] * 10 + digits[3];
    let yy = (digits[4] * 10 + digits[5]) as i32;
    if day >= 80 {
        return Err(NationalIdError::Component(
            "FH-numbers carry no date of birth and are not accepted",
        ));
    }
    if day > 40 {
        day -= 40; // D-nummer
    }
    if month > 40 {
        month -= 40; // H-nummer
    }
    let year = century(util::number(&digits[6..9]) as u32, yy).ok_or(
        NationalIdError::Component("the individual number does not fit the year of birth"),
    )? + yy;
    util::birth_date(year, month, day)?;
    Ok(util::to_string(&digits))
}

/// The century told by the individual number (Skatteetaten's allocation table).
fn century(individual: u32, yy: i32) -> Option<i32> {
    match individual {
        0..=499 => Some(1900),
        500..=749 if yy >= 54 => Some(1800),
        500..=999 if yy < 40 => Some(2000),
        900..=999 => Some(1900),
        _ => None,
    }
}

/// Organisasjonsnummer (Brønnøysundregistrene): nine digits, the last a mod-11 control digit
/// with weights 3 2 7 6 5 4 3 2; numbers whose control digit would be 10 are never issued.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-', '.'])?;
    let digits = util::digits_of_len(&cleaned, 9, "9 digits")?;
    let check = mod11(&digits[..8], &[3, 2, 7, 6, 5, 4, 3, 2]).ok_or(NationalIdError::Checksum)?;
    if digits[8] != check {
        return Err(util::expected_digit(check));
    }
    Ok(cleaned)
}

/// A fødselsnummer; about one in ten is a D-nummer.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    loop {
        let date = rng.birth_date();
        let mut digits = util::ddmmyy(date);
        if rng.range(0, 9) == 0 {
            digits[0] += 4;
        }
        let individual = if date.year() >= 2000 {
            rng.range(500, 999)
        } else {
            rng.range(0, 499)
        };
        digits.extend([individual / 100, individual / 10 % 10, individual % 10]);
        let Some(k1) = mod11(&digits, &K1_WEIGHTS) else {
            continue;
        };
        digits.push(k1);
        let Some(k2) = mod11(&digits, &K2_WEIGHTS) else {
            continue;
        };
        digits.push(k2);
        return util::to_string(&digits);
    }
}

/// An organisasjonsnummer starting with 9 (as companies' numbers do).
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    loop {
        let mut digits = vec![9];
        digits.extend(rng.digits(7));
        if let Some(check) = mod11(&digits, &[3, 2, 7, 6, 5, 4, 3, 2]) {
            digits.push(check);
            return util::to_string(&digits);
        }
    }
}
