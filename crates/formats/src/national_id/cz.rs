//! Czechia and Slovakia: rodné číslo (shared since Czechoslovakia); Czech IČO.

use chrono::Datelike;

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// Rodné číslo YYMMDD/SSSC (Czech Act 133/2000 Coll.; Slovak Act 301/1995 Coll.): date of birth
/// with 50 added to the month for women and, once a day's serials run out, another 20. Numbers
/// issued before 1954 have nine digits and no check digit; later ones have ten and the whole
/// number is divisible by 11, except that a remainder of 10 from the first nine digits was
/// written as check digit 0 (used until 1985).
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::all_digits(&util::clean(input, &['/'])?)?;
    if digits.len() != 9 && digits.len() != 10 {
        return Err(NationalIdError::Length {
            expected: "9 or 10 digits",
            got: digits.len(),
        });
    }
    let yy = (digits[0] * 10 + digits[1]) as i32;
    let coded_month = digits[2] * 10 + digits[3];
    let month = match coded_month {
        1..=12 => coded_month,
        21..=32 => coded_month - 20,
        51..=62 => coded_month - 50,
        71..=82 => coded_month - 70,
        _ => {
            return Err(NationalIdError::Component(
                "the month must be 01-12, 21-32, 51-62 or 71-82",
            ));
        }
    };
    let year = if digits.len() == 9 {
        // Nine-digit numbers were issued until 1953, so years 80-99 mean the 1880s and 1890s.
        match yy {
            0..=53 => 1900 + yy,
            80.. => 1800 + yy,
            _ => {
                return Err(NationalIdError::Length {
                    expected: "10 digits (born 1954 or later)",
                    got: 9,
                });
            }
        }
    } else if yy < 54 {
        2000 + yy
    } else {
        1900 + yy
    };
    util::birth_date(year, month, digits[4] * 10 + digits[5])?;
    if digits.len() == 10 {
        let check = rc_check(&digits[..9]);
        if digits[9] != check {
            return Err(util::expected_digit(check));
        }
    }
    Ok(format!(
        "{}/{}",
        util::to_string(&digits[..6]),
        util::to_string(&digits[6..])
    ))
}

fn rc_check(first9: &[u32]) -> u32 {
    (util::number(first9) % 11 % 10) as u32
}

/// IČO (Czech Statistical Office): eight digits including leading zeros, the
/// last = (11 − Σ d·w mod 11) mod 10 with weights 8 7 6 5 4 3 2, where remainder 0 gives 1.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['/'])?;
    let digits = util::digits_of_len(util::strip_prefix(&cleaned, &["CZ"]), 8, "8 digits")?;
    let check = ico_check(&digits[..7]);
    if digits[7] != check {
        return Err(util::expected_digit(check));
    }
    Ok(util::to_string(&digits))
}

fn ico_check(first7: &[u32]) -> u32 {
    match util::weighted(first7, &[8, 7, 6, 5, 4, 3, 2]) % 11 {
        0 => 1,
        1 => 0,
        r => 11 - r,
    }
}

/// A ten-digit rodné číslo (all generated people are born after 1953).
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    loop {
        let date = rng.birth_date();
        let mut digits = util::yymmdd(date);
        if rng.range(0, 1) == 1 {
            digits[2] += 5; // women: month + 50
        }
        digits.extend(rng.digits(3));
        let check = util::number(&digits) % 11;
        // Since 1985 a remainder of 10 is not issued; skip it like the registry does.
        if date.year() < 1954 || check == 10 {
            continue;
        }
        digits.push(check as u32);
        return format!(
            "{}/{}",
            util::to_string(&digits[..6]),
            util::to_string(&digits[6..])
        );
    }
}

/// An IČO.
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let mut digits = vec![rng.range(0, 8)];
    digits.extend(rng.digits(6));
    digits.push(ico_check(&digits));
    util::to_string(&digits)
}
