//! The agreement check that keeps the comparison honest: for every contact proposal, Cedar
//! allows exactly when the gate allows the contact as proposed, and denies exactly when the
//! gate denies it or moves it to a later slot.

use std::collections::BTreeMap;
use std::fmt;

use anyhow::bail;
use cedar_policy::Decision as CedarDecision;
use reilu_rules::{Gate, Outcome, Verdict};

use crate::cedar::{CedarContact, ContactFacts};
use crate::portfolio::Portfolio;

/// Disagreements printed in full; the rest are only counted.
pub const SHOWN_MAX: usize = 10;

/// One contact on which the engines disagree, with everything needed to reproduce it.
#[derive(Debug, Clone)]
pub struct Disagreement {
    pub job: usize,
    pub reilu: Verdict,
    /// The rules that denied or moved the contact.
    pub reilu_rules: Vec<String>,
    pub cedar_allows: bool,
    /// The @id of the policies that decided Cedar's answer.
    pub cedar_policies: Vec<String>,
    pub facts: ContactFacts,
    pub inputs: String,
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cedar = if self.cedar_allows { "Allow" } else { "Deny" };
        writeln!(
            f,
            "job {}: Reilu {:?} {:?}, Cedar {cedar} {:?}",
            self.job, self.reilu, self.reilu_rules, self.cedar_policies
        )?;
        writeln!(f, "  facts: {:?}", self.facts)?;
        write!(f, "  inputs: {}", self.inputs)
    }
}

/// The outcome of checking every contact proposal.
#[derive(Debug, Default)]
pub struct Agreement {
    pub checked: usize,
    pub reilu_allow: usize,
    pub reilu_moved: usize,
    pub reilu_deny: usize,
    pub cedar_allow: usize,
    pub cedar_deny: usize,
    /// How often each forbid policy fired: evidence the check exercised every rule.
    pub fired: BTreeMap<String, usize>,
    pub disagreements: usize,
    /// The first [`SHOWN_MAX`] disagreements.
    pub shown: Vec<Disagreement>,
}

impl Agreement {
    /// Counts one contact's answers; true when they agree.
    fn tally(&mut self, verdict: Verdict, cedar_allows: bool, policies: &[String]) -> bool {
        self.checked += 1;
        match verdict {
            Verdict::Allow => self.reilu_allow += 1,
            Verdict::AllowWithChanges => self.reilu_moved += 1,
            Verdict::Deny => self.reilu_deny += 1,
        }
        if cedar_allows {
            self.cedar_allow += 1;
        } else {
            self.cedar_deny += 1;
            for policy in policies {
                *self.fired.entry(policy.clone()).or_default() += 1;
            }
        }
        let agrees = cedar_allows == (verdict == Verdict::Allow);
        self.disagreements += usize::from(!agrees);
        agrees
    }
}

/// Decides every contact job with both engines and compares.
pub fn check(
    gate: &Gate,
    cedar: &CedarContact,
    portfolio: &Portfolio,
) -> anyhow::Result<Agreement> {
    let mut agreement = Agreement::default();
    for index in portfolio.contact_jobs() {
        let job = &portfolio.jobs[index];
        let case = &portfolio.cases[job.case];
        let Some(facts) = ContactFacts::compute(gate, case, &job.proposal, &job.context) else {
            bail!("job {index} is not a contact proposal");
        };
        let outcome = gate.decide(&job.proposal, case, &job.context);
        let case_id = &portfolio.case_ids[job.case];
        let response = cedar.decide(gate, case_id, case, &job.proposal, &job.context)?;
        if let Some(error) = response.diagnostics().errors().next() {
            // An erroring policy is skipped by Cedar, which could hide a forbid: never tolerated.
            bail!("Cedar policy error on job {index}: {error}");
        }
        let verdict = outcome.decision.verdict;
        let cedar_allows = response.decision() == CedarDecision::Allow;
        let cedar_policies = cedar.determining(&response);
        if agreement.tally(verdict, cedar_allows, &cedar_policies)
            || agreement.shown.len() >= SHOWN_MAX
        {
            continue;
        }
        let reilu_rules = outcome
            .decision
            .reasons
            .iter()
            .filter(|reason| reason.outcome != Outcome::Applied)
            .map(|reason| reason.rule_id.to_string())
            .collect();
        let inputs = format!(
            "proposal {:?}; context {:?}; case {:?}",
            job.proposal, job.context, case
        );
        agreement.shown.push(Disagreement {
            job: index,
            reilu: verdict,
            reilu_rules,
            cedar_allows,
            cedar_policies,
            facts,
            inputs,
        });
    }
    Ok(agreement)
}
