//! Ireland: Personal Public Service number.

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// PPS number NNNNNNNC[S] (Department of Social Protection): seven digits, a check letter C and
/// an optional second letter S. C = "WABCDEFGHIJKLMNOPQRSTUV"[(Σ d·w + 9·v) mod 23] with
/// weights 8 7 6 5 4 3 2, where v is the value (A = 1 … H = 8) of a second letter A, B or H
/// (the 2013 format) and 0 otherwise; the older second letters W, T and X do not count.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let s = util::clean(input, &['-'])?;
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 8 && chars.len() != 9 {
        return Err(NationalIdError::Length {
            expected: "8 or 9 characters",
            got: chars.len(),
        });
    }
    const LAYOUT: &str = "a PPS number (7 digits, a check letter and maybe A, B, H, W, T or X)";
    let shape_ok = chars[..7].iter().all(char::is_ascii_digit)
        && matches!(chars[7], 'A'..='W')
        && chars.get(8).is_none_or(|c| "ABHWTX".contains(*c));
    if !shape_ok {
        return Err(NationalIdError::Format { expected: LAYOUT });
    }
    let digits = util::all_digits(&s[..7])?;
    let second = chars.get(8).copied().filter(|c| "ABH".contains(*c));
    let expected = check_letter(&digits, second);
    if chars[7] != expected {
        return Err(NationalIdError::CheckCharacter {
            expected: expected.to_string(),
        });
    }
    Ok(s)
}

fn check_letter(digits: &[u32], second: Option<char>) -> char {
    let extra = second.map_or(0, |c| c as u32 - 'A' as u32 + 1);
    let sum = util::weighted(digits, &[8, 7, 6, 5, 4, 3, 2]) + 9 * extra;
    b"WABCDEFGHIJKLMNOPQRSTUV"[(sum % 23) as usize] as char
}

/// A PPS number in the 2013 format (second letter A).
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    let digits = rng.digits(7);
    format!(
        "{}{}A",
        util::to_string(&digits),
        check_letter(&digits, Some('A'))
    )
}
