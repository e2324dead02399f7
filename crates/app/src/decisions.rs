//! Proposing actions on a case. One store read builds the case snapshot the gate decides on
//! (terms, balances, holds, flags, contact and fee history, with a version); the gate's
//! decision is bound to that snapshot and a decision id; the store's executor records it and
//! carries an approval out once, refusing it when the case moved on. No caller builds a case
//! view by hand, and nothing else can charge a fee or accrue interest.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use reilu_core::{Currency, CustomerKind, MarketCode, Money};
use reilu_rules::model::{
    Actor, Balances, CaseView, Channel, ContactRecord, Context, FeeKind, FeeRecord, Hold, HoldKind,
    PrincipalChange, Proposal,
};
use reilu_rules::{CaseDecision, CaseSnapshot, DecisionId, GateOutcome};
use reilu_store::{CaseFactRows, Execution, Store};

use crate::{App, AppError, AppResult};

/// How often `propose` decides again when the case moved on between its read and its write.
const STALE_RETRIES_MAX: usize = 3;

/// A decision and what the executor did with it.
#[derive(Debug)]
pub struct Proposed {
    pub decision_id: String,
    /// The snapshot version the decision was made on.
    pub version: i64,
    pub outcome: GateOutcome,
    pub execution: Execution,
}

impl Proposed {
    /// The posting that booked an approved charge, if one did.
    pub fn posting_id(&self) -> Option<i64> {
        match self.execution {
            Execution::Executed { posting_id } => posting_id,
            _ => None,
        }
    }
}

/// The case terms the gate needs, as the store gives them (one case, or a page of the
/// interest run), without personal data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CaseTerms<'a> {
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
    /// When the debt arose as the claims say (the store's reading of several), YYYY-MM-DD.
    pub arose_on: Option<&'a str>,
    /// Every claim says a reminder fee was agreed when the debt arose.
    pub reminder_fee_agreed: bool,
    /// The jurisdiction as the claims give it; an operator's setting wins over it.
    pub jurisdiction: Option<&'a str>,
}

impl CaseTerms<'_> {
    fn arose_on_date(&self) -> Result<Option<NaiveDate>, String> {
        self.arose_on.map(parse_date).transpose()
    }

    /// The jurisdiction the gate applies: an operator's setting (`reilu case jurisdiction`,
    /// a decision on the case's facts) wins over what the client's claims say.
    fn jurisdiction_with(&self, stored: &CaseFactRows) -> Option<String> {
        stored
            .jurisdiction
            .as_deref()
            .or(self.jurisdiction)
            .map(str::to_owned)
    }
}

impl<S: Store> App<S> {
    /// The case as the gate sees it, from one read of everything stored about it.
    pub async fn snapshot(&self, case_number: i64) -> AppResult<CaseSnapshot> {
        // The facts, with the version, first: whatever changes after this read (a payment
        // between the reads below, a hold) moves the version past the one the decision
        // carries, so the executor refuses it rather than act on a mixed view.
        let mut facts = self.store.case_facts(&[case_number]).await?;
        let case = self
            .store
            .case_by_number(case_number)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no case number {case_number}")))?;
        let terms = CaseTerms {
            case_number,
            market: &case.market,
            currency: &case.currency,
            customer_kind: &case.customer_kind,
            principal_minor: case.principal_minor,
            earliest_due_date: &case.earliest_due_date,
            lowest_interest_rate_bp: case.lowest_interest_rate_bp,
            claims_without_rate: case.claims_without_rate,
            interest_carry_minor_bp_days: case.interest_carry_minor_bp_days,
            arose_on: case.earliest_arose_on.as_deref(),
            reminder_fee_agreed: case.reminder_fee_agreed,
            jurisdiction: case.jurisdiction.as_deref(),
        };
        let owed = self.owed(case_number, &case.currency).await?;
        let stored = facts
            .remove(&case_number)
            .ok_or_else(|| AppError::NotFound(format!("no case number {case_number}")))?;
        self.snapshot_of(&terms, owed, &stored)
    }

    /// The case's receivable balances: principal, interest, collection costs, creditor fees.
    async fn owed(&self, case_number: i64, currency: &str) -> AppResult<[i64; 4]> {
        let mut owed = [0_i64; 4];
        for (account, account_currency, minor) in self
            .store
            .balances(&format!("receivable:{case_number}:"))
            .await?
        {
            if account_currency != currency {
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
        Ok(owed)
    }

    /// Decides a proposal on the stored case and carries an approval out, once. When the case
    /// moves on between the read and the write (a payment, a hold), it is decided again on
    /// the new snapshot, a few times at most.
    pub async fn propose(
        &self,
        case_number: i64,
        proposal: &Proposal,
        context: &Context,
    ) -> AppResult<Proposed> {
        let mut attempt = 0;
        loop {
            let decision = self.decide(case_number, proposal, context).await?;
            let proposed = self.execute(decision, context).await?;
            attempt += 1;
            if !matches!(proposed.execution, Execution::Stale { .. })
                || attempt >= STALE_RETRIES_MAX
            {
                return Ok(proposed);
            }
        }
    }

    /// The gate's decision on the stored case as it is now, under a new decision id.
    pub async fn decide(
        &self,
        case_number: i64,
        proposal: &Proposal,
        context: &Context,
    ) -> AppResult<CaseDecision> {
        self.decide_with_id(case_number, proposal, context, new_decision_id()?)
            .await
    }

    /// The gate's decision under a given id (a caller's retry key): the executor carries out
    /// at most one decision per id.
    pub async fn decide_with_id(
        &self,
        case_number: i64,
        proposal: &Proposal,
        context: &Context,
        id: DecisionId,
    ) -> AppResult<CaseDecision> {
        let snapshot = self.snapshot(case_number).await?;
        Ok(self.gate.decide_case(proposal, &snapshot, context, id))
    }

    /// Records a decision and carries its approval out, through the one executor.
    pub async fn execute(&self, decision: CaseDecision, context: &Context) -> AppResult<Proposed> {
        let decision_id = decision.id().as_str().to_owned();
        let version = decision.version();
        let outcome = decision.outcome().clone();
        let actor = actor_name(&context.actor);
        let executions = self
            .store
            .execute(vec![decision], &actor, context.now.timestamp_millis())
            .await?;
        let execution = executions
            .first()
            .copied()
            .ok_or_else(|| AppError::Invalid("the executor answered nothing".into()))?;
        Ok(Proposed {
            decision_id,
            version,
            outcome,
            execution,
        })
    }

    /// Builds the snapshot from the case's terms, its receivable balances (principal,
    /// interest, collection costs, creditor fees, in minor units) and its stored facts.
    ///
    /// A case may hold several claims with different contractual rates, or some with none,
    /// while the ledger keeps one principal per case, so interest runs on the case as a whole.
    /// The conservative reading: the view carries the lowest contractual rate among the claims
    /// and says whether some claim has none, and the gate charges each day the lowest rate any
    /// claim's terms give. No claim is charged more than its own terms allow.
    pub(crate) fn snapshot_of(
        &self,
        terms: &CaseTerms<'_>,
        owed: [i64; 4],
        stored: &CaseFactRows,
    ) -> AppResult<CaseSnapshot> {
        let invalid =
            |what: String| AppError::Invalid(format!("case {}: {what}", terms.case_number));
        let market = self
            .markets
            .get(terms.market)
            .map_err(|error| invalid(error.to_string()))?;
        let currency =
            Currency::parse(terms.currency).map_err(|error| invalid(error.to_string()))?;
        let kind = CustomerKind::parse(terms.customer_kind)
            .ok_or_else(|| invalid("customer kind".into()))?;
        let due_date = parse_date(terms.earliest_due_date).map_err(&invalid)?;
        let arose_on = terms.arose_on_date().map_err(&invalid)?;
        let contractual_rate_bp = terms
            .lowest_interest_rate_bp
            .map(u32::try_from)
            .transpose()
            .map_err(|_| invalid("contractual interest rate out of range".into()))?;
        let money = |minor: i64| Money::from_minor(minor, currency);
        let history = History::of(stored, currency).map_err(&invalid)?;
        let view = CaseView {
            market: MarketCode::parse(terms.market).map_err(|error| invalid(error.to_string()))?,
            customer_kind: kind,
            time_zone: market.main_time_zone(),
            original_principal: money(terms.principal_minor),
            balances: Balances {
                principal: money(owed[0]),
                interest: money(owed[1]),
                collection_costs: money(owed[2]),
                creditor_fees: money(owed[3]),
            },
            due_date,
            limitation_interrupted_on: history.interrupted_on,
            holds: history.holds,
            vulnerable: stored.vulnerable,
            contact_history: history.contacts,
            first_demand_sent_at: history.first_demand_sent_at,
            plans_charged: history.plans_charged,
            fee_history: history.fees,
            channels_refused: history.channels_refused,
            contractual_rate_bp,
            statutory_claims: terms.claims_without_rate > 0,
            interest_carry_minor_bp_days: terms.interest_carry_minor_bp_days,
            arose_on,
            reminder_fee_agreed: terms.reminder_fee_agreed,
            jurisdiction: terms.jurisdiction_with(stored),
            last_reminder_sent_at: history.last_reminder_sent_at,
            vulnerability_review_on: history.vulnerability_review_on,
            principal_history: principal_history(
                due_date,
                money(terms.principal_minor),
                &stored.principal_changes,
            )
            .map_err(&invalid)?,
        };
        Ok(CaseSnapshot {
            case_number: terms.case_number,
            version: stored.version,
            view,
        })
    }

    /// Snapshots of many cases from their terms and balances, reading their facts at once.
    pub(crate) async fn facts_of(&self, cases: &[i64]) -> AppResult<HashMap<i64, CaseFactRows>> {
        Ok(self.store.case_facts(cases).await?)
    }
}

/// A case's stored history as the gate's types.
struct History {
    holds: Vec<Hold>,
    contacts: Vec<ContactRecord>,
    fees: Vec<FeeRecord>,
    channels_refused: Vec<Channel>,
    first_demand_sent_at: Option<DateTime<Utc>>,
    last_reminder_sent_at: Option<DateTime<Utc>>,
    plans_charged: u32,
    interrupted_on: Option<NaiveDate>,
    vulnerability_review_on: Option<NaiveDate>,
}

impl History {
    fn of(stored: &CaseFactRows, currency: Currency) -> Result<History, String> {
        let instant = |at_ms: i64| {
            DateTime::from_timestamp_millis(at_ms).ok_or_else(|| format!("instant {at_ms}"))
        };
        let holds = stored
            .holds
            .iter()
            .map(|hold| {
                Ok(Hold {
                    kind: HoldKind::parse(&hold.kind)
                        .ok_or_else(|| format!("hold kind '{}'", hold.kind))?,
                    since: parse_date(&hold.since)?,
                    until: hold.until.as_deref().map(parse_date).transpose()?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let contacts = stored
            .contacts
            .iter()
            .map(|contact| {
                Ok(ContactRecord {
                    at: instant(contact.at_ms)?,
                    channel: Channel::parse(&contact.channel)
                        .ok_or_else(|| format!("channel '{}'", contact.channel))?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let fees = stored
            .charges
            .iter()
            .filter(|charge| charge.currency == currency.code())
            .map(|charge| {
                Ok(FeeRecord {
                    kind: FeeKind::parse(&charge.kind)
                        .ok_or_else(|| format!("fee kind '{}'", charge.kind))?,
                    amount: Money::from_minor(charge.amount_minor, currency),
                    at: instant(charge.at_ms)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let channels_refused = stored
            .channels_refused
            .iter()
            .map(|name| Channel::parse(name).ok_or_else(|| format!("channel '{name}'")))
            .collect::<Result<Vec<_>, String>>()?;
        let fee_times = |kind: FeeKind| fees.iter().filter(move |f| f.kind == kind).map(|f| f.at);
        let interrupted = [&stored.interrupted_on, &stored.last_payment_on]
            .into_iter()
            .flatten()
            .map(|day| parse_date(day))
            .collect::<Result<Vec<_>, String>>()?;
        Ok(History {
            first_demand_sent_at: fee_times(FeeKind::Demand).min(),
            last_reminder_sent_at: fee_times(FeeKind::Reminder).max(),
            plans_charged: u32::try_from(fee_times(FeeKind::PaymentPlan).count())
                .unwrap_or(u32::MAX),
            interrupted_on: interrupted.into_iter().max(),
            vulnerability_review_on: stored
                .vulnerability_review_on
                .as_deref()
                .map(parse_date)
                .transpose()?,
            holds,
            contacts,
            fees,
            channels_refused,
        })
    }
}

/// The principal owed day by day: all the claims' principal from the earliest due date, then
/// after each payment (or correction of one) what it left.
fn principal_history(
    due_date: NaiveDate,
    original: Money,
    changes: &[(String, i64)],
) -> Result<Vec<PrincipalChange>, String> {
    let mut history = vec![PrincipalChange {
        on: due_date,
        principal: original,
    }];
    let mut owed_minor = original.amount_minor();
    for (day, change_minor) in changes {
        owed_minor = owed_minor
            .checked_add(*change_minor)
            .ok_or_else(|| "principal overflows".to_owned())?;
        let on = parse_date(day)?.max(due_date);
        let principal = Money::from_minor(owed_minor, original.currency());
        match history.last_mut() {
            Some(last) if last.on == on => last.principal = principal,
            _ => history.push(PrincipalChange { on, principal }),
        }
    }
    Ok(history)
}

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("'{text}' is not a date"))
}

/// A new decision id: a UUID v7, so ids sort by when they were made.
pub(crate) fn new_decision_id() -> AppResult<DecisionId> {
    DecisionId::parse(&uuid::Uuid::now_v7().to_string())
        .ok_or_else(|| AppError::Invalid("a decision id could not be made".into()))
}

/// The journal's name for who proposed: `system` or `agent:<id>`.
pub(crate) fn actor_name(actor: &Actor) -> String {
    match actor {
        Actor::System => "system".to_owned(),
        Actor::Agent { id, .. } => format!("agent:{id}"),
    }
}
