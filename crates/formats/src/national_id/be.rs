//! Belgium: rijksregisternummer / BIS-nummer (INSZ) and ondernemingsnummer (KBO/BCE).

use chrono::Datelike;

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// INSZ/NISS YY.MM.DD-SSS.CC (Rijksregister, IT000 instructions; Kruispuntbank for BIS): the
/// date of birth, a serial and CC = 97 − (YYMMDDSSS mod 97). For people born from 2000 on the
/// check is taken over 2YYMMDDSSS instead. A BIS-nummer adds 20 or 40 to the month. Month 00 or
/// day 00 (and a day past the month's end) stand for a partly unknown date and are accepted.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-', '.'])?;
    let digits = util::digits_of_len(&cleaned, 11, "11 digits")?;
    let body = util::number(&digits[..9]);
    let check = util::number(&digits[9..]);
    let yy = (digits[0] * 10 + digits[1]) as i32;
    let century = if 97 - body % 97 == check {
        1900
    } else if 97 - (2_000_000_000 + body) % 97 == check && 2000 + yy <= util::today().year() {
        2000
    } else {
        return Err(NationalIdError::Checksum);
    };
    let coded_month = digits[2] * 10 + digits[3];
    if !matches!(coded_month, 0..=12 | 20..=32 | 40..=52) {
        return Err(NationalIdError::Component(
            "the month must be 00-12 (20-32 or 40-52 for a BIS number)",
        ));
    }
    let month = coded_month % 20;
    let day = digits[4] * 10 + digits[5];
    // Only a fully known date is checked; partly unknown dates are written with zeros.
    if month != 0 && day != 0 && util::date_exists(century + yy, month, day) {
        util::birth_date(century + yy, month, day)?;
    }
    let t = util::to_string(&digits);
    Ok(format!(
        "{}.{}.{}-{}.{}",
        &t[..2],
        &t[2..4],
        &t[4..6],
        &t[6..9],
        &t[9..]
    ))
}

/// Ondernemingsnummer 0NNN.NNN.NNN (Kruispuntbank van Ondernemingen): ten digits starting with
/// 0 or 1, the last two being 97 − (first eight mod 97). The old nine-digit form and the "BE"
/// VAT prefix are accepted.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    // "(0)" is how the leading zero of the ten-digit form is sometimes written.
    let cleaned = util::clean(&input.replace("(0)", "0"), &['-', '.', '/'])?;
    let mut digits = util::all_digits(util::strip_prefix(&cleaned, &["BE"]))?;
    if digits.len() == 9 {
        digits.insert(0, 0);
    }
    if digits.len() != 10 {
        return Err(NationalIdError::Length {
            expected: "10 digits",
            got: digits.len(),
        });
    }
    if digits[0] > 1 {
        return Err(NationalIdError::Component(
            "an enterprise number starts with 0 or 1",
        ));
    }
    let check = 97 - util::number(&digits[..8]) % 97;
    if util::number(&digits[8..]) != check {
        return Err(NationalIdError::CheckCharacter {
            expected: format!("{check:02}"),
        });
    }
    let t = util::to_string(&digits);
    Ok(format!("{}.{}.{}", &t[..4], &t[4..7], &t[7..]))
}

/// A national number (about one in ten a BIS number).
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    let date = rng.birth_date();
    let mut digits = util::yymmdd(date);
    if rng.range(0, 9) == 0 {
        digits[2] += 4; // BIS number, sex known: month + 40
    }
    digits.extend([rng.range(0, 9), rng.range(0, 9), rng.range(1, 7)]);
    let mut body = util::number(&digits);
    if date.year() >= 2000 {
        body += 2_000_000_000;
    }
    let check = 97 - body % 97;
    format!("{}{check:02}", util::to_string(&digits))
}

/// An enterprise number.
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let mut digits = vec![0, rng.range(2, 9)];
    digits.extend(rng.digits(6));
    let check = 97 - util::number(&digits) % 97;
    format!("{}{check:02}", util::to_string(&digits))
}
