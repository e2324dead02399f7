//! The Netherlands: burgerservicenummer (BSN).

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// BSN (Wet algemene bepalingen burgerservicenummer): nine digits passing the "11-proef":
/// 9·d1 + 8·d2 + … + 2·d8 − d9 is divisible by 11. Leading zeros are often left off, so an
/// 8-digit number is read with a leading 0.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-', '.'])?;
    let mut digits = util::all_digits(&cleaned)?;
    if digits.len() == 8 {
        digits.insert(0, 0);
    }
    if digits.len() != 9 {
        return Err(NationalIdError::Length {
            expected: "9 digits",
            got: digits.len(),
        });
    }
    if digits.iter().all(|&d| d == 0) {
        return Err(NationalIdError::Component("a BSN is never all zeros"));
    }
    let check = bsn_check(&digits[..8]).ok_or(NationalIdError::Checksum)?;
    if digits[8] != check {
        return Err(util::expected_digit(check));
    }
    Ok(util::to_string(&digits))
}

/// The last digit that makes the 11-proef hold, if there is one below 10.
fn bsn_check(first8: &[u32]) -> Option<u32> {
    let check = util::weighted(first8, &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    (check < 10).then_some(check)
}

/// A BSN (starting with 1–6, like issued numbers).
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    loop {
        let mut digits = vec![rng.range(1, 6)];
        digits.extend(rng.digits(7));
        if let Some(check) = bsn_check(&digits) {
            digits.push(check);
            return util::to_string(&digits);
        }
    }
}
