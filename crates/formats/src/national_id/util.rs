//! Small helpers shared by the country modules: cleaning input, check-digit arithmetic,
//! dates of birth and the deterministic generator used for demo data.

use chrono::{Datelike, NaiveDate, Utc};

use super::NationalIdError;

/// Replaces the dashes word processors put in (hyphen, en dash, minus sign, …) with '-', so a
/// number pasted from a letter parses like a typed one.
pub(crate) fn normalize_dashes(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
            _ => c,
        })
        .collect()
}

/// Trims, drops whitespace and the given separators, upper-cases ASCII letters and refuses
/// anything that is not an ASCII letter or digit.
pub(crate) fn clean(input: &str, separators: &[char]) -> Result<String, NationalIdError> {
    let mut out = String::with_capacity(input.len());
    for c in input.trim().chars() {
        if c.is_whitespace() || separators.contains(&c) {
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            return Err(NationalIdError::Character { found: c });
        }
        out.push(c.to_ascii_uppercase());
    }
    if out.is_empty() {
        return Err(NationalIdError::Empty);
    }
    Ok(out)
}

/// Drops a country prefix such as "FI" or "DK" when it is followed by a digit: VAT numbers of
/// several countries are the business id written behind the country code.
pub(crate) fn strip_prefix<'a>(s: &'a str, prefixes: &[&str]) -> &'a str {
    for prefix in prefixes {
        if let Some(rest) = s.strip_prefix(prefix)
            && rest.starts_with(|c: char| c.is_ascii_digit())
        {
            return rest;
        }
    }
    s
}

/// Requires `s` to be exactly `len` ASCII digits.
pub(crate) fn digits_of_len(
    s: &str,
    len: usize,
    expected: &'static str,
) -> Result<Vec<u32>, NationalIdError> {
    let digits = all_digits(s)?;
    if digits.len() != len {
        return Err(NationalIdError::Length {
            expected,
            got: digits.len(),
        });
    }
    Ok(digits)
}

/// The value of every character, refusing the first one that is not an ASCII digit.
pub(crate) fn all_digits(s: &str) -> Result<Vec<u32>, NationalIdError> {
    s.chars()
        .map(|c| {
            c.to_digit(10)
                .ok_or(NationalIdError::Character { found: c })
        })
        .collect()
}

/// Reads a run of digits as a number (the caller guarantees they are digits).
pub(crate) fn number(digits: &[u32]) -> u64 {
    digits.iter().fold(0, |acc, &d| acc * 10 + u64::from(d))
}

/// Σ digit × weight, pairing from the left.
pub(crate) fn weighted(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum()
}

/// The Luhn (mod 10) sum of a full number, check digit included; valid numbers give 0.
pub(crate) fn luhn_sum(digits: &[u32]) -> u32 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum % 10
}

/// The Luhn check digit to append to `digits`.
pub(crate) fn luhn_digit(digits: &[u32]) -> u32 {
    let mut with_zero = digits.to_vec();
    with_zero.push(0);
    (10 - luhn_sum(&with_zero)) % 10
}

/// Writes digits as a string.
pub(crate) fn to_string(digits: &[u32]) -> String {
    digits
        .iter()
        .filter_map(|&d| char::from_digit(d, 10))
        .collect()
}

/// A check-character error naming the expected digit.
pub(crate) fn expected_digit(d: u32) -> NationalIdError {
    NationalIdError::CheckCharacter {
        expected: d.to_string(),
    }
}

/// Today in UTC; dates of birth after it are refused.
pub(crate) fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The date of birth, refused when it does not exist or lies in the future.
pub(crate) fn birth_date(year: i32, month: u32, day: u32) -> Result<NaiveDate, NationalIdError> {
    let written = format!("{year:04}-{month:02}-{day:02}");
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(NationalIdError::InvalidDate {
        date: written.clone(),
    })?;
    if date > today() {
        return Err(NationalIdError::FutureDate { date: written });
    }
    Ok(date)
}

/// Whether the date exists, without the future check (for numbers that do not say the century).
pub(crate) fn date_exists(year: i32, month: u32, day: u32) -> bool {
    NaiveDate::from_ymd_opt(year, month, day).is_some()
}

/// The tiny splitmix64 generator (Steele, Lea and Flood 2014) behind [`generate`](super::generate):
/// deterministic, seedable and good enough for demo data, so no `rand` dependency is needed.
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `low..=high` (the slight modulo bias does not matter for demo data).
    pub(crate) fn range(&mut self, low: u32, high: u32) -> u32 {
        let span = u64::from(high - low) + 1;
        low + (self.next_u64() % span) as u32
    }

    /// `n` random decimal digits.
    pub(crate) fn digits(&mut self, n: usize) -> Vec<u32> {
        (0..n).map(|_| self.range(0, 9)).collect()
    }

    /// A date of birth between 1940-01-01 and 2005-12-31.
    pub(crate) fn birth_date(&mut self) -> NaiveDate {
        let first = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or_default();
        let last = NaiveDate::from_ymd_opt(2005, 12, 31).unwrap_or_default();
        let span = (last - first).num_days() as u32;
        first + chrono::Days::new(u64::from(self.range(0, span)))
    }
}

/// Day, month and two-digit year of a date, as digits: DDMMYY.
pub(crate) fn ddmmyy(date: NaiveDate) -> Vec<u32> {
    let text = format!(
        "{:02}{:02}{:02}",
        date.day(),
        date.month(),
        date.year() % 100
    );
    text.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// Two-digit year, month and day of a date, as digits: YYMMDD.
pub(crate) fn yymmdd(date: NaiveDate) -> Vec<u32> {
    let text = format!(
        "{:02}{:02}{:02}",
        date.year() % 100,
        date.month(),
        date.day()
    );
    text.chars().filter_map(|c| c.to_digit(10)).collect()
}
