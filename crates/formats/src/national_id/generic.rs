//! Numbers without a check algorithm we know: only the characters and the length are checked.

use super::NationalIdError;
use super::util::SplitMix64;

const MAX_CHARS: usize = 32;

/// Accepts 1–32 letters, digits, spaces, '-', '/' and '.'; the canonical form is trimmed,
/// with runs of whitespace made a single space and letters in upper case.
pub(crate) fn parse(input: &str) -> Result<String, NationalIdError> {
    let canonical = input
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    if let Some(found) = canonical
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '/' | '.')))
    {
        return Err(NationalIdError::Character { found });
    }
    let count = canonical.chars().count();
    if count == 0 {
        return Err(NationalIdError::Empty);
    }
    if count > MAX_CHARS {
        return Err(NationalIdError::Length {
            expected: "1 to 32 characters",
            got: count,
        });
    }
    Ok(canonical)
}

/// A register-number-like string: "ID" and eight digits.
pub(crate) fn generate(rng: &mut SplitMix64) -> String {
    let digits: String = rng.digits(8).iter().map(|d| d.to_string()).collect();
    format!("ID {digits}")
}
