//! BCP 47 language tags, as far as Reilu needs them: a language, an optional script and region.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A well-formed BCP 47 tag of the shape Reilu uses, `language[-Script][-REGION]`,
/// canonically cased (`fi`, `sv-FI`, `sr-Latn-RS`). Extensions and private use are refused:
/// letters go out in a language we can write, and such tags name none of those.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageTag(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a language tag (BCP 47, e.g. fi, sv-FI, en-GB)")]
pub struct LanguageTagError(String);

impl LanguageTag {
    pub fn parse(text: &str) -> Result<Self, LanguageTagError> {
        let refuse = || LanguageTagError(text.chars().take(20).collect());
        let mut parts = text.split(['-', '_']);
        let language = parts.next().ok_or_else(refuse)?;
        let language_ok = (2..=3).contains(&language.len()) && is_alpha(language);
        if !language_ok {
            return Err(refuse());
        }
        let mut canonical = language.to_ascii_lowercase();
        let mut seen_script = false;
        let mut seen_region = false;
        for part in parts {
            if part.len() == 4 && is_alpha(part) && !seen_script && !seen_region {
                seen_script = true;
                canonical.push('-');
                canonical.push_str(&part[..1].to_ascii_uppercase());
                canonical.push_str(&part[1..].to_ascii_lowercase());
            } else if is_region(part) && !seen_region {
                seen_region = true;
                canonical.push('-');
                canonical.push_str(&part.to_ascii_uppercase());
            } else {
                return Err(refuse());
            }
        }
        Ok(LanguageTag(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag: `sv` for `sv-FI`.
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }
}

fn is_alpha(text: &str) -> bool {
    text.bytes().all(|byte| byte.is_ascii_alphabetic())
}

fn is_region(text: &str) -> bool {
    (text.len() == 2 && is_alpha(text))
        || (text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()))
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LanguageTag({})", self.0)
    }
}

impl TryFrom<String> for LanguageTag {
    type Error = LanguageTagError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        LanguageTag::parse(&value)
    }
}

impl From<LanguageTag> for String {
    fn from(value: LanguageTag) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_canonicalises_common_tags() {
        for (input, canonical) in [
            ("fi", "fi"),
            ("sv-FI", "sv-FI"),
            ("sv_fi", "sv-FI"),
            ("EN-gb", "en-GB"),
            ("sr-latn-rs", "sr-Latn-RS"),
            ("es-419", "es-419"),
            ("nb", "nb"),
        ] {
            assert_eq!(
                LanguageTag::parse(input).map(|t| t.0),
                Ok(canonical.to_owned())
            );
        }
        assert_eq!(
            LanguageTag::parse("sv-FI").map(|t| t.primary().to_owned()),
            Ok("sv".into())
        );
    }

    #[test]
    fn refuses_what_is_not_a_simple_tag() {
        for bad in [
            "",
            "f",
            "finnish",
            "fi-",
            "fi-FI-FI",
            "fi-x-private",
            "1a",
            "fi-Latn-Latn",
            "de-DE-1996",
        ] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad:?}");
        }
    }
}
