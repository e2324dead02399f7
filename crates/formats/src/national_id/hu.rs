//! Hungary: adóazonosító jel (persons) and adószám (businesses).

use chrono::NaiveDate;

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// Adóazonosító jel 8NNNNNSSSC (1996. évi XX. törvény): 8, the number of days from 1867-01-01
/// to the date of birth, a serial and C = Σ i·dᵢ mod 11 over the first nine digits (i = 1…9);
/// serials giving 10 are not issued.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &['-'])?, 10, "10 digits")?;
    if digits[0] != 8 {
        return Err(NationalIdError::Component(
            "a personal tax number starts with 8",
        ));
    }
    let born = epoch() + chrono::Days::new(util::number(&digits[1..6]));
    if born > util::today() {
        return Err(NationalIdError::FutureDate {
            date: born.to_string(),
        });
    }
    let check = person_check(&digits[..9]).ok_or(NationalIdError::Checksum)?;
    if digits[9] != check {
        return Err(util::expected_digit(check));
    }
    Ok(util::to_string(&digits))
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1867, 1, 1).unwrap_or_default()
}

fn person_check(first9: &[u32]) -> Option<u32> {
    let check = util::weighted(first9, &[1, 2, 3, 4, 5, 6, 7, 8, 9]) % 11;
    (check < 10).then_some(check)
}

/// Adószám NNNNNNNN-V-KK (Nemzeti Adó- és Vámhivatal): the eight-digit törzsszám, whose
/// weighted sum with weights 9 7 3 1 9 7 3 1 is divisible by 10, optionally followed by the
/// VAT code V (1–5) and the two-digit tax office code. Either form is accepted and kept; the
/// "HU" VAT prefix is accepted.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-'])?;
    let digits = util::all_digits(util::strip_prefix(&cleaned, &["HU"]))?;
    if digits.len() != 8 && digits.len() != 11 {
        return Err(NationalIdError::Length {
            expected: "8 or 11 digits",
            got: digits.len(),
        });
    }
    let check = base_check(&digits[..7]);
    if digits[7] != check {
        return Err(util::expected_digit(check));
    }
    if digits.len() == 8 {
        return Ok(util::to_string(&digits));
    }
    if !(1..=5).contains(&digits[8]) {
        return Err(NationalIdError::Component(
            "the VAT code (9th digit) must be 1 to 5",
        ));
    }
    Ok(format!(
        "{}-{}-{}",
        util::to_string(&digits[..8]),
        digits[8],
        util::to_string(&digits[9..])
    ))
}

fn base_check(first7: &[u32]) -> u32 {
    (10 - util::weighted(first7, &[9, 7, 3, 1, 9, 7, 3]) % 10) % 10
}

/// An adóazonosító jel for a generated date of birth.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    loop {
        let days = (rng.birth_date() - epoch()).num_days() as u32;
        let mut digits = vec![8];
        digits.extend([
            days / 10000,
            days / 1000 % 10,
            days / 100 % 10,
            days / 10 % 10,
            days % 10,
        ]);
        digits.extend(rng.digits(3));
        if let Some(check) = person_check(&digits) {
            digits.push(check);
            return util::to_string(&digits);
        }
    }
}

/// An adószám in the 11-digit form.
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let mut digits = vec![rng.range(1, 2)];
    digits.extend(rng.digits(6));
    digits.push(base_check(&digits));
    format!(
        "{}-{}-{:02}",
        util::to_string(&digits),
        rng.range(1, 5),
        rng.range(2, 20)
    )
}
