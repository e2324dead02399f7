//! Why an identity number was refused, in words a clerk can act on.

/// Why [`parse`](super::parse) refused an identity number.
///
/// The messages are meant to be shown to the person who typed the number, so they name the
/// problem in plain words and never repeat the whole number back (it is personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdError {
    /// Nothing but whitespace was given.
    #[error("empty")]
    Empty,
    /// The country is not an ISO 3166-1 alpha-2 code.
    #[error("'{0}' is not a country code we know")]
    UnknownCountry(String),
    /// Wrong number of significant characters (separators and spaces are not counted).
    #[error("{expected} expected, got {got}")]
    Length {
        /// What was expected, e.g. "11 characters" or "10 or 12 digits".
        expected: &'static str,
        /// How many significant characters were given.
        got: usize,
    },
    /// A character that has no place in this kind of number.
    #[error("'{found}' is not allowed in this number")]
    Character {
        /// The first offending character.
        found: char,
    },
    /// The characters are of the right kinds but not in the expected layout.
    #[error("this does not look like {expected}")]
    Format {
        /// A short description of the expected layout.
        expected: &'static str,
    },
    /// The check character does not match the rest of the number.
    #[error("the check character is wrong (expected {expected})")]
    CheckCharacter {
        /// The check character(s) the rest of the number calls for.
        expected: String,
    },
    /// The check does not add up and no single expected check character can be named
    /// (for example when no check digit exists for the other digits).
    #[error("the check digits do not add up: the number is mistyped")]
    Checksum,
    /// The embedded date of birth does not exist.
    #[error("{date} is not a real date of birth")]
    InvalidDate {
        /// The date as read from the number, written YYYY-MM-DD.
        date: String,
    },
    /// The embedded date of birth lies after today.
    #[error("the date of birth {date} is in the future")]
    FutureDate {
        /// The date as read from the number, written YYYY-MM-DD.
        date: String,
    },
    /// A Finnish henkilötunnus with an unknown century sign.
    #[error("the century sign '{found}' is not one of + - A B C D E F U V W X Y")]
    CenturySign {
        /// The character found where the century sign belongs.
        found: char,
    },
    /// A part of the number holds a value that is never issued.
    #[error("{0}")]
    Component(&'static str),
}
