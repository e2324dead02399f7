//! Portugal: NIF (número de identificação fiscal), for persons and businesses alike.

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// NIF / NIPC (Autoridade Tributária): nine digits, not starting with 0, the last being
/// 11 − (Σ d·w mod 11) with weights 9 8 7 6 5 4 3 2, where 10 and 11 become 0. The "PT" VAT
/// prefix is accepted.
pub(crate) fn parse(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-', '.'])?;
    let digits = util::digits_of_len(util::strip_prefix(&cleaned, &["PT"]), 9, "9 digits")?;
    if digits[0] == 0 {
        return Err(NationalIdError::Component("a NIF never starts with 0"));
    }
    let check = nif_check(&digits[..8]);
    if digits[8] != check {
        return Err(util::expected_digit(check));
    }
    Ok(util::to_string(&digits))
}

fn nif_check(first8: &[u32]) -> u32 {
    (11 - util::weighted(first8, &[9, 8, 7, 6, 5, 4, 3, 2]) % 11) % 11 % 10
}

/// A NIF of a resident person (starting with 1, 2 or 3).
pub(crate) fn generate(rng: &mut SplitMix64) -> String {
    let mut digits = vec![rng.range(1, 3)];
    digits.extend(rng.digits(7));
    digits.push(nif_check(&digits));
    util::to_string(&digits)
}
