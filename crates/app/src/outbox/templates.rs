//! Message templates (`templates/messages/<id>.<language>.toml` at the repository root,
//! compiled in): per template and language an e-mail subject, text and HTML part, an SMS
//! text and a letter text, with placeholders in braces. A placeholder outside the known set,
//! or a missing part, is an error when the templates are loaded, not when a customer's
//! message is rendered.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{AppError, AppResult};

/// The template ids the daily run may ask for.
pub const TEMPLATE_IDS: [&str; 8] = [
    "reminder",
    "demand",
    "repeat_demand",
    "payment_nudge",
    "plan_followup",
    "call_script",
    "support",
    "promise_followup",
];

/// The line every message ends with: how to check that it is really from us, and what to do
/// when it is not. Short enough for an SMS.
pub fn verification_line(language: &str, address: &str, code: &str) -> String {
    match language {
        "fi" => format!(
            "Tarkista, että viesti on meiltä: {address}, koodi {code}. Älä maksa, jos koodi ei täsmää."
        ),
        "sv" => format!(
            "Kontrollera att meddelandet är från oss: {address}, kod {code}. Betala inte om koden inte stämmer."
        ),
        _ => format!(
            "Check that this message is from us: {address}, code {code}. Do not pay if the code does not check out."
        ),
    }
}

/// The languages every template is written in.
pub const LANGUAGES: [&str; 3] = ["fi", "sv", "en"];

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 6] = [
    "creditor",
    "amount",
    "reference",
    "case_number",
    "pay_by",
    "customer_name",
];

const BUILTIN: &[(&str, &str, &str)] = &include!("builtin_templates.rs");

/// One template in one language, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateText {
    subject: String,
    text: String,
    html: String,
    sms: String,
    letter: String,
}

/// The values a message is rendered with, already formatted for the customer's language.
#[derive(Clone)]
pub struct MessageValues {
    pub creditor: String,
    pub amount: String,
    pub reference: String,
    pub case_number: String,
    pub pay_by: String,
    pub customer_name: String,
}

impl std::fmt::Debug for MessageValues {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The customer's name is personal data.
        formatter
            .debug_struct("MessageValues")
            .field("case_number", &self.case_number)
            .finish_non_exhaustive()
    }
}

impl MessageValues {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "creditor" => &self.creditor,
            "amount" => &self.amount,
            "reference" => &self.reference,
            "case_number" => &self.case_number,
            "pay_by" => &self.pay_by,
            "customer_name" => &self.customer_name,
            _ => return None,
        })
    }
}

/// A rendered message: subject and HTML for e-mail, text for every channel.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedMessage {
    pub subject: Option<String>,
    pub text: String,
    pub html: Option<String>,
}

impl std::fmt::Debug for RenderedMessage {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("RenderedMessage(***)")
    }
}

/// Every template in every language, checked.
#[derive(Debug, Clone)]
pub struct Templates {
    texts: HashMap<(String, String), TemplateText>,
}

impl Templates {
    /// The compiled-in templates; an error names the first template that does not load.
    pub fn builtin() -> AppResult<Self> {
        Self::from_sources(BUILTIN)
    }

    /// Templates from (id, language, TOML) sources, each part's placeholders checked, and
    /// every template id in every language present.
    pub fn from_sources(sources: &[(&str, &str, &str)]) -> AppResult<Self> {
        let mut texts = HashMap::new();
        for (id, language, source) in sources {
            let invalid =
                |why: String| AppError::Invalid(format!("template {id}.{language}: {why}"));
            let text: TemplateText = toml::from_str(source).map_err(|e| invalid(e.to_string()))?;
            for part in [
                &text.subject,
                &text.text,
                &text.html,
                &text.sms,
                &text.letter,
            ] {
                check_placeholders(part).map_err(invalid)?;
            }
            texts.insert(((*id).to_owned(), (*language).to_owned()), text);
        }
        Ok(Templates { texts })
    }

    /// Checks that every template id is there in every language.
    pub fn check_complete(&self) -> AppResult<()> {
        for id in TEMPLATE_IDS {
            for language in LANGUAGES {
                if !self
                    .texts
                    .contains_key(&(id.to_owned(), language.to_owned()))
                {
                    return Err(AppError::Invalid(format!(
                        "template {id}.{language} is missing"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Whether `template` is written in every language Reilu has templates in.
    pub fn has(&self, template: &str) -> bool {
        LANGUAGES.into_iter().all(|language| {
            self.texts
                .contains_key(&(template.to_owned(), language.to_owned()))
        })
    }

    /// Renders `template` in `language` for `channel` (`email`, `sms`, `letter`, `phone`).
    pub fn render(
        &self,
        template: &str,
        language: &str,
        channel: &str,
        values: &MessageValues,
    ) -> AppResult<RenderedMessage> {
        let text = self
            .texts
            .get(&(template.to_owned(), language.to_owned()))
            .ok_or_else(|| AppError::NotFound(format!("template {template}.{language}")))?;
        let plain = |part: &str| fill(part.trim(), values, false);
        Ok(match channel {
            "email" => RenderedMessage {
                subject: Some(plain(&text.subject)?),
                text: plain(&text.text)?,
                html: Some(fill(text.html.trim(), values, true)?),
            },
            "sms" => RenderedMessage {
                subject: None,
                text: plain(&text.sms)?,
                html: None,
            },
            // A call task carries the agent's script: the letter-length text.
            "letter" | "phone" => RenderedMessage {
                subject: Some(plain(&text.subject)?),
                text: plain(&text.letter)?,
                html: None,
            },
            other => return Err(AppError::Invalid(format!("no channel {other}"))),
        })
    }
}

/// The placeholders of `part`, each checked against [`PLACEHOLDERS`].
fn check_placeholders(part: &str) -> Result<(), String> {
    let mut rest = part;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("an unclosed {")?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!("unknown placeholder {{{name}}}"));
        }
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err("a } without its {".into());
    }
    Ok(())
}

/// `part` with its placeholders replaced, the values HTML-escaped when `html`.
fn fill(part: &str, values: &MessageValues, html: bool) -> AppResult<String> {
    let mut out = String::with_capacity(part.len() + 64);
    let mut rest = part;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| AppError::Invalid("an unclosed {".into()))?;
        let name = &after[..close];
        let value = values
            .get(name)
            .ok_or_else(|| AppError::Invalid(format!("unknown placeholder {{{name}}}")))?;
        if html {
            push_escaped(&mut out, value);
        } else {
            out.push_str(value);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn push_escaped(out: &mut String, value: &str) {
    for character in value.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> MessageValues {
        MessageValues {
            creditor: "Kauppa & <Co>".into(),
            amount: "120,50 EUR".into(),
            reference: "RF18 1234".into(),
            case_number: "1000001".into(),
            pay_by: "31.12.2026".into(),
            customer_name: "Aino".into(),
        }
    }

    #[test]
    fn every_template_loads_in_every_language() {
        let templates = Templates::builtin().unwrap_or_else(|e| panic!("{e}"));
        templates.check_complete().unwrap_or_else(|e| panic!("{e}"));
        for id in TEMPLATE_IDS {
            for language in LANGUAGES {
                for channel in ["email", "sms", "letter", "phone"] {
                    let rendered = templates.render(id, language, channel, &values());
                    let rendered = rendered.unwrap_or_else(|e| panic!("{id}.{language}: {e}"));
                    assert!(!rendered.text.contains('{'), "{id}.{language}.{channel}");
                }
            }
        }
    }

    #[test]
    fn values_are_escaped_in_html_only() {
        let templates = Templates::builtin().unwrap_or_else(|e| panic!("{e}"));
        let rendered = templates.render("reminder", "en", "email", &values());
        let rendered = rendered.unwrap_or_else(|e| panic!("{e}"));
        assert!(rendered.text.contains("Kauppa & <Co>"));
        let html = rendered.html.unwrap_or_default();
        assert!(html.contains("Kauppa &amp; &lt;Co&gt;"), "{html}");
        assert!(!html.contains("<Co>"));
    }

    #[test]
    fn an_unknown_placeholder_is_a_load_error() {
        let source =
            "subject = \"{creditor}\"\ntext = \"{iban}\"\nhtml = \"\"\nsms = \"\"\nletter = \"\"";
        let loaded = Templates::from_sources(&[("x", "en", source)]);
        let error = loaded.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("unknown placeholder {iban}"), "{error}");
    }
}
