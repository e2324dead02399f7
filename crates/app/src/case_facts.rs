//! Changing what is known about a case — holds, refused channels, vulnerability, the
//! jurisdiction, limitation interruptions — validated here, written by the store with a
//! journal entry naming who and why, each change moving the case's version so that a decision
//! made before it is refused when carried out. And the case as an operator reads it: the
//! itemised balance, the holds, the contact and fee history, and the decisions with reasons.

use chrono::NaiveDate;
use reilu_core::{Currency, Money};
use reilu_rules::CaseSnapshot;
use reilu_rules::model::{Channel, HoldKind};
use reilu_store::{CaseFactRows, DecisionRow, FactChange, FactChanged, Store};
use serde::Serialize;

use crate::{App, AppError, AppResult};

/// Longest free text on a fact (a hold's reason, a note), in characters.
const REASON_CHARS_MAX: usize = 500;
/// How many of a case's decisions `case show` lists (the newest).
pub const DECISIONS_SHOWN_MAX: usize = 50;

/// A case's balance item by item, in its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemisedBalance {
    pub currency: String,
    /// What was charged over the case's life: principal and creditor fees as placed, late
    /// interest accrued, collection costs charged.
    pub principal_minor: i64,
    pub interest_minor: i64,
    pub collection_costs_minor: i64,
    pub creditor_fees_minor: i64,
    /// Paid (and otherwise settled) so far: charged less outstanding.
    pub paid_minor: i64,
    /// Outstanding now, the four components together.
    pub outstanding_minor: i64,
    /// Outstanding now, by component: principal, interest, collection costs, creditor fees.
    pub outstanding_by_component_minor: [i64; 4],
}

impl ItemisedBalance {
    pub fn money(&self, minor: i64) -> String {
        Currency::parse(&self.currency)
            .map(|currency| Money::from_minor(minor, currency).to_string())
            .unwrap_or_else(|_| format!("{minor} minor units {}", self.currency))
    }
}

/// The case as an operator reads it (no personal data).
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub snapshot: CaseSnapshot,
    pub facts: CaseFactRows,
    pub balance: ItemisedBalance,
    /// The newest decisions, oldest first.
    pub decisions: Vec<DecisionRow>,
}

impl<S: Store> App<S> {
    /// Everything stored about a case that decisions depend on, with its decisions.
    pub async fn case_record(&self, case_number: i64) -> AppResult<CaseRecord> {
        let snapshot = self.snapshot(case_number).await?;
        let facts = self
            .store
            .case_facts(&[case_number])
            .await?
            .remove(&case_number)
            .ok_or_else(|| AppError::NotFound(format!("no case number {case_number}")))?;
        let mut decisions = self.store.case_decisions(case_number).await?;
        let skipped = decisions.len().saturating_sub(DECISIONS_SHOWN_MAX);
        decisions.drain(..skipped);
        let creditor_fees_placed_minor = self
            .store
            .case_by_number(case_number)
            .await?
            .map_or(0, |case| case.creditor_fees_minor);
        let balance = itemised(&snapshot, &facts, creditor_fees_placed_minor)?;
        Ok(CaseRecord {
            snapshot,
            facts,
            balance,
            decisions,
        })
    }

    /// Places a hold on a case; it applies from `since` (default today in the market) until
    /// `until` (inclusive) or until released.
    pub async fn place_hold(
        &self,
        case_number: i64,
        kind: HoldKind,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
        reason: &str,
        actor: &str,
    ) -> AppResult<FactChanged> {
        let since = match since {
            Some(since) => since,
            None => self.case_today(case_number).await?,
        };
        if until.is_some_and(|until| until < since) {
            return Err(AppError::Invalid(format!(
                "the hold would end ({}) before it starts ({since})",
                until.map(|u| u.to_string()).unwrap_or_default()
            )));
        }
        let change = FactChange::PlaceHold {
            kind: kind.as_str().to_owned(),
            since: since.to_string(),
            until: until.map(|until| until.to_string()),
            reason: text(reason, "reason")?,
        };
        self.change_fact(case_number, &change, actor).await
    }

    /// Releases a hold: it no longer applies from `on` (default today in the market).
    pub async fn release_hold(
        &self,
        case_number: i64,
        hold_id: i64,
        on: Option<NaiveDate>,
        reason: &str,
        actor: &str,
    ) -> AppResult<FactChanged> {
        let on = match on {
            Some(on) => on,
            None => self.case_today(case_number).await?,
        };
        let change = FactChange::ReleaseHold {
            hold_id,
            on: on.to_string(),
            reason: text(reason, "reason")?,
        };
        self.change_fact(case_number, &change, actor).await
    }

    /// The customer refused a channel (or never consented to it): it is not used again.
    pub async fn refuse_channel(
        &self,
        case_number: i64,
        channel: Channel,
        actor: &str,
    ) -> AppResult<FactChanged> {
        let change = FactChange::RefuseChannel {
            channel: channel.as_str().to_owned(),
        };
        self.change_fact(case_number, &change, actor).await
    }

    /// Flags the case's customer as vulnerable, to be reviewed on `review_on`; `None` clears
    /// the flag.
    pub async fn set_vulnerable(
        &self,
        case_number: i64,
        review_on: Option<NaiveDate>,
        actor: &str,
    ) -> AppResult<FactChanged> {
        let change = match review_on {
            Some(review_on) => {
                let today = self.case_today(case_number).await?;
                if review_on <= today {
                    return Err(AppError::Invalid(format!(
                        "the review date {review_on} must be after today ({today})"
                    )));
                }
                FactChange::Vulnerable {
                    review_on: review_on.to_string(),
                }
            }
            None => FactChange::NotVulnerable,
        };
        self.change_fact(case_number, &change, actor).await
    }

    /// The part of the market whose law applies (ISO 3166-2, e.g. `GB-SCT`).
    pub async fn set_jurisdiction(
        &self,
        case_number: i64,
        code: &str,
        actor: &str,
    ) -> AppResult<FactChanged> {
        let snapshot = self.snapshot(case_number).await?;
        let market = snapshot.view.market.to_string();
        let code = code.trim().to_ascii_uppercase();
        let known = self.gate.book().jurisdictions(snapshot.view.market);
        if !known.iter().any(|known| *known == code) {
            return Err(AppError::Invalid(format!(
                "'{code}' is not a jurisdiction of {market}'s rule pack (known: {})",
                if known.is_empty() {
                    "none: its law is the same throughout".to_owned()
                } else {
                    known.join(", ")
                }
            )));
        }
        let change = FactChange::Jurisdiction { code };
        self.change_fact(case_number, &change, actor).await
    }

    /// Records an event that interrupted limitation: an acknowledgement or a court step.
    pub async fn record_interruption(
        &self,
        case_number: i64,
        on: NaiveDate,
        kind: &str,
        note: &str,
        actor: &str,
    ) -> AppResult<FactChanged> {
        if !["acknowledgement", "court"].contains(&kind) {
            return Err(AppError::Invalid(format!(
                "'{kind}' is not an interruption: acknowledgement or court"
            )));
        }
        let today = self.case_today(case_number).await?;
        if on > today {
            return Err(AppError::Invalid(format!("{on} is in the future")));
        }
        let change = FactChange::Interruption {
            on: on.to_string(),
            kind: kind.to_owned(),
            note: text(note, "note")?,
        };
        self.change_fact(case_number, &change, actor).await
    }

    async fn change_fact(
        &self,
        case_number: i64,
        change: &FactChange,
        actor: &str,
    ) -> AppResult<FactChanged> {
        let actor = text(actor, "who")?;
        Ok(self
            .store
            .change_case_fact(case_number, change, &actor, self.now_ms())
            .await?)
    }

    /// Today in the case's market (its main time zone).
    async fn case_today(&self, case_number: i64) -> AppResult<NaiveDate> {
        let case = self
            .store
            .case_by_number(case_number)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no case number {case_number}")))?;
        let market = self
            .markets
            .get(&case.market)
            .map_err(|error| AppError::Invalid(error.to_string()))?;
        Ok(self.today_in(market))
    }
}

/// Trimmed, non-empty, bounded, without control characters.
fn text(value: &str, what: &str) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::Invalid(format!("say {what}")));
    }
    if value.chars().count() > REASON_CHARS_MAX || value.chars().any(char::is_control) {
        return Err(AppError::Invalid(format!(
            "the {what} must be at most {REASON_CHARS_MAX} characters on one line"
        )));
    }
    Ok(value.to_owned())
}

fn itemised(
    snapshot: &CaseSnapshot,
    facts: &CaseFactRows,
    creditor_fees_placed_minor: i64,
) -> AppResult<ItemisedBalance> {
    let view = &snapshot.view;
    let currency = view.original_principal.currency();
    let outstanding = [
        view.balances.principal.amount_minor(),
        view.balances.interest.amount_minor(),
        view.balances.collection_costs.amount_minor(),
        view.balances.creditor_fees.amount_minor(),
    ];
    let overflow = || AppError::Invalid(format!("case {}: amounts overflow", snapshot.case_number));
    let costs_minor = facts
        .charges
        .iter()
        .filter(|charge| charge.currency == currency.code())
        .try_fold(0_i64, |sum, charge| sum.checked_add(charge.amount_minor))
        .ok_or_else(overflow)?;
    // Principal and creditor fees as the claims were placed; interest and costs as charged.
    let charged = [
        view.original_principal.amount_minor(),
        facts.interest_accrued_minor,
        costs_minor,
        creditor_fees_placed_minor,
    ];
    let sum = |values: &[i64]| {
        values
            .iter()
            .try_fold(0_i64, |sum, value| sum.checked_add(*value))
            .ok_or_else(overflow)
    };
    let outstanding_minor = sum(&outstanding)?;
    let charged_minor = sum(&charged)?;
    Ok(ItemisedBalance {
        currency: currency.code().to_owned(),
        principal_minor: charged[0],
        interest_minor: charged[1],
        collection_costs_minor: charged[2],
        creditor_fees_minor: charged[3],
        paid_minor: charged_minor
            .checked_sub(outstanding_minor)
            .ok_or_else(overflow)?,
        outstanding_minor,
        outstanding_by_component_minor: outstanding,
    })
}
