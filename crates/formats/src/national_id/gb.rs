//! United Kingdom: National Insurance number and Companies House number. Neither has a check
//! digit, so both are checked for layout only.

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// Prefixes HMRC never allocates (NIM39110).
const UNUSED_PREFIXES: [&str; 7] = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];

/// National Insurance number AB123456C (HMRC, National Insurance Manual NIM39110): two prefix
/// letters (the first not D F I Q U V, the second not D F I O Q U V, and not one of
/// [`UNUSED_PREFIXES`]), six digits and a suffix A–D.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let s = util::clean(input, &['-'])?;
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 9 {
        return Err(NationalIdError::Length {
            expected: "9 characters",
            got: chars.len(),
        });
    }
    const LAYOUT: &str = "a National Insurance number (two letters, six digits, A, B, C or D)";
    let shape_ok = chars[..2].iter().all(char::is_ascii_uppercase)
        && chars[2..8].iter().all(char::is_ascii_digit)
        && matches!(chars[8], 'A'..='D');
    if !shape_ok {
        return Err(NationalIdError::Format { expected: LAYOUT });
    }
    if "DFIQUV".contains(chars[0])
        || "DFIOQUV".contains(chars[1])
        || UNUSED_PREFIXES.contains(&&s[..2])
    {
        return Err(NationalIdError::Component(
            "the two-letter prefix is not one HMRC allocates",
        ));
    }
    Ok(s)
}

/// Companies House registration number (Companies House): eight characters, either eight
/// digits (shorter numbers are padded with leading zeros, as Companies House writes them) or
/// two letters for the register (SC, NI, OC, LP, …) and six digits.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let s = util::clean(input, &['-'])?;
    if s.len() <= 8 && s.chars().all(|c| c.is_ascii_digit()) {
        return Ok(format!("{s:0>8}"));
    }
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 8 {
        return Err(NationalIdError::Length {
            expected: "8 characters",
            got: chars.len(),
        });
    }
    let prefix_ok = chars[..2].iter().all(char::is_ascii_uppercase)
        // Northern Ireland numbers from before 1922 are "R0" and six digits.
        || (chars[0] == 'R' && chars[1] == '0');
    if !prefix_ok || !chars[2..].iter().all(char::is_ascii_digit) {
        return Err(NationalIdError::Format {
            expected: "a company number (8 digits, or 2 letters and 6 digits)",
        });
    }
    Ok(s)
}

/// A National Insurance number with an allocated-looking prefix.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    const FIRST: &[u8] = b"ABCEGHJKLMNOPRSTWXYZ";
    const SECOND: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
    loop {
        let first = FIRST[rng.range(0, FIRST.len() as u32 - 1) as usize] as char;
        let second = SECOND[rng.range(0, SECOND.len() as u32 - 1) as usize] as char;
        let prefix = format!("{first}{second}");
        if UNUSED_PREFIXES.contains(&prefix.as_str()) {
            continue;
        }
        let suffix = char::from(b'A' + rng.range(0, 3) as u8);
        return format!("{prefix}{}{suffix}", util::to_string(&rng.digits(6)));
    }
}

/// A company number in England and Wales (eight digits) or Scotland (SC).
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let digits = util::to_string(&rng.digits(6));
    if rng.range(0, 3) == 0 {
        format!("SC{digits}")
    } else {
        format!("{:02}{digits}", rng.range(0, 15))
    }
}
