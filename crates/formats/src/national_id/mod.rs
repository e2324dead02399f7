//! National identity numbers and business ids.
//!
//! [`parse`] validates what a clerk or a client file gives us and returns the number in its
//! canonical written form; [`generate`] makes valid numbers for synthetic demo data. Where a
//! country publishes a check algorithm it is applied ([`CheckLevel::CheckDigit`]); elsewhere
//! only the shape of the number is checked ([`CheckLevel::FormatOnly`]).

mod error;
mod registry;
mod util;

mod at;
mod be;
mod ch;
mod cz;
mod de;
mod dk;
mod ee;
mod es;
mod fi;
mod fr;
mod gb;
mod generic;
mod gr;
mod hu;
mod ie;
mod it;
mod lt;
mod lv;
mod nl;
mod no;
mod pl;
mod pt;
mod se;

pub use error::NationalIdError;

use std::fmt;

/// Whether a number belongs to a natural person or to a business (or other organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartyKind {
    /// A natural person: the number is a personal identity or tax number.
    Person,
    /// A company, association or other organisation: the number is its register or tax id.
    Business,
}

/// How thoroughly a number was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckLevel {
    /// A published check algorithm (check digit, embedded date, …) was applied.
    CheckDigit,
    /// Only the characters and layout were checked: a mistyped number can pass.
    FormatOnly,
}

/// A validated identity number in its canonical written form (e.g. "131052-308T", "556703-7485").
///
/// `Debug` shows only the last two characters, because the number is personal data.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NationalId {
    country: &'static str,
    kind: PartyKind,
    canonical: String,
    check: CheckLevel,
}

impl NationalId {
    /// The number in its canonical written form.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// Person or business.
    pub fn kind(&self) -> PartyKind {
        self.kind
    }

    /// The ISO 3166-1 alpha-2 code of the issuing country, upper case.
    pub fn country(&self) -> &str {
        self.country
    }

    /// Whether a check algorithm vouched for the number or only its format was checked.
    pub fn check(&self) -> CheckLevel {
        self.check
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            PartyKind::Person => "person",
            PartyKind::Business => "business",
        };
        let chars: Vec<char> = self.canonical.chars().collect();
        let tail: String = chars[chars.len().saturating_sub(2)..].iter().collect();
        write!(f, "NationalId({} {kind} ***{tail})", self.country)
    }
}

/// Validates `input` as an identity number of `kind` issued by `country` (ISO 3166-1 alpha-2,
/// any case) and returns it in canonical form.
///
/// Surrounding whitespace is ignored and the usual written variants are accepted (with or
/// without separators, lower case where the scheme is case-insensitive, …).
pub fn parse(country: &str, kind: PartyKind, input: &str) -> Result<NationalId, NationalIdError> {
    let country = registry::country(country)?;
    if input.trim().is_empty() {
        return Err(NationalIdError::Empty);
    }
    let scheme = registry::scheme(country, kind);
    let canonical = (scheme.parse)(&util::normalize_dashes(input))?;
    Ok(NationalId {
        country,
        kind,
        canonical,
        check: scheme.level,
    })
}

/// Whether [`parse`] applies a published check algorithm for this country and kind.
/// Unknown countries report [`CheckLevel::FormatOnly`] (and [`parse`] refuses them).
pub fn check_level(country: &str, kind: PartyKind) -> CheckLevel {
    match registry::country(country) {
        Ok(code) => registry::scheme(code, kind).level,
        Err(_) => CheckLevel::FormatOnly,
    }
}

/// A deterministic valid example for synthetic demo data.
///
/// The same `(country, kind, seed)` always gives the same number and different seeds give
/// (mostly) different numbers. Persons are born between 1940 and 2005. The result passes
/// [`parse`] for every country it knows; for an unknown country it is a generic string that
/// [`parse`] refuses. The numbers are well-formed, so some may belong to real people: use them
/// only in demo data that never leaves the demo.
pub fn generate(country: &str, kind: PartyKind, seed: u64) -> String {
    let mut rng = util::SplitMix64::new(seed);
    let code = registry::country(country).unwrap_or("ZZ");
    (registry::scheme(code, kind).generate)(&mut rng)
}
