//! A decision in words, for `reilu rules explain` and for people reading the journal.

use std::fmt::Write;

use crate::approved::{Approved, ApprovedAction};
use crate::decision::{Decision, Outcome, Verdict};
use crate::gate::GateOutcome;
use crate::messages::Messages;
use crate::model::ContactPurpose;
use crate::pack::Source;

/// The decision in words, with what it approved (the amount charged or accrued, the time of
/// a contact) after the changes.
pub fn explain_outcome(outcome: &GateOutcome, messages: &Messages, language: &str) -> String {
    let text = explain(&outcome.decision, messages, language);
    let approved = approved_text(outcome.approved.as_ref());
    // The approved action goes right after the verdict and changes, before the reasons.
    match text.find("Reasons:") {
        Some(at) => format!("{}Approved: {approved}\n{}", &text[..at], &text[at..]),
        None => format!("{text}Approved: {approved}\n"),
    }
}

/// The decision as JSON (see `explain_json`) with the approved action under `approved`
/// (null when denied).
pub fn explain_outcome_json(
    outcome: &GateOutcome,
    messages: &Messages,
    language: &str,
) -> serde_json::Value {
    let mut value = explain_json(&outcome.decision, messages, language);
    let approved = outcome
        .approved
        .as_ref()
        .and_then(|approved| serde_json::to_value(approved.action()).ok())
        .unwrap_or(serde_json::Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.insert("approved".into(), approved);
    }
    value
}

/// One line for the approved action: what is done, and how much.
fn approved_text(approved: Option<&Approved>) -> String {
    let Some(approved) = approved else {
        return "nothing".to_owned();
    };
    match approved.action() {
        ApprovedAction::Contact {
            channel,
            at,
            purpose,
            ..
        } => {
            let purpose = match purpose {
                ContactPurpose::Payment => "payment",
                ContactPurpose::Service => "service",
            };
            format!("{} ({purpose}) at {at}", channel.as_str())
        }
        ApprovedAction::Fee { fee, amount } => {
            format!("{} fee {amount}", fee.as_str().replace('_', " "))
        }
        ApprovedAction::Interest {
            from, to, amount, ..
        } => format!("interest {amount} for {from} to {to}"),
        ApprovedAction::PaymentPlan {
            instalments,
            setup_fee,
        } => format!(
            "payment plan of {} instalments, setup fee {setup_fee}",
            instalments.len()
        ),
        ApprovedAction::Escalation => "legal escalation".to_owned(),
        ApprovedAction::Sale { buyer } => format!("sale to {buyer}"),
        ApprovedAction::WriteOff { amount } => format!("write-off {amount}"),
        ApprovedAction::Waiver { amount } => format!("waiver {amount}"),
    }
}

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
