//! Germany: steuerliche Identifikationsnummer (persons). Business numbers (Handelsregister,
//! Steuernummer) have no common check and are checked for format only.

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// Steuer-IdNr (Abgabenordnung § 139b; BZSt): eleven digits, the first not 0; among the first
/// ten exactly one digit appears two or three times and every other at most once; the last is
/// the ISO 7064 MOD 11,10 check digit.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &['-', '.', '/'])?, 11, "11 digits")?;
    if digits[0] == 0 {
        return Err(NationalIdError::Component(
            "a tax identification number never starts with 0",
        ));
    }
    if !repetition_ok(&digits[..10]) {
        return Err(NationalIdError::Component(
            "in the first ten digits exactly one digit must appear two or three times",
        ));
    }
    let check = mod_11_10(&digits[..10]);
    if digits[10] != check {
        return Err(util::expected_digit(check));
    }
    Ok(util::to_string(&digits))
}

fn repetition_ok(first10: &[u32]) -> bool {
    let mut counts = [0u32; 10];
    for &d in first10 {
        counts[d as usize] += 1;
    }
    let repeated: Vec<u32> = counts.iter().copied().filter(|&c| c > 1).collect();
    matches!(repeated[..], [2] | [3])
}

/// ISO/IEC 7064 MOD 11,10: a running product through the digits, then 11 − product (10 → 0).
fn mod_11_10(digits: &[u32]) -> u32 {
    let mut product = 10;
    for &d in digits {
        let mut sum = (d + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = sum * 2 % 11;
    }
    (11 - product) % 10
}

/// A Steuer-IdNr: nine distinct digits plus one of them repeated, shuffled.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    loop {
        let mut pool: Vec<u32> = (0..10).collect();
        // Fisher-Yates shuffle, then drop one digit and repeat another.
        for i in (1..pool.len()).rev() {
            pool.swap(i, rng.range(0, i as u32) as usize);
        }
        pool[9] = pool[rng.range(0, 8) as usize];
        if pool[0] == 0 {
            continue;
        }
        let check = mod_11_10(&pool);
        pool.push(check);
        return util::to_string(&pool);
    }
}

/// A Handelsregister number such as "HRB 123456".
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let kind = if rng.range(0, 2) == 0 { "HRA" } else { "HRB" };
    format!("{kind} {}", rng.range(1000, 299_999))
}
