//! A decision in words, for `reilu rules explain` and for people reading the journal.

use std::fmt::Write;

use crate::decision::{Decision, Outcome, Verdict};
use crate::messages::Messages;
use crate::pack::Source;

/// The verdict, the changes, each reason with its rule, citation and message, and the packs.
pub fn explain(decision: &Decision, messages: &Messages, language: &str) -> String {
    let mut text = String::new();
    let verdict = match decision.verdict {
        Verdict::Allow => "allow",
        Verdict::AllowWithChanges => "allow with changes",
        Verdict::Deny => "deny",
    };
    let _ = writeln!(text, "Proposal: {}", decision.proposal);
    let _ = writeln!(text, "Verdict:  {verdict}");
    for change in &decision.changes {
        let _ = writeln!(
            text,
            "Change:   {}: {} -> {}",
            change.field, change.from, change.to
        );
    }
    let _ = writeln!(text, "Reasons:");
    if decision.reasons.is_empty() {
        let _ = writeln!(text, "  (no rule restricts this proposal)");
    }
    for reason in &decision.reasons {
        let source = match reason.source {
            Source::Law => "law",
            Source::House => "house policy",
        };
        let outcome = match reason.outcome {
            Outcome::Denied => "denies",
            Outcome::Changed => "changes",
            Outcome::Applied => "applies",
        };
        let _ = writeln!(
            text,
            "  - {} ({source}, principle {}) {outcome}",
            reason.rule_id, reason.principle
        );
        let _ = writeln!(text, "    {}", reason.citation);
        let _ = writeln!(text, "    \"{}\"", messages.render(language, reason));
    }
    let packs: Vec<String> = decision
        .packs
        .iter()
        .map(|stamp| {
            format!(
                "{} {} (sha256 {})",
                stamp.pack,
                stamp.version,
                &stamp.sha256[..12.min(stamp.sha256.len())]
            )
        })
        .collect();
    let _ = writeln!(text, "Rule packs: {}", packs.join(", "));
    text
}

/// The decision as JSON, each reason carrying its message rendered in `language`.
pub fn explain_json(decision: &Decision, messages: &Messages, language: &str) -> serde_json::Value {
    let mut value = serde_json::to_value(decision).unwrap_or(serde_json::Value::Null);
    if let Some(reasons) = value
        .get_mut("reasons")
        .and_then(serde_json::Value::as_array_mut)
    {
        for (json, reason) in reasons.iter_mut().zip(&decision.reasons) {
            if let Some(object) = json.as_object_mut() {
                object.insert(
                    "message".into(),
                    serde_json::Value::String(messages.render(language, reason)),
                );
            }
        }
    }
    value
}
