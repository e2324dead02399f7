//! Austria: Sozialversicherungsnummer (persons) and UID-Nummer (businesses).

use super::NationalIdError;
use super::util::{self, SplitMix64};

const VNR_WEIGHTS: [u32; 10] = [3, 7, 9, 0, 5, 8, 4, 2, 1, 6];

/// Versicherungsnummer NNNC DDMMYY (Dachverband der Sozialversicherungsträger): a serial
/// not starting with 0, the check digit C in 4th place = Σ d·w mod 11 with weights
/// 3 7 9 (C) 5 8 4 2 1 6, and six digits that are usually, but not always, the date of birth
/// (so they are not checked as a date). Serials whose check would be 10 are not issued.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &['-', '/'])?, 10, "10 digits")?;
    if digits[0] == 0 {
        return Err(NationalIdError::Component(
            "an insurance number never starts with 0",
        ));
    }
    let check = util::weighted(&digits, &VNR_WEIGHTS) % 11;
    if check == 10 {
        return Err(NationalIdError::Checksum);
    }
    if digits[3] != check {
        return Err(util::expected_digit(check));
    }
    Ok(util::to_string(&digits))
}

/// UID-Nummer ATU NNNNNNNC (Bundesministerium für Finanzen): "U", seven digits and a check
/// digit C = (96 − Luhn sum of the seven digits) mod 10, i.e. a Luhn check offset by 4.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-', '.', '/'])?;
    let rest = cleaned.strip_prefix("AT").unwrap_or(&cleaned);
    let Some(number) = rest.strip_prefix('U') else {
        return Err(NationalIdError::Format {
            expected: "a UID number (ATU and 8 digits)",
        });
    };
    let digits = util::digits_of_len(number, 8, "8 digits after ATU")?;
    let check = uid_check(&digits[..7]);
    if digits[7] != check {
        return Err(util::expected_digit(check));
    }
    Ok(format!("ATU{}", util::to_string(&digits)))
}

/// The UID check digit: (6 − Luhn sum of the seven digits) mod 10.
fn uid_check(first7: &[u32]) -> u32 {
    (10 + 6 - util::luhn_sum(first7)) % 10
}

/// A Versicherungsnummer built from a generated date of birth.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    loop {
        let mut digits = vec![rng.range(1, 9), rng.range(0, 9), rng.range(0, 9), 0];
        digits.extend(util::ddmmyy(rng.birth_date()));
        let check = util::weighted(&digits, &VNR_WEIGHTS) % 11;
        if check < 10 {
            digits[3] = check;
            return util::to_string(&digits);
        }
    }
}

/// A UID number.
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let mut digits = vec![rng.range(1, 7)];
    digits.extend(rng.digits(6));
    digits.push(uid_check(&digits));
    format!("ATU{}", util::to_string(&digits))
}
