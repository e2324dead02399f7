//! Switzerland: AHV-Nummer (persons) and UID (businesses).

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// AHV-Nr. 756.NNNN.NNNN.NC (Zentrale Ausgleichsstelle): an EAN-13 with the Swiss prefix 756;
/// the check digit makes Σ d·w ≡ 0 mod 10 with weights 1 3 1 3 … from the left.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &['.', '-'])?, 13, "13 digits")?;
    if digits[..3] != [7, 5, 6] {
        return Err(NationalIdError::Component("an AHV number starts with 756"));
    }
    let check = ean_check(&digits[..12]);
    if digits[12] != check {
        return Err(util::expected_digit(check));
    }
    let t = util::to_string(&digits);
    Ok(format!(
        "{}.{}.{}.{}",
        &t[..3],
        &t[3..7],
        &t[7..11],
        &t[11..]
    ))
}

fn ean_check(first12: &[u32]) -> u32 {
    (10 - util::weighted(first12, &[1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3]) % 10) % 10
}

/// UID CHE-NNN.NNN.NNC (Bundesamt für Statistik, UIDG): "CHE" and nine digits, the last being
/// 11 − (Σ d·w mod 11) with weights 5 4 3 2 7 6 5 4 (11 → 0; 10 is never issued). The digits
/// alone are accepted too; a trailing "MWST"/"TVA"/"IVA" VAT suffix is not.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['.', '-'])?;
    let rest = cleaned.strip_prefix("CHE").unwrap_or(&cleaned);
    let digits = util::digits_of_len(rest, 9, "9 digits after CHE")?;
    let check = uid_check(&digits[..8]).ok_or(NationalIdError::Checksum)?;
    if digits[8] != check {
        return Err(util::expected_digit(check));
    }
    let t = util::to_string(&digits);
    Ok(format!("CHE-{}.{}.{}", &t[..3], &t[3..6], &t[6..]))
}

fn uid_check(first8: &[u32]) -> Option<u32> {
    match 11 - util::weighted(first8, &[5, 4, 3, 2, 7, 6, 5, 4]) % 11 {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

/// An AHV number.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    let mut digits = vec![7, 5, 6];
    digits.extend(rng.digits(9));
    digits.push(ean_check(&digits));
    let t = util::to_string(&digits);
    format!("{}.{}.{}.{}", &t[..3], &t[3..7], &t[7..11], &t[11..])
}

/// A UID.
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    loop {
        let mut digits = vec![rng.range(1, 4)];
        digits.extend(rng.digits(7));
        if let Some(check) = uid_check(&digits) {
            digits.push(check);
            let t = util::to_string(&digits);
            return format!("CHE-{}.{}.{}", &t[..3], &t[3..6], &t[6..]);
        }
    }
}
