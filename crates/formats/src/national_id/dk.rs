//! Denmark: CPR-nummer and CVR-nummer.

use chrono::Datelike;

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// CPR-nummer DDMMYY-SSSS (CPR-kontoret): date of birth and a sequence number whose first digit
/// tells the century together with the year. Since 2007 numbers need not pass the old mod-11
/// check (CPR-kontoret ran out of them), so only the date and century are checked.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &['-'])?, 10, "10 digits")?;
    let yy = (digits[4] * 10 + digits[5]) as i32;
    let year = century(digits[6], yy) + yy;
    util::birth_date(year, digits[2] * 10 + digits[3], digits[0] * 10 + digits[1])?;
    Ok(format!(
        "{}-{}",
        util::to_string(&digits[..6]),
        util::to_string(&digits[6..])
    ))
}

/// CPR-kontoret's century table for the 7th digit.
fn century(seventh: u32, yy: i32) -> i32 {
    match seventh {
        0..=3 => 1900,
        4 | 9 if yy >= 37 => 1900,
        5..=8 if yy >= 58 => 1800,
        _ => 2000,
    }
}

/// CVR-nummer (Erhvervsstyrelsen): eight digits, not starting with 0, whose weighted sum with
/// weights 2 7 6 5 4 3 2 1 is divisible by 11. The "DK" VAT prefix is accepted.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-', '.'])?;
    let digits = util::digits_of_len(util::strip_prefix(&cleaned, &["DK"]), 8, "8 digits")?;
    if digits[0] == 0 {
        return Err(NationalIdError::Component(
            "a CVR number never starts with 0",
        ));
    }
    let check = (11 - util::weighted(&digits[..7], &[2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
    if check == 10 {
        return Err(NationalIdError::Checksum);
    }
    if digits[7] != check {
        return Err(util::expected_digit(check));
    }
    Ok(util::to_string(&digits))
}

/// A CPR number whose sequence digit fits the century of the date.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    let date = rng.birth_date();
    let seventh = if date.year() >= 2000 {
        rng.range(4, 8)
    } else {
        rng.range(0, 3)
    };
    let date_digits = util::ddmmyy(date);
    let mut sequence = vec![seventh];
    sequence.extend(rng.digits(3));
    format!(
        "{}-{}",
        util::to_string(&date_digits),
        util::to_string(&sequence)
    )
}

/// A CVR number.
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    loop {
        let mut digits = vec![rng.range(1, 4)];
        digits.extend(rng.digits(6));
        let check = (11 - util::weighted(&digits, &[2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
        if check < 10 {
            digits.push(check);
            return util::to_string(&digits);
        }
    }
}
