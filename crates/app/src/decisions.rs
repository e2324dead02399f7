//! Proposing actions on a case: the case is seen as the gate needs it, the gate decides, the
//! decision goes on record with its reasons, and only an approved fee or interest reaches the
//! ledger — the posting functions here take nothing but an `Approved`.

use chrono::NaiveDate;
use reilu_core::{Currency, CustomerKind, MarketCode, Money};
use reilu_rules::model::{Balances, CaseView, Context, Proposal};
use reilu_rules::{Approved, ApprovedAction, GateOutcome};
use reilu_store::{NewJournalEntry, NewPosting, PostingEntryRow, Store};

use crate::{App, AppError, AppResult};

/// A decision and, if the gate approved a charge, the posting that booked it.
#[derive(Debug)]
pub struct Proposed {
    pub outcome: GateOutcome,
    pub posting_id: Option<i64>,
}

impl<S: Store> App<S> {
    /// The case as the gate sees it, from the store and the ledger. Holds, contact and fee
    /// histories are not stored yet (the workbench and the daily run bring them) and are empty.
    pub async fn case_view(&self, case_number: i64) -> AppResult<(CaseView, String)> {
        let case = self
            .store
            .case_by_number(case_number)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no case number {case_number}")))?;
        let invalid = |what: String| AppError::Invalid(format!("case {case_number}: {what}"));
        let market = self
            .markets
            .get(&case.market)
            .map_err(|error| invalid(error.to_string()))?;
        let currency =
            Currency::parse(&case.currency).map_err(|error| invalid(error.to_string()))?;
        let kind = CustomerKind::parse(&case.customer_kind)
            .ok_or_else(|| invalid("customer kind".into()))?;
        let due_date = NaiveDate::parse_from_str(&case.earliest_due_date, "%Y-%m-%d")
            .map_err(|error| invalid(error.to_string()))?;
        let mut balances = Balances {
            principal: Money::zero(currency),
            interest: Money::zero(currency),
            collection_costs: Money::zero(currency),
            creditor_fees: Money::zero(currency),
        };
        for (account, account_currency, minor) in self
            .store
            .balances(&format!("receivable:{case_number}:"))
            .await?
        {
            if account_currency != case.currency {
                continue;
            }
            let amount = Money::from_minor(minor, currency);
            match account.rsplit(':').next() {
                Some("principal") => balances.principal = amount,
                Some("interest") => balances.interest = amount,
                Some("collection_costs") => balances.collection_costs = amount,
                Some("creditor_fees") => balances.creditor_fees = amount,
                _ => {}
            }
        }
        let view = CaseView {
            market: MarketCode::parse(&case.market).map_err(|error| invalid(error.to_string()))?,
            customer_kind: kind,
            time_zone: market.main_time_zone(),
            original_principal: Money::from_minor(case.principal_minor, currency),
            balances,
            due_date,
            limitation_interrupted_on: None,
            holds: Vec::new(),
            vulnerable: false,
            contact_history: Vec::new(),
            fee_history: Vec::new(),
            channels_refused: Vec::new(),
            first_demand_sent_at: None,
            plans_charged: 0,
        };
        Ok((view, case.client_id))
    }

    /// Asks the gate, records the decision in the journal, and books an approved fee or
    /// interest in the ledger.
    pub async fn propose(
        &self,
        case_number: i64,
        proposal: &Proposal,
        context: &Context,
    ) -> AppResult<Proposed> {
        let (view, client_id) = self.case_view(case_number).await?;
        let outcome = self.gate.decide(proposal, &view, context);
        let payload = serde_json::to_string(&outcome.decision)
            .map_err(|error| AppError::Invalid(error.to_string()))?;
        let actor = match &context.actor {
            reilu_rules::model::Actor::System => "system".to_owned(),
            reilu_rules::model::Actor::Agent { id, .. } => format!("agent:{id}"),
        };
        let entry = NewJournalEntry {
            at_ms: context.now.timestamp_millis(),
            actor: actor.clone(),
            kind: "gate.decided".into(),
            subject: format!("case:{case_number}"),
            payload,
        };
        self.store.append_journal(&entry).await?;
        let posting_id = match &outcome.approved {
            Some(approved) => {
                self.post_approved(case_number, &client_id, approved, &actor)
                    .await?
            }
            None => None,
        };
        Ok(Proposed {
            outcome,
            posting_id,
        })
    }

    /// Books an approved charge. Only the gate makes `Approved`, so nothing unapproved is booked.
    pub async fn post_approved(
        &self,
        case_number: i64,
        client_id: &str,
        approved: &Approved,
        actor: &str,
    ) -> AppResult<Option<i64>> {
        let posting = match approved.action() {
            ApprovedAction::Fee { amount, .. } => reilu_ledger::fee_charged(case_number, *amount),
            ApprovedAction::Interest { amount, .. } if amount.is_positive() => {
                reilu_ledger::interest_accrued(case_number, client_id, *amount)
            }
            _ => return Ok(None),
        }
        .map_err(|error| AppError::Invalid(error.to_string()))?;
        let rows = NewPosting {
            kind: posting.kind().as_str().to_owned(),
            at_ms: approved.decided_at().timestamp_millis(),
            corrects: None,
            idempotency_key: None,
            description: format!("approved on case {case_number}"),
            actor: actor.to_owned(),
            entries: posting
                .entries()
                .iter()
                .map(|entry| PostingEntryRow {
                    account: entry.account.code(),
                    currency: entry.amount.currency().code().to_owned(),
                    amount_minor: entry.amount.amount_minor(),
                })
                .collect(),
        };
        match self.store.post(&rows).await? {
            reilu_store::PostOutcome::Posted { posting_id }
            | reilu_store::PostOutcome::AlreadyPosted { posting_id } => Ok(Some(posting_id)),
        }
    }
}
