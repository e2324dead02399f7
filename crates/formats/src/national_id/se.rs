//! Sweden: personnummer / samordningsnummer and organisationsnummer.

use chrono::Datelike;

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// Personnummer (Folkbokföringslagen 1991:481, 18 §; Skatteverket SKV 704): YYMMDD-NNNC or
/// YYYYMMDD-NNNC. C is the Luhn check digit of the nine digits YYMMDDNNN. In the 10-digit
/// form the century is not written: the separator is '-' below age 100 and '+' from the year
/// one turns 100. A samordningsnummer (18 a §) adds 60 to the day.
///
/// The canonical form is the unambiguous 12-digit one, YYYYMMDD-NNNC.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let s: String = input.split_whitespace().collect();
    let plus = s.contains('+');
    let separators = s.chars().filter(|c| matches!(c, '-' | '+')).count();
    let digits = util::all_digits(&s.replace(['-', '+'], ""))?;
    if digits.len() != 10 && digits.len() != 12 {
        return Err(NationalIdError::Length {
            expected: "10 or 12 digits",
            got: digits.len(),
        });
    }
    // A separator belongs only in front of the last four digits.
    let separator_at = s.find(['-', '+']);
    if separators > 1 || separator_at.is_some_and(|at| at + 5 != s.len()) {
        return Err(NationalIdError::Format {
            expected: "a personnummer (YYMMDD-NNNN)",
        });
    }
    let (year, rest) = if digits.len() == 12 {
        (util::number(&digits[..4]) as i32, &digits[4..])
    } else {
        (
            full_year(util::number(&digits[..2]) as i32, plus),
            &digits[2..],
        )
    };
    let month = rest[0] * 10 + rest[1];
    let day = rest[2] * 10 + rest[3];
    let real_day = if day > 60 { day - 60 } else { day };
    util::birth_date(year, month, real_day)?;
    let ten = &digits[digits.len() - 10..];
    if util::luhn_sum(ten) != 0 {
        return Err(util::expected_digit(util::luhn_digit(&ten[..9])));
    }
    Ok(format!(
        "{year:04}{}-{}",
        util::to_string(&rest[..4]),
        util::to_string(&rest[4..])
    ))
}

/// The latest year ending in `yy` that is not after this year; a '+' means 100 years earlier.
fn full_year(yy: i32, plus: bool) -> i32 {
    let this_year = util::today().year();
    let mut year = this_year - (this_year % 100) + yy;
    if year > this_year {
        year -= 100;
    }
    if plus { year - 100 } else { year }
}

/// Organisationsnummer (Bolagsverket/Skatteverket): ten digits with a Luhn check digit, written
/// NNNNNN-NNNN. The 12-digit form with the "16" prefix used in some files is accepted.
/// Sole traders use their personnummer, so the month digits are not restricted.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-', '.'])?;
    let mut digits = util::all_digits(&cleaned)?;
    if digits.len() == 12 && digits[..2] == [1, 6] {
        digits.drain(..2);
    }
    if digits.len() != 10 {
        return Err(NationalIdError::Length {
            expected: "10 digits",
            got: digits.len(),
        });
    }
    if util::luhn_sum(&digits) != 0 {
        return Err(util::expected_digit(util::luhn_digit(&digits[..9])));
    }
    Ok(format!(
        "{}-{}",
        util::to_string(&digits[..6]),
        util::to_string(&digits[6..])
    ))
}

/// A personnummer in the 12-digit form; about one in ten is a samordningsnummer.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    let date = rng.birth_date();
    let mut digits = util::yymmdd(date);
    if rng.range(0, 9) == 0 {
        digits[4] += 6;
    }
    digits.extend(rng.digits(3));
    digits.push(util::luhn_digit(&digits));
    format!(
        "{:02}{}-{}",
        date.year() / 100,
        util::to_string(&digits[..6]),
        util::to_string(&digits[6..])
    )
}

/// An aktiebolag-style organisationsnummer (55NNNN-NNNC).
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let mut digits = vec![5, 5, rng.range(6, 9)];
    digits.extend(rng.digits(6));
    digits.push(util::luhn_digit(&digits));
    format!(
        "{}-{}",
        util::to_string(&digits[..6]),
        util::to_string(&digits[6..])
    )
}
