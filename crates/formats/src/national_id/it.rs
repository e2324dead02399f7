//! Italy: codice fiscale (persons) and partita IVA (businesses).

use super::NationalIdError;
use super::util::{self, SplitMix64};

/// Values of the odd positions (1st, 3rd, …) for the check character, for 0–9 and A–Z alike
/// (DM 23 dicembre 1976, as amended): digits take the value of the letter at the same index.
const ODD: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];
/// Month letters A = January … T = December.
const MONTHS: &str = "ABCDEHLMPRST";
/// Letters that stand in for digits 0–9 when codes collide ("omocodia").
const OMOCODE: &str = "LMNPQRSTUV";

/// A character's index in its alphabet: 0–9 for digits, 0–25 for letters.
fn index(c: char) -> u32 {
    match c {
        '0'..='9' => c as u32 - '0' as u32,
        _ => c as u32 - 'A' as u32,
    }
}

fn check_char(first15: &[char]) -> char {
    let sum: u32 = first15
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if i % 2 == 0 {
                ODD[index(c) as usize]
            } else {
                index(c)
            }
        })
        .sum();
    char::from(b'A' + (sum % 26) as u8)
}

/// A date digit, allowing its omocode letter.
fn date_digit(c: char) -> Option<u32> {
    c.to_digit(10).or_else(|| OMOCODE.find(c).map(|i| i as u32))
}

/// Codice fiscale SSSNNNYYMDDZZZZC: three letters each from surname and name, year, month
/// letter, day (+40 for women), place code, check character. Digits may be replaced by
/// omocode letters. The year has no century, so the date must exist in the 1900s or 2000s.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let s = util::clean(input, &['-'])?;
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 16 {
        return Err(NationalIdError::Length {
            expected: "16 characters",
            got: chars.len(),
        });
    }
    const LAYOUT: &str = "a codice fiscale (6 letters, 2 digits, a month letter, 2 digits, \
                          a letter, 3 digits, a letter)";
    let is_digitlike = |c: char| date_digit(c).is_some();
    let shape_ok = chars[..6].iter().all(char::is_ascii_uppercase)
        && [6, 7, 9, 10, 12, 13, 14]
            .iter()
            .all(|&i| is_digitlike(chars[i]))
        && MONTHS.contains(chars[8])
        && chars[11].is_ascii_uppercase()
        && chars[15].is_ascii_uppercase();
    if !shape_ok {
        return Err(NationalIdError::Format { expected: LAYOUT });
    }
    let expected = check_char(&chars[..15]);
    if chars[15] != expected {
        return Err(NationalIdError::CheckCharacter {
            expected: expected.to_string(),
        });
    }
    let digit = |i: usize| date_digit(chars[i]).unwrap_or(0);
    let yy = (digit(6) * 10 + digit(7)) as i32;
    let month = MONTHS.find(chars[8]).map_or(0, |m| m as u32 + 1);
    let day = (digit(9) * 10 + digit(10)) % 40;
    if !util::date_exists(1900 + yy, month, day) && !util::date_exists(2000 + yy, month, day) {
        return Err(NationalIdError::InvalidDate {
            date: format!("(19/20){yy:02}-{month:02}-{day:02}"),
        });
    }
    Ok(s)
}

/// Partita IVA (DPR 633/1972, art. 35): seven digits for the holder (not all zero), a
/// three-digit office code (001–100, 120, 121, 888 or 999) and a Luhn check digit. The "IT"
/// VAT prefix is accepted.
pub(crate) fn parse_business(input: &str) -> Result<String, NationalIdError> {
    let cleaned = util::clean(input, &['-'])?;
    let digits = util::digits_of_len(util::strip_prefix(&cleaned, &["IT"]), 11, "11 digits")?;
    if util::number(&digits[..7]) == 0 {
        return Err(NationalIdError::Component(
            "the first seven digits cannot all be zero",
        ));
    }
    let office = util::number(&digits[7..10]);
    if !matches!(office, 1..=100 | 120 | 121 | 888 | 999) {
        return Err(NationalIdError::Component(
            "the office code (digits 8-10) is not one in use",
        ));
    }
    if util::luhn_sum(&digits) != 0 {
        return Err(util::expected_digit(util::luhn_digit(&digits[..10])));
    }
    Ok(util::to_string(&digits))
}

/// A codice fiscale with made-up name letters and place code.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    use chrono::Datelike;
    let date = rng.birth_date();
    let letter = |rng: &mut SplitMix64| char::from(b'A' + rng.range(0, 25) as u8);
    let mut code: String = (0..6).map(|_| letter(rng)).collect();
    let female = rng.range(0, 1) == 1;
    let day = date.day() + if female { 40 } else { 0 };
    let month = MONTHS.chars().nth(date.month0() as usize).unwrap_or('A');
    code.push_str(&format!("{:02}{month}{day:02}", date.year() % 100));
    code.push(letter(rng));
    code.push_str(&util::to_string(&rng.digits(3)));
    let chars: Vec<char> = code.chars().collect();
    code.push(check_char(&chars));
    code
}

/// A partita IVA.
pub(crate) fn generate_business(rng: &mut SplitMix64) -> String {
    let mut digits = vec![rng.range(0, 1)];
    digits.extend(rng.digits(5));
    digits.push(rng.range(1, 9));
    let office = rng.range(1, 100);
    digits.extend([office / 100, office / 10 % 10, office % 10]);
    digits.push(util::luhn_digit(&digits));
    util::to_string(&digits)
}
