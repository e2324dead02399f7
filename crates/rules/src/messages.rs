//! Rendering reasons in the customer's language. Catalogs are data
//! (`rules/messages/<lang>.toml`), compiled in and checked at start: every language has every
//! message, and every placeholder a message uses is one its reasons give.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::decision::Reason;

/// The languages Reilu writes to customers in; English is the fallback.
pub const LANGUAGES: [&str; 3] = ["en", "fi", "sv"];

const CATALOGS: [(&str, &str); 3] = [
    ("en", include_str!("../../../rules/messages/en.toml")),
    ("fi", include_str!("../../../rules/messages/fi.toml")),
    ("sv", include_str!("../../../rules/messages/sv.toml")),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("rules/messages/{language}.toml: {message}")]
    Catalog { language: String, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalog {
    messages: BTreeMap<String, String>,
    #[serde(default)]
    terms: BTreeMap<String, String>,
}

/// One language's messages and terms.
type LanguageCatalog = (
    &'static str,
    BTreeMap<String, String>,
    BTreeMap<String, String>,
);

/// Every catalog, checked against the English one.
#[derive(Debug, Clone)]
pub struct Messages {
    catalogs: Vec<LanguageCatalog>,
}

impl Messages {
    pub fn builtin() -> Result<Self, MessageError> {
        let mut catalogs = Vec::new();
        for (language, text) in CATALOGS {
            let catalog: Catalog = toml::from_str(text).map_err(|error| MessageError::Catalog {
                language: language.into(),
                message: error.to_string(),
            })?;
            catalogs.push((language, catalog.messages, catalog.terms));
        }
        let messages = Messages { catalogs };
        messages.check_complete()?;
        Ok(messages)
    }

    /// Every language has the same message keys and terms as English.
    fn check_complete(&self) -> Result<(), MessageError> {
        let Some((_, english, english_terms)) = self.catalogs.first() else {
            return Ok(());
        };
        for (language, messages, terms) in &self.catalogs {
            let missing = english.keys().find(|key| !messages.contains_key(*key));
            let extra = messages.keys().find(|key| !english.contains_key(*key));
            let missing_term = english_terms.keys().find(|key| !terms.contains_key(*key));
            if let Some(key) = missing.or(extra).or(missing_term) {
                return Err(MessageError::Catalog {
                    language: (*language).into(),
                    message: format!("`{key}` is not in every language"),
                });
            }
        }
        Ok(())
    }

    /// The message keys, for tests that check every key the gate uses is written.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.catalogs
            .first()
            .into_iter()
            .flat_map(|(_, messages, _)| messages.keys().map(String::as_str))
    }

    /// A reason in a language (its primary subtag: `sv-FI` → `sv`), English if not written.
    pub fn render(&self, language: &str, reason: &Reason) -> String {
        let params: Vec<(&str, &str)> = reason
            .params
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        self.render_key(language, reason.message_key, &params)
    }

    /// A reason as it was recorded (its message key and parameters) in a language.
    pub fn render_key(&self, language: &str, key: &str, params: &[(&str, &str)]) -> String {
        let primary = language.split(['-', '_']).next().unwrap_or("en");
        let chosen = self
            .catalogs
            .iter()
            .find(|(code, _, _)| *code == primary)
            .or_else(|| self.catalogs.first());
        let Some((_, messages, terms)) = chosen else {
            return key.to_owned();
        };
        let Some(template) = messages.get(key) else {
            return key.to_owned();
        };
        fill(template, params, terms)
    }
}

/// Replaces each `{name}` with its parameter, translated through the terms where it is one.
fn fill(template: &str, params: &[(&str, &str)], terms: &BTreeMap<String, String>) -> String {
    let mut text = template.to_owned();
    for (name, value) in params {
        let shown = terms.get(*value).map_or(*value, String::as_str);
        text = text.replace(&format!("{{{name}}}"), shown);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_load_and_are_complete() {
        let messages = Messages::builtin();
        assert!(messages.is_ok(), "{messages:?}");
    }

    #[test]
    fn placeholders_are_filled_and_terms_translated() {
        let mut terms = BTreeMap::new();
        terms.insert("dispute".to_owned(), "riitautus".to_owned());
        let filled = fill(
            "Emme pyydä maksua, kun {hold} on kesken.",
            &[("hold", "dispute")],
            &terms,
        );
        assert_eq!(filled, "Emme pyydä maksua, kun riitautus on kesken.");
    }
}

#[cfg(test)]
mod coverage_tests {
    use super::*;

    /// Every message key the gate writes is a string literal in its sources; each must be in
    /// the catalogs, or a customer would read a bare key.
    #[test]
    fn every_key_the_gate_uses_has_a_message() {
        let sources = [
            include_str!("gate/mod.rs"),
            include_str!("gate/contact.rs"),
            include_str!("gate/fees.rs"),
            include_str!("gate/fee_stage.rs"),
            include_str!("gate/interest.rs"),
            include_str!("gate/plans.rs"),
            include_str!("gate/collection.rs"),
        ];
        let messages = Messages::builtin().unwrap_or_else(|error| panic!("{error}"));
        let known: Vec<&str> = messages.keys().collect();
        let mut checked = 0;
        for source in sources {
            for literal in source.split('"').skip(1).step_by(2) {
                let looks_like_key = literal.contains('.')
                    && literal
                        .bytes()
                        .all(|byte| byte.is_ascii_lowercase() || byte == b'_' || byte == b'.')
                    && !literal.starts_with('.')
                    && !literal.ends_with('.');
                if looks_like_key {
                    assert!(
                        known.contains(&literal),
                        "the gate uses `{literal}`, which no catalog has"
                    );
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 30,
            "found only {checked} keys: the scan is broken"
        );
    }
}
