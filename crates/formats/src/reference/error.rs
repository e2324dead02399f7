//! Why a payment reference was refused.

/// Why a payment reference was refused or could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Nothing but whitespace was given.
    #[error("empty")]
    Empty,
    /// A character with no place in this kind of reference.
    #[error("'{found}' is not allowed in {what}")]
    Character {
        /// The first offending character.
        found: char,
        /// The kind of reference, e.g. "a viitenumero".
        what: &'static str,
    },
    /// Too few or too many characters (spaces are not counted).
    #[error("{what} has {} characters, got {got}", count(*.min, *.max))]
    Length {
        /// The kind of reference.
        what: &'static str,
        /// Fewest characters allowed.
        min: usize,
        /// Most characters allowed.
        max: usize,
        /// How many were given.
        got: usize,
    },
    /// An RF creditor reference that does not start with "RF".
    #[error("an RF creditor reference starts with RF")]
    NotRf,
    /// The check digit(s) do not match the rest of the reference.
    #[error("the check digits are wrong (expected {expected})")]
    CheckDigits {
        /// The check digit(s) the rest of the reference calls for.
        expected: String,
    },
    /// A Swedish OCR reference whose length digit does not match its length.
    #[error("the length digit is wrong (expected {expected})")]
    LengthDigit {
        /// The length digit the reference's length calls for.
        expected: u32,
    },
}

/// "12" or "4 to 20".
fn count(min: usize, max: usize) -> String {
    if min == max {
        min.to_string()
    } else {
        format!("{min} to {max}")
    }
}
