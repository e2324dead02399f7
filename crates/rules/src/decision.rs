//! The gate's answer: a verdict, the reasons that decided it (each naming its principle,
//! rule, source and citation, with a message to show the customer), any changes made, and the
//! rule packs in force.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use crate::pack::{PackStamp, Rule, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Allow,
    AllowWithChanges,
    Deny,
}

/// What a rule did to the proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The rule forbids the proposal.
    Denied,
    /// The rule changed the proposal (capped an amount, moved a time).
    Changed,
    /// The rule was checked and the proposal keeps to it.
    Applied,
}

fn serialize_arc_str<S: Serializer>(value: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value)
}

fn serialize_params<S: Serializer>(
    params: &[(&'static str, String)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(params.len()))?;
    for (key, value) in params {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// One rule's part in a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub principle: u8,
    #[serde(serialize_with = "serialize_arc_str")]
    pub rule_id: Arc<str>,
    pub source: Source,
    #[serde(serialize_with = "serialize_arc_str")]
    pub citation: Arc<str>,
    pub outcome: Outcome,
    /// Key into the message catalogs (`rules/messages/<lang>.toml`).
    pub message_key: &'static str,
    #[serde(serialize_with = "serialize_params")]
    pub params: Vec<(&'static str, String)>,
}

impl Reason {
    pub fn from_rule(
        rule: &Rule,
        outcome: Outcome,
        message_key: &'static str,
        params: Vec<(&'static str, String)>,
    ) -> Self {
        Reason {
            principle: rule.principle.number(),
            rule_id: Arc::clone(&rule.id),
            source: rule.source,
            citation: Arc::clone(&rule.citation),
            outcome,
            message_key,
            params,
        }
    }
}

/// A field of the proposal the gate changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub field: &'static str,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub verdict: Verdict,
    pub proposal: &'static str,
    pub decided_at: DateTime<Utc>,
    pub reasons: Vec<Reason>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// The packs in force: shared with the rule book, not copied per decision.
    #[serde(serialize_with = "serialize_stamps")]
    pub packs: Arc<[PackStamp]>,
}

fn serialize_stamps<S: Serializer>(
    stamps: &Arc<[PackStamp]>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(stamps.iter())
}

impl Decision {
    /// The reasons that forbade the proposal.
    pub fn denials(&self) -> impl Iterator<Item = &Reason> {
        self.reasons
            .iter()
            .filter(|reason| reason.outcome == Outcome::Denied)
    }
}
