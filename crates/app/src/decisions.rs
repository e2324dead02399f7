//! Proposing actions on a case: the case is seen as the gate needs it, the gate decides, the
//! decision goes on record with its reasons, and only an approved fee or interest reaches the
//! ledger — the posting functions here take nothing but an `Approved`.

use chrono::NaiveDate;
use reilu_core::{Currency, CustomerKind, MarketCode, Money};
use reilu_rules::model::{Actor, Balances, CaseView, Context, Proposal};
use reilu_rules::{Approved, ApprovedAction, GateOutcome};
use reilu_store::{
    AccrualOutcome, InterestDecision, NewInterestAccrual, NewJournalEntry, NewPosting, Store,
};

use crate::{App, AppError, AppResult};

/// A decision and, if the gate approved a charge, the posting that booked it.
#[derive(Debug)]
pub struct Proposed {
    pub outcome: GateOutcome,
    pub posting_id: Option<i64>,
}

/// What the gate needs to know of a case, as the store gives it (one case, or a page of the
/// interest run): its terms, without personal data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CaseFacts<'a> {
    pub case_number: i64,
    pub market: &'a str,
    pub currency: &'a str,
    pub customer_kind: &'a str,
    /// The claims' original principal together.
    pub principal_minor: i64,
    /// YYYY-MM-DD.
    pub earliest_due_date: &'a str,
    pub lowest_interest_rate_bp: Option<i64>,
    pub claims_without_rate: i64,
    /// What the rounding of the latest interest accrual left over, for the next one.
    pub interest_carry_minor_bp_days: i64,
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
        let facts = CaseFacts {
            case_number,
            market: &case.market,
            currency: &case.currency,
            customer_kind: &case.customer_kind,
            principal_minor: case.principal_minor,
            earliest_due_date: &case.earliest_due_date,
            lowest_interest_rate_bp: case.lowest_interest_rate_bp,
            claims_without_rate: case.claims_without_rate,
            interest_carry_minor_bp_days: case.interest_carry_minor_bp_days,
        };
        let mut owed = [0_i64; 4];
        for (account, account_currency, minor) in self
            .store
            .balances(&format!("receivable:{case_number}:"))
            .await?
        {
            if account_currency != case.currency {
                continue;
            }
            let slot = match account.rsplit(':').next() {
                Some("principal") => 0,
                Some("interest") => 1,
                Some("collection_costs") => 2,
                Some("creditor_fees") => 3,
                _ => continue,
            };
            owed[slot] = minor;
        }
        Ok((self.view_of(&facts, owed)?, case.client_id))
    }

    /// Builds the gate's view of a case from its facts and its receivable balances
    /// (principal, interest, collection costs, creditor fees, in minor units).
    ///
    /// A case may hold several claims with different contractual rates, or some with none,
    /// while the ledger keeps one principal per case, so interest runs on the case as a whole.
    /// The conservative reading: the view carries the lowest contractual rate among the claims
    /// and says whether some claim has none, and the gate charges each day the lowest rate any
    /// claim's terms give. No claim is charged more than its own terms allow; a claim with a
    /// higher rate may earn less than it could.
    pub(crate) fn view_of(&self, facts: &CaseFacts<'_>, owed: [i64; 4]) -> AppResult<CaseView> {
        let invalid =
            |what: String| AppError::Invalid(format!("case {}: {what}", facts.case_number));
        let market = self
            .markets
            .get(facts.market)
            .map_err(|error| invalid(error.to_string()))?;
        let currency =
            Currency::parse(facts.currency).map_err(|error| invalid(error.to_string()))?;
        let kind = CustomerKind::parse(facts.customer_kind)
            .ok_or_else(|| invalid("customer kind".into()))?;
        let due_date = NaiveDate::parse_from_str(facts.earliest_due_date, "%Y-%m-%d")
            .map_err(|error| invalid(error.to_string()))?;
        let contractual_rate_bp = facts
            .lowest_interest_rate_bp
            .map(u32::try_from)
            .transpose()
            .map_err(|_| invalid("contractual interest rate out of range".into()))?;
        let money = |minor: i64| Money::from_minor(minor, currency);
        Ok(CaseView {
            market: MarketCode::parse(facts.market).map_err(|error| invalid(error.to_string()))?,
            customer_kind: kind,
            time_zone: market.main_time_zone(),
            original_principal: money(facts.principal_minor),
            balances: Balances {
                principal: money(owed[0]),
                interest: money(owed[1]),
                collection_costs: money(owed[2]),
                creditor_fees: money(owed[3]),
            },
            due_date,
            limitation_interrupted_on: None,
            holds: Vec::new(),
            vulnerable: false,
            contact_history: Vec::new(),
            fee_history: Vec::new(),
            channels_refused: Vec::new(),
            first_demand_sent_at: None,
            plans_charged: 0,
            contractual_rate_bp,
            statutory_claims: facts.claims_without_rate > 0,
            interest_carry_minor_bp_days: facts.interest_carry_minor_bp_days,
            arose_on: None,
            reminder_fee_agreed: false,
            jurisdiction: None,
            last_reminder_sent_at: None,
            vulnerability_review_on: None,
            principal_history: Vec::new(),
        })
    }

    /// Asks the gate, records the decision in the journal, and books an approved fee or
    /// interest in the ledger. Interest goes through the same record as the accrual run (the
    /// decision, the accrual and its posting in one transaction), so a case's interest is
    /// accrued once per period however it was proposed.
    pub async fn propose(
        &self,
        case_number: i64,
        proposal: &Proposal,
        context: &Context,
    ) -> AppResult<Proposed> {
        let (view, client_id) = self.case_view(case_number).await?;
        let outcome = self.gate.decide(proposal, &view, context);
        let actor = actor_name(&context.actor);
        if let Proposal::AccrueInterest { .. } = proposal {
            return self
                .record_interest_decision(case_number, &client_id, outcome, &actor)
                .await;
        }
        let entry = NewJournalEntry {
            at_ms: context.now.timestamp_millis(),
            actor: actor.clone(),
            kind: "gate.decided".into(),
            subject: format!("case:{case_number}"),
            payload: decision_json(&outcome)?,
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

    async fn record_interest_decision(
        &self,
        case_number: i64,
        client_id: &str,
        outcome: GateOutcome,
        actor: &str,
    ) -> AppResult<Proposed> {
        let decision = interest_decision(case_number, client_id, &outcome, actor)?;
        let at_ms = outcome.decision.decided_at.timestamp_millis();
        let recorded = self
            .store
            .record_interest(std::slice::from_ref(&decision), actor, at_ms)
            .await?;
        let posting_id = match recorded.first() {
            Some(AccrualOutcome::Accrued { posting_id }) => *posting_id,
            Some(AccrualOutcome::Denied) => None,
            Some(AccrualOutcome::AlreadyAccrued) | None => {
                return Err(AppError::Invalid(format!(
                    "case {case_number}: interest is already accrued past the start of this period"
                )));
            }
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
        let Some(rows) = posting_for(case_number, client_id, approved, actor)? else {
            return Ok(None);
        };
        match self.store.post(&rows).await? {
            reilu_store::PostOutcome::Posted { posting_id }
            | reilu_store::PostOutcome::AlreadyPosted { posting_id } => Ok(Some(posting_id)),
        }
    }
}

/// The journal's name for who proposed: `system` or `agent:<id>`.
pub(crate) fn actor_name(actor: &Actor) -> String {
    match actor {
        Actor::System => "system".to_owned(),
        Actor::Agent { id, .. } => format!("agent:{id}"),
    }
}

pub(crate) fn decision_json(outcome: &GateOutcome) -> AppResult<String> {
    serde_json::to_string(&outcome.decision).map_err(|error| AppError::Invalid(error.to_string()))
}

/// An interest decision as the store records it: the decision for the journal and, when the
/// gate approved, the accrual with its posting (none for an amount of nothing).
pub(crate) fn interest_decision(
    case_number: i64,
    client_id: &str,
    outcome: &GateOutcome,
    actor: &str,
) -> AppResult<InterestDecision> {
    let accrual = match &outcome.approved {
        None => None,
        Some(approved) => {
            let ApprovedAction::Interest {
                from,
                to,
                amount,
                carry_minor_bp_days,
            } = approved.action()
            else {
                return Err(AppError::Invalid(format!(
                    "case {case_number}: the gate approved something other than interest"
                )));
            };
            Some(NewInterestAccrual {
                from_date: from.to_string(),
                to_date: to.to_string(),
                currency: amount.currency().code().to_owned(),
                amount_minor: amount.amount_minor(),
                carry_minor_bp_days: *carry_minor_bp_days,
                posting: posting_for(case_number, client_id, approved, actor)?,
            })
        }
    };
    Ok(InterestDecision {
        case_number,
        decision: decision_json(outcome)?,
        accrual,
    })
}

/// The ledger posting of an approved fee or (positive) interest; None for anything else.
pub(crate) fn posting_for(
    case_number: i64,
    client_id: &str,
    approved: &Approved,
    actor: &str,
) -> AppResult<Option<NewPosting>> {
    let posting = match approved.action() {
        ApprovedAction::Fee { amount, .. } => reilu_ledger::fee_charged(case_number, *amount),
        ApprovedAction::Interest { amount, .. } if amount.is_positive() => {
            reilu_ledger::interest_accrued(case_number, client_id, *amount)
        }
        _ => return Ok(None),
    }
    .map_err(|error| AppError::Invalid(error.to_string()))?;
    let description = match approved.action() {
        ApprovedAction::Interest { from, to, .. } => {
            format!("interest [{from}, {to}) approved on case {case_number}")
        }
        _ => format!("approved on case {case_number}"),
    };
    Ok(Some(NewPosting::from_ledger(
        &posting,
        approved.decided_at().timestamp_millis(),
        actor,
        description,
    )))
}
