//! Finland: henkilötunnus (personal identity code) and Y-tunnus (business id).

use chrono::Datelike;

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// The 31 check characters, indexed by the remainder mod 31 (letters that look like digits,
/// and G, I, O, Q, Z, are left out).
const CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// Century of a century sign. Since 2023 (Valtioneuvoston asetus 128/2010 as amended) the
/// letters Y X W V U join '-' for the 1900s and B C D E F join 'A' for the 2000s.
fn century(sign: char) -> Option<i32> {
    match sign {
        '+' => Some(1800),
        '-' | 'Y' | 'X' | 'W' | 'V' | 'U' => Some(1900),
        'A' | 'B' | 'C' | 'D' | 'E' | 'F' => Some(2000),
        _ => None,
    }
}

/// Henkilötunnus DDMMYYCZZZQ (DVV): date of birth, century sign C, individual number ZZZ and a
/// check character Q = the 9-digit number DDMMYYZZZ mod 31 looked up in [`CHECK_CHARS`].
/// Individual numbers 002–899 are issued; 900–999 are temporary codes and are refused.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    // The century sign is significant, so only whitespace is dropped.
    let s: String = input.split_whitespace().collect::<String>().to_uppercase();
    if let Some(found) = s.chars().find(|c| !c.is_ascii()) {
        return Err(NationalIdError::Character { found });
    }
    if s.len() != 11 {
        return Err(NationalIdError::Length {
            expected: "11 characters",
            got: s.chars().count(),
        });
    }
    let chars: Vec<char> = s.chars().collect();
    const LAYOUT: &str = "a henkilötunnus (DDMMYY, century sign, three digits, check character)";
    let digits: Vec<u32> = chars[..6]
        .iter()
        .chain(&chars[7..10])
        .map(|c| {
            c.to_digit(10)
                .ok_or(NationalIdError::Format { expected: LAYOUT })
        })
        .collect::<Result<_, _>>()?;
    let century = century(chars[6]).ok_or(NationalIdError::CenturySign { found: chars[6] })?;
    let year = century + (digits[4] * 10 + digits[5]) as i32;
    util::birth_date(year, digits[2] * 10 + digits[3], digits[0] * 10 + digits[1])?;
    // The check comes first so that a mistyped temporary code is reported as mistyped.
    let expected = CHECK_CHARS[(util::number(&digits) % 31) as usize] as char;
    if chars[10] != expected {
        return Err(NationalIdError::CheckCharacter {
            expected: expected.to_string(),
        });
    }
    match util::number(&digits[6..]) {
        0 | 1 => {
            return Err(NationalIdError::Component(
                "individual numbers 000 and 001 are never issued",
            ));
        }
        900.. => {
            return Err(NationalIdError::Component(
                "individual numbers 900-999 are temporary codes, not personal identity codes",
            ));
        }
        _ => {}
    }
    Ok(s)
}

/// Y-tunnus NNNNNNN-C (PRH/Vero): weights 7 9 10 5 8 4 2 on the first seven digits; remainder 0
/// gives check digit 0, remainder 1 is never issued, otherwise the check digit is 11 − remainder.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-'])?;
    let digits = util::digits_of_len(util::strip_prefix(&cleaned, &["FI"]), 8, "8 digits")?;
    let check = ytunnus_check(&digits[..7]).ok_or(NationalIdError::Checksum)?;
    if digits[7] != check {
        return Err(util::expected_digit(check));
    }
    Ok(format!("{}-{}", util::to_string(&digits[..7]), digits[7]))
}

fn ytunnus_check(first7: &[u32]) -> Option<u32> {
    match util::weighted(first7, &[7, 9, 10, 5, 8, 4, 2]) % 11 {
        0 => Some(0),
        1 => None,
        r => Some(11 - r),
    }
}

/// A henkilötunnus; about one in eight uses one of the 2023 century letters.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    let date = rng.birth_date();
    let new_sign = rng.range(0, 7) == 0;
    let sign = match (date.year() >= 2000, new_sign) {
        (false, false) => '-',
        (false, true) => ['Y', 'X', 'W', 'V', 'U'][rng.range(0, 4) as usize],
        (true, false) => 'A',
        (true, true) => ['B', 'C', 'D', 'E', 'F'][rng.range(0, 4) as usize],
    };
    let date_digits = util::ddmmyy(date);
    let individual = rng.range(2, 899);
    let individual_digits = [individual / 100, individual / 10 % 10, individual % 10];
    let full: Vec<u32> = date_digits
        .iter()
        .chain(&individual_digits)
        .copied()
        .collect();
    let check = CHECK_CHARS[(util::number(&full) % 31) as usize] as char;
    let dd_mm_yy = util::to_string(&date_digits);
    format!(
        "{dd_mm_yy}{sign}{}{check}",
        util::to_string(&individual_digits)
    )
}

/// A Y-tunnus.
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    loop {
        let mut digits = rng.digits(7);
        digits[0] = rng.range(0, 3);
        if let Some(check) = ytunnus_check(&digits) {
            return format!("{}-{check}", util::to_string(&digits));
        }
    }
}
