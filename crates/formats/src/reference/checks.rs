//! Check-digit arithmetic shared by the reference formats.

/// The ISO 7064 MOD 97-10 remainder of an alphanumeric string, letters counting A = 10 … Z = 35
/// (as ISO 11649 and ISO 13616 use it). The caller guarantees ASCII letters and digits only.
pub(crate) fn mod97(s: &str) -> u32 {
    s.chars().fold(0, |r, c| match c.to_digit(36) {
        Some(v) if v < 10 => (r * 10 + v) % 97,
        Some(v) => (r * 100 + v) % 97,
        None => r,
    })
}

/// The Luhn (MOD 10) check digit for `digits` (ASCII digits).
pub(crate) fn luhn_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// The Finnish 7-3-1 check digit: weights 7, 3, 1, 7, … from the right, and the difference to
/// the next multiple of ten (Finanssiala, "Kotimaisen viitteen rakenneohje").
pub(crate) fn fi_731(digits: &str) -> u32 {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .zip([7, 3, 1].into_iter().cycle())
        .map(|(d, w)| d * w)
        .sum();
    (10 - sum % 10) % 10
}

/// The KID MOD 11 check character: weights 2, 3, 4, 5, 6, 7, 2, … from the right, 11 − the
/// remainder, where 11 becomes '0' and 10 becomes '-' (Nets/Mastercard Payment Services).
pub(crate) fn kid_mod11(digits: &str) -> char {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .zip([2, 3, 4, 5, 6, 7].into_iter().cycle())
        .map(|(d, w)| d * w)
        .sum();
    match 11 - sum % 11 {
        11 => '0',
        10 => '-',
        c => char::from_digit(c, 10).unwrap_or('-'),
    }
}

/// Drops whitespace; refuses anything else that is not accepted by `keep`.
pub(crate) fn compact(
    input: &str,
    what: &'static str,
    keep: impl Fn(char) -> bool,
) -> Result<String, super::ReferenceError> {
    let mut out = String::with_capacity(input.len());
    for c in input.chars().filter(|c| !c.is_whitespace()) {
        if !keep(c) {
            return Err(super::ReferenceError::Character { found: c, what });
        }
        out.push(c);
    }
    if out.is_empty() {
        return Err(super::ReferenceError::Empty);
    }
    Ok(out)
}

/// Requires a length within `min..=max`.
pub(crate) fn length(
    s: &str,
    what: &'static str,
    min: usize,
    max: usize,
) -> Result<(), super::ReferenceError> {
    let got = s.chars().count();
    if (min..=max).contains(&got) {
        Ok(())
    } else {
        Err(super::ReferenceError::Length {
            what,
            min,
            max,
            got,
        })
    }
}
