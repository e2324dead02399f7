//! Poland: PESEL and NIP.

use chrono::Datelike;

use super::NationalIdError;
use super::util::{self, SplitMix64};

const PESEL_WEIGHTS: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
const NIP_WEIGHTS: [u32; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];

/// PESEL YYMMDDZZZXQ (Ustawa o ewidencji ludności): the month carries the century (+80 for
/// the 1800s, +0 1900s, +20 2000s, +40 2100s, +60 2200s) and Q = (10 − Σ d·w mod 10) mod 10
/// with weights 1 3 7 9 1 3 7 9 1 3.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &['-'])?, 11, "11 digits")?;
    let check = pesel_check(&digits[..10]);
    if digits[10] != check {
        return Err(util::expected_digit(check));
    }
    let coded_month = digits[2] * 10 + digits[3];
    let century = match coded_month / 20 {
        0 => 1900,
        1 => 2000,
        2 => 2100,
        3 => 2200,
        _ => 1800,
    };
    let year = century + (digits[0] * 10 + digits[1]) as i32;
    util::birth_date(year, coded_month % 20, digits[4] * 10 + digits[5])?;
    Ok(util::to_string(&digits))
}

fn pesel_check(first10: &[u32]) -> u32 {
    (10 - util::weighted(first10, &PESEL_WEIGHTS) % 10) % 10
}

/// NIP (Numer Identyfikacji Podatkowej): ten digits, the last being Σ d·w mod 11 over the
/// first nine with weights 6 5 7 2 3 4 5 6 7; a remainder of 10 is never issued. Written with
/// dashes in two layouts, so the canonical form is the plain digits; the "PL" VAT prefix is
/// accepted.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-'])?;
    let digits = util::digits_of_len(util::strip_prefix(&cleaned, &["PL"]), 10, "10 digits")?;
    let check = util::weighted(&digits[..9], &NIP_WEIGHTS) % 11;
    if check == 10 {
        return Err(NationalIdError::Checksum);
    }
    if digits[9] != check {
        return Err(util::expected_digit(check));
    }
    Ok(util::to_string(&digits))
}

/// A PESEL.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    let date = rng.birth_date();
    let mut digits = util::yymmdd(date);
    if date.year() >= 2000 {
        digits[2] += 2; // month + 20
    }
    digits.extend(rng.digits(4));
    digits.push(pesel_check(&digits));
    util::to_string(&digits)
}

/// A NIP.
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    loop {
        let mut digits = vec![rng.range(1, 9)];
        digits.extend(rng.digits(8));
        let check = util::weighted(&digits, &NIP_WEIGHTS) % 11;
        if check < 10 {
            digits.push(check);
            return util::to_string(&digits);
        }
    }
}
