//! France: NIR (numéro de sécurité sociale) and SIREN.

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// NIR SYYMMDDCCCOOOKK (INSEE): sex, year and month of birth, département (2A/2B for Corsica),
/// commune, serial and key KK = 97 − (first 13 digits mod 97), reading 2A as 19 and 2B as 18.
/// Only the layout and key are checked: the month may be 20 or more for unknown months.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let s = util::clean(input, &['.', '-'])?;
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 15 {
        return Err(NationalIdError::Length {
            expected: "15 characters",
            got: chars.len(),
        });
    }
    let numeric = match &s[5..7] {
        "2A" => format!("{}19{}", &s[..5], &s[7..]),
        "2B" => format!("{}18{}", &s[..5], &s[7..]),
        _ => s.clone(),
    };
    let digits = util::all_digits(&numeric)?;
    let key = 97 - util::number(&digits[..13]) % 97;
    if util::number(&digits[13..]) != key {
        return Err(NationalIdError::CheckCharacter {
            expected: format!("{key:02}"),
        });
    }
    Ok(s)
}

/// SIREN (INSEE): nine digits with a Luhn check digit.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &['.'])?, 9, "9 digits")?;
    if util::luhn_sum(&digits) != 0 {
        return Err(util::expected_digit(util::luhn_digit(&digits[..8])));
    }
    Ok(util::to_string(&digits))
}

/// A NIR for someone born in metropolitan France.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    let date = rng.birth_date();
    let mut digits = vec![rng.range(1, 2)];
    digits.extend(util::yymmdd(date).into_iter().take(4));
    let department = rng.range(1, 95);
    digits.extend([department / 10, department % 10]);
    digits.extend(rng.digits(6));
    let key = 97 - util::number(&digits) % 97;
    format!("{}{key:02}", util::to_string(&digits))
}

/// A SIREN.
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let mut digits = vec![rng.range(3, 9)];
    digits.extend(rng.digits(7));
    digits.push(util::luhn_digit(&digits));
    util::to_string(&digits)
}
