//! Latvia: personas kods and the registration number of legal entities.

use chrono::Datelike;

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// The personas kods check digit: (1 + Σ d·w mod 11) mod 10 with weights 10 5 8 4 2 1 6 3 7 9,
/// which is the published form 1101 − Σ d·(1 6 3 7 9 10 5 8 4 2), reduced mod 11.
fn person_check(first10: &[u32]) -> u32 {
    (1 + util::weighted(first10, &[10, 5, 8, 4, 2, 1, 6, 3, 7, 9])) % 11 % 10
}

/// Personas kods (Iedzīvotāju reģistrs): either the old DDMMYY-CNNNX, where C is the century
/// (0 → 1800s, 1 → 1900s, 2 → 2000s), or, since July 2017, 32NNNN-NNNNX with no date. Both
/// end in [`person_check`]. Written with a dash after six digits.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &['-'])?, 11, "11 digits")?;
    if digits[0] > 3 {
        return Err(NationalIdError::Component(
            "a personal code starts with 0-3; this looks like a company number",
        ));
    }
    if digits[..2] != [3, 2] {
        let year = 1800 + 100 * digits[6] as i32 + (digits[4] * 10 + digits[5]) as i32;
        util::birth_date(year, digits[2] * 10 + digits[3], digits[0] * 10 + digits[1])?;
    }
    let check = person_check(&digits[..10]);
    if digits[10] != check {
        return Err(util::expected_digit(check));
    }
    Ok(format!(
        "{}-{}",
        util::to_string(&digits[..6]),
        util::to_string(&digits[6..])
    ))
}

/// Registration number of a legal entity (Uzņēmumu reģistrs): eleven digits starting with 4–9
/// whose weighted sum with weights 9 1 4 8 3 10 2 5 7 6 1 leaves remainder 3 mod 11. The "LV"
/// VAT prefix is accepted.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-'])?;
    let digits = util::digits_of_len(util::strip_prefix(&cleaned, &["LV"]), 11, "11 digits")?;
    if digits[0] <= 3 {
        return Err(NationalIdError::Component(
            "a company number starts with 4-9; this looks like a personal code",
        ));
    }
    let check = business_check(&digits[..10]).ok_or(NationalIdError::Checksum)?;
    if digits[10] != check {
        return Err(util::expected_digit(check));
    }
    Ok(util::to_string(&digits))
}

const BUSINESS_WEIGHTS: [u32; 10] = [9, 1, 4, 8, 3, 10, 2, 5, 7, 6];

fn business_check(first10: &[u32]) -> Option<u32> {
    let check = (3 + 11 * 10 - util::weighted(first10, &BUSINESS_WEIGHTS) % 11) % 11;
    (check < 10).then_some(check)
}

/// An old-style personal code with the date of birth, or about one in four a new-style one.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    let mut digits = if rng.range(0, 3) == 0 {
        let mut d = vec![3, 2];
        d.extend(rng.digits(8));
        d
    } else {
        let date = rng.birth_date();
        let mut d = util::ddmmyy(date);
        d.push(if date.year() >= 2000 { 2 } else { 1 });
        d.extend(rng.digits(3));
        d
    };
    digits.push(person_check(&digits));
    format!(
        "{}-{}",
        util::to_string(&digits[..6]),
        util::to_string(&digits[6..])
    )
}

/// A company registration number (starting with 4).
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    loop {
        let mut digits = vec![4, 0];
        digits.extend(rng.digits(8));
        if let Some(check) = business_check(&digits) {
            digits.push(check);
            return util::to_string(&digits);
        }
    }
}
