//! The daily run's messages: whom each due step's contact goes to, and the message it sends,
//! rendered and sealed before the decision is carried out so that the executor writes it to
//! the outbox in the decision's own transaction.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use reilu_core::{CustomerDetails, CustomerKind, LanguageTag, Money};
use reilu_rules::CaseSnapshot;
use reilu_rules::model::{Channel, Proposal};
use reilu_store::{NewJournalEntry, NewOutboxMessage, Store};
use reilu_strategy::StrategySet;
use reilu_vault::Vault;

use crate::api_batch::case_references;
use crate::outbox::{MessageRequest, MessageValues, Templates, build_message, template_language};
use crate::{App, AppError, AppResult, personal_data};

/// The days a message gives to pay where no pack sets `demand.days_to_pay` (the house's
/// pack does, so this is a guard for a rule book without it).
const DAYS_TO_PAY_DEFAULT: u32 = 14;

/// Whom a case's messages go to, opened for the run.
pub(crate) struct Addressee {
    details: CustomerDetails,
    /// The language Reilu has templates in that is nearest the customer's.
    language: &'static str,
    creditor: String,
}

impl<S: Store> App<S> {
    /// Journals that the run opens the personal data of `cases` for their messages (one
    /// entry per page, naming the cases and why). Written before they are opened: a read
    /// that cannot be recorded does not happen.
    pub(crate) async fn journal_addressee_read(
        &self,
        cases: &[i64],
        run_date: NaiveDate,
    ) -> AppResult<()> {
        if cases.is_empty() {
            return Ok(());
        }
        let payload = serde_json::json!({
            "purpose": format!("daily run of {run_date}: messages to customers"),
            "case_numbers": cases,
        });
        self.store
            .append_journal(&NewJournalEntry {
                at_ms: self.now_ms(),
                actor: "system".into(),
                kind: "personal_data.read".into(),
                subject: format!("run:{run_date}"),
                payload: payload.to_string(),
            })
            .await?;
        Ok(())
    }

    /// Opens the personal data of the cases whose steps are due, for their messages; the read
    /// was journaled before ([`Self::journal_addressee_read`]).
    pub(crate) async fn open_addressees(
        &self,
        cases: &[i64],
    ) -> AppResult<HashMap<i64, Addressee>> {
        if cases.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = self.store.case_recipients(cases).await?;
        let calls = self.store.call_outcomes(cases).await?;
        let mut opened = HashMap::with_capacity(rows.len());
        for (case_number, row) in rows {
            let kind = CustomerKind::parse(&row.customer_kind)
                .ok_or_else(|| AppError::Invalid("stored customer kind".into()))?;
            let language = LanguageTag::parse(&row.language)
                .map_err(|error| AppError::Invalid(error.to_string()))?;
            let details = personal_data::open(
                &self.vault,
                &row.customer_id,
                kind,
                language,
                &row.personal_data,
            )?;
            let details = without_wrong_number(&self.vault, details, calls.get(&case_number));
            opened.insert(
                case_number,
                Addressee {
                    details,
                    language: template_language(&row.language),
                    creditor: row.client_name,
                },
            );
        }
        Ok(opened)
    }
}

/// The customer's details without a phone number an agent found wrong on a call: the run
/// then writes instead (a letter), until the customer or a later claim gives another number.
fn without_wrong_number(
    vault: &Vault,
    mut details: CustomerDetails,
    calls: Option<&Vec<reilu_store::CallOutcomeRow>>,
) -> CustomerDetails {
    let wrong = |index: &str| {
        calls.into_iter().flatten().any(|call| {
            call.outcome == "wrong_number" && call.phone_index.as_deref() == Some(index)
        })
    };
    if details
        .phone
        .as_ref()
        .is_some_and(|phone| wrong(&personal_data::phone_index(vault, phone)))
    {
        details.phone = None;
    }
    details
}

/// Every template a strategy step that contacts someone names has a text in every language:
/// checked before the run decides anything, so that a misnamed template stops the run at its
/// start with the strategy file's line, not half way through the day.
pub(crate) fn check_templates(strategies: &StrategySet, templates: &Templates) -> AppResult<()> {
    let markets = strategies.own_markets();
    let all = std::iter::once(strategies.house())
        .chain(markets.iter().map(|market| strategies.for_market(*market)));
    for strategy in all {
        for path in &strategy.paths {
            let steps = path
                .steps
                .iter()
                .chain(path.variant_steps.values().flatten());
            for step in steps.filter(|step| step.channel.is_some()) {
                if !templates.has(&step.template) {
                    return Err(AppError::Invalid(format!(
                        "{}:{}: step {} names the template '{}', which has no text (templates: {})",
                        strategy.file,
                        step.line,
                        step.id,
                        step.template,
                        crate::outbox::templates::TEMPLATE_IDS.join(", ")
                    )));
                }
            }
        }
    }
    Ok(())
}

/// The step's proposals with its contact sent by letter when the customer has no address for
/// the step's channel (no e-mail, no phone number): a letter reaches everyone. True when the
/// channel was changed.
pub(crate) fn reachable(proposals: &mut [Proposal], addressee: &Addressee) -> bool {
    let Some(Proposal::Contact { channel, .. }) = proposals.first_mut() else {
        return false;
    };
    let has_address = match channel {
        Channel::Email => addressee.details.email.is_some(),
        Channel::Sms | Channel::Phone => addressee.details.phone.is_some(),
        Channel::Letter | Channel::Visit => true,
    };
    if !has_address {
        *channel = Channel::Letter;
    }
    !has_address
}

/// What one approved contact sends.
pub(crate) struct Outgoing<'a> {
    pub decision_id: &'a str,
    pub channel: Channel,
    pub template: &'a str,
    pub not_before_ms: i64,
    /// The fee charged with the contact, in the case's currency's minor units.
    pub fee_minor: i64,
    /// The days the message gives to pay (the market's `demand.days_to_pay`).
    pub days_to_pay: u32,
    /// Signs the message's commitment (its verification code).
    pub signer: &'a crate::verify::MessageSigner,
}

/// The days to pay a message names for a case: the market's `demand.days_to_pay` on the day.
pub(crate) fn days_to_pay(
    gate: &reilu_rules::Gate,
    snapshot: &CaseSnapshot,
    day: NaiveDate,
) -> u32 {
    gate.days_to_pay(snapshot.view.market, snapshot.view.customer_kind, day)
        .unwrap_or(DAYS_TO_PAY_DEFAULT)
}

/// Renders and seals the message of an approved contact: the amount owed with the fee
/// charged with it, the case's payment reference, the creditor, and a date to pay by.
pub(crate) fn message_for(
    vault: &Vault,
    templates: &Templates,
    addressee: &Addressee,
    snapshot: &CaseSnapshot,
    outgoing: &Outgoing<'_>,
    run_date: NaiveDate,
) -> AppResult<NewOutboxMessage> {
    let balances = &snapshot.view.balances;
    let owed_minor = [
        balances.principal,
        balances.interest,
        balances.collection_costs,
        balances.creditor_fees,
    ]
    .iter()
    .try_fold(outgoing.fee_minor, |sum, part| {
        sum.checked_add(part.amount_minor())
    })
    .ok_or_else(|| {
        AppError::Invalid(format!(
            "case {}: the amount owed overflows",
            snapshot.case_number
        ))
    })?;
    let currency = balances.principal.currency();
    let references = case_references(snapshot.view.market.as_str(), snapshot.case_number);
    let values = MessageValues {
        creditor: addressee.creditor.clone(),
        amount: Money::from_minor(owed_minor, currency).to_string(),
        reference: references.national.unwrap_or(references.rf),
        case_number: snapshot.case_number.to_string(),
        pay_by: (run_date + Duration::days(i64::from(outgoing.days_to_pay))).to_string(),
        customer_name: addressee.details.name.peek().to_owned(),
    };
    build_message(
        vault,
        templates,
        &addressee.details,
        &MessageRequest {
            case_number: snapshot.case_number,
            decision_id: outgoing.decision_id,
            channel: outgoing.channel.as_str(),
            template: outgoing.template,
            language: addressee.language,
            values,
            not_before_ms: outgoing.not_before_ms,
            signer: Some(outgoing.signer),
        },
    )
}
