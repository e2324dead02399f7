//! Spain: DNI / NIE for persons and CIF (NIF of legal entities) for businesses.

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// Check letters of DNI and NIE, indexed by the number mod 23 (Real Decreto 1553/2005).
const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// DNI NNNNNNNNL or NIE XNNNNNNNL (X, Y, Z read as 0, 1, 2): the letter is the number mod 23
/// looked up in [`LETTERS`].
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let s = util::clean(input, &['-', '.'])?;
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 9 {
        return Err(NationalIdError::Length {
            expected: "9 characters",
            got: chars.len(),
        });
    }
    let lead = match chars[0] {
        'X' => 0,
        'Y' => 1,
        'Z' => 2,
        c => c.to_digit(10).ok_or(NationalIdError::Format {
            expected: "a DNI (8 digits and a letter) or NIE (X, Y or Z, 7 digits and a letter)",
        })?,
    };
    let rest = util::all_digits(&s[1..8])?;
    let number = u64::from(lead) * 10_000_000 + util::number(&rest);
    let expected = LETTERS[(number % 23) as usize] as char;
    if chars[8] != expected {
        return Err(NationalIdError::CheckCharacter {
            expected: expected.to_string(),
        });
    }
    Ok(s)
}

/// CIF / NIF of a legal entity (Orden EHA/451/2008): an entity-type letter, seven digits and a
/// control character computed Luhn-style over the digits (c = (10 − sum mod 10) mod 10). Some
/// entity types write c as a digit, others as the letter "JABCDEFGHI"[c]; sources disagree on
/// which types use which, so either is accepted.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let s = util::clean(input, &['-', '.'])?;
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 9 {
        return Err(NationalIdError::Length {
            expected: "9 characters",
            got: chars.len(),
        });
    }
    if !"ABCDEFGHJNPQRSUVW".contains(chars[0]) {
        return Err(NationalIdError::Format {
            expected: "a CIF (an entity letter, 7 digits and a control character)",
        });
    }
    let digits = util::all_digits(&s[1..8])?;
    let check = util::luhn_digit(&digits);
    let letter = b"JABCDEFGHI"[check as usize] as char;
    if chars[8] != letter && chars[8].to_digit(10) != Some(check) {
        return Err(NationalIdError::CheckCharacter {
            expected: format!("{check} or {letter}"),
        });
    }
    Ok(s)
}

/// A DNI, or about one time in five an NIE.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    let nie = rng.range(0, 4) == 0;
    let lead = if nie {
        rng.range(0, 2)
    } else {
        rng.range(0, 9)
    };
    let rest = rng.digits(7);
    let number = u64::from(lead) * 10_000_000 + util::number(&rest);
    let letter = LETTERS[(number % 23) as usize] as char;
    let first = if nie {
        ['X', 'Y', 'Z'][lead as usize]
    } else {
        char::from(b'0' + lead as u8)
    };
    format!("{first}{}{letter}", util::to_string(&rest))
}

/// A CIF of a sociedad limitada (B) or anónima (A), which use a digit.
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let kind = if rng.range(0, 1) == 0 { 'A' } else { 'B' };
    let digits = rng.digits(7);
    format!(
        "{kind}{}{}",
        util::to_string(&digits),
        util::luhn_digit(&digits)
    )
}
