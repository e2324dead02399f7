//! The gate's contact rules as Cedar policies (`policies/contact.cedar`), evaluated with
//! `cedar_policy::Authorizer` on the same inputs as the gate.
//!
//! Cedar cannot read a time zone, a holiday calendar or a contact history, so [`ContactFacts`]
//! computes from the case, the proposal and the context what the policies test: the local
//! minute and weekday of the proposed instant, what kind of day its local date is, the
//! attempts in the frequency windows, the holds active today. That preparation is work the
//! gate does inside `decide`, so it is part of Cedar's measured time, and so is building the
//! entities, the context and the request. Policies and schema are parsed once.

use anyhow::{anyhow, bail};
use cedar_policy::{
    Authorizer, Context as CedarContext, Entities, Entity, EntityId, EntityTypeName, EntityUid,
    PolicySet, Request, Response, RestrictedExpression, Schema, ValidationMode, Validator,
};
use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use reilu_rules::Gate;
use reilu_rules::calendar::DayKind;
use reilu_rules::model::{
    Actor, CaseView, Channel, ContactPurpose, Context, HoldKind, Proposal, Recipient,
};

pub const POLICIES: &str = include_str!("../policies/contact.cedar");
pub const SCHEMA: &str = include_str!("../policies/contact.cedarschema");

/// Every hold kind, in the bit order of [`ContactFacts::holds`].
const HOLD_KINDS: [HoldKind; 7] = [
    HoldKind::Dispute,
    HoldKind::Complaint,
    HoldKind::VulnerabilityPause,
    HoldKind::BreathingSpace,
    HoldKind::MentalHealthCrisis,
    HoldKind::Death,
    HoldKind::Insolvency,
];

/// What Cedar is told about one contact proposal, computed from the gate's own inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactFacts {
    pub channel: Channel,
    pub at: DateTime<Utc>,
    pub purpose: ContactPurpose,
    pub recipient: Recipient,
    /// Minutes after local midnight of `at` in the customer's zone.
    pub local_minute: i64,
    /// ISO weekday of `at`'s local date, Monday = 1.
    pub weekday: i64,
    pub day_kind: &'static str,
    pub attempts_7d: i64,
    pub phone_attempts_1d: i64,
    pub phone_attempts_7d: i64,
    pub phone_attempts_30d: i64,
    /// Holds active on the customer's local date today (`context.now`), one bit per kind in
    /// `HOLD_KINDS` order: a bit set instead of a Vec keeps the preparation allocation-free.
    pub holds: u8,
}

impl ContactFacts {
    /// The facts for a contact proposal; None for any other proposal.
    pub fn compute(
        gate: &Gate,
        case: &CaseView,
        proposal: &Proposal,
        context: &Context,
    ) -> Option<Self> {
        let Proposal::Contact {
            channel,
            at,
            recipient,
            purpose,
        } = *proposal
        else {
            return None;
        };
        let local = at.with_timezone(&case.time_zone);
        let date = local.date_naive();
        let day_kind = match gate.calendars().kind_of(case.market.as_str(), date) {
            None => "ordinary",
            Some(DayKind::PublicHoliday) => "public_holiday",
            Some(DayKind::NoContactDay) => "no_contact_day",
        };
        let mut facts = ContactFacts {
            channel,
            at,
            purpose,
            recipient,
            local_minute: i64::from(local.hour() * 60 + local.minute()),
            weekday: i64::from(local.weekday().number_from_monday()),
            day_kind,
            attempts_7d: 0,
            phone_attempts_1d: 0,
            phone_attempts_7d: 0,
            phone_attempts_30d: 0,
            holds: 0,
        };
        facts.count_attempts(case);
        let today = context.now.with_timezone(&case.time_zone).date_naive();
        for hold in case.holds.iter().filter(|hold| hold.is_active(today)) {
            let bit = HOLD_KINDS
                .iter()
                .position(|kind| *kind == hold.kind)
                .unwrap_or(0);
            facts.holds |= 1 << bit;
        }
        Some(facts)
    }

    /// Attempts in the windows (at − N days, at], as the gate's frequency rules count them.
    fn count_attempts(&mut self, case: &CaseView) {
        for record in case
            .contact_history
            .iter()
            .filter(|record| record.at <= self.at)
        {
            let age = self.at - record.at;
            let recent = |days: i64| i64::from(age < Duration::days(days));
            self.attempts_7d += recent(7);
            if record.channel == Channel::Phone {
                self.phone_attempts_1d += recent(1);
                self.phone_attempts_7d += recent(7);
                self.phone_attempts_30d += recent(30);
            }
        }
    }

    pub fn active_holds(&self) -> impl Iterator<Item = HoldKind> + '_ {
        HOLD_KINDS
            .into_iter()
            .enumerate()
            .filter(|(bit, _)| self.holds & (1 << bit) != 0)
            .map(|(_, kind)| kind)
    }
}

fn purpose_str(purpose: ContactPurpose) -> &'static str {
    match purpose {
        ContactPurpose::Payment => "payment",
        ContactPurpose::Service => "service",
    }
}

fn recipient_str(recipient: Recipient) -> &'static str {
    match recipient {
        Recipient::Customer => "customer",
        Recipient::ThirdParty => "third_party",
    }
}

fn string(text: &str) -> RestrictedExpression {
    RestrictedExpression::new_string(text.to_owned())
}

/// The parsed policies and schema, and the names every request uses.
pub struct CedarContact {
    authorizer: Authorizer,
    policies: PolicySet,
    schema: Schema,
    agent: EntityTypeName,
    workflow: EntityTypeName,
    case: EntityTypeName,
    action: EntityUid,
}

impl CedarContact {
    /// Parses the schema and the shipped policies and validates the policies against the
    /// schema (strict).
    pub fn new() -> anyhow::Result<Self> {
        Self::with_policies(POLICIES)
    }

    /// As [`CedarContact::new`] with other policy text (the tests prove the agreement check
    /// catches a policy set that is wrong).
    pub fn with_policies(text: &str) -> anyhow::Result<Self> {
        let (schema, _warnings) = Schema::from_cedarschema_str(SCHEMA)?;
        let policies: PolicySet = text.parse()?;
        let validation = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
        if !validation.validation_passed() {
            let errors: Vec<String> = validation
                .validation_errors()
                .map(ToString::to_string)
                .collect();
            bail!(
                "the Cedar policies do not validate against the schema: {}",
                errors.join("; ")
            );
        }
        if let Some(policy) = policies
            .policies()
            .find(|policy| policy.annotation("id").is_none())
        {
            bail!("Cedar policy {} has no @id", policy.id());
        }
        let action_type: EntityTypeName = "Action".parse()?;
        Ok(CedarContact {
            authorizer: Authorizer::new(),
            policies,
            schema,
            agent: "Agent".parse()?,
            workflow: "Workflow".parse()?,
            case: "Case".parse()?,
            action: EntityUid::from_type_name_and_id(action_type, EntityId::new("contact")),
        })
    }

    /// Decides one contact proposal: facts, entities, context, request, authorisation.
    pub fn decide(
        &self,
        gate: &Gate,
        case_id: &str,
        case: &CaseView,
        proposal: &Proposal,
        context: &Context,
    ) -> anyhow::Result<Response> {
        let facts = ContactFacts::compute(gate, case, proposal, context)
            .ok_or_else(|| anyhow!("not a contact proposal"))?;
        let (request, entities) = self.request(case_id, case, &facts, &context.actor, false)?;
        Ok(self
            .authorizer
            .is_authorized(&request, &self.policies, &entities))
    }

    /// The request and entities for one contact. With `validate`, both are checked against
    /// the schema (the tests do; the timed loop does not, as a deployment that validated its
    /// policies once would not).
    pub fn request(
        &self,
        case_id: &str,
        case: &CaseView,
        facts: &ContactFacts,
        actor: &Actor,
        validate: bool,
    ) -> anyhow::Result<(Request, Entities)> {
        let schema = validate.then_some(&self.schema);
        let principal = self.principal(actor)?;
        let resource = self.resource(case_id, case, facts)?;
        let request = Request::new(
            principal.uid(),
            self.action.clone(),
            resource.uid(),
            context(facts)?,
            schema,
        )?;
        let entities = Entities::from_entities([principal, resource], schema)?;
        Ok((request, entities))
    }

    fn principal(&self, actor: &Actor) -> anyhow::Result<Entity> {
        let Actor::Agent {
            id,
            vulnerability_trained,
            conflicted,
        } = actor
        else {
            let uid =
                EntityUid::from_type_name_and_id(self.workflow.clone(), EntityId::new("daily-run"));
            return Ok(Entity::new_no_attrs(uid, Default::default()));
        };
        let attrs = [
            (
                "trained".to_owned(),
                RestrictedExpression::new_bool(*vulnerability_trained),
            ),
            (
                "conflicted".to_owned(),
                RestrictedExpression::new_bool(*conflicted),
            ),
        ];
        let uid = EntityUid::from_type_name_and_id(self.agent.clone(), EntityId::new(id));
        Ok(Entity::new_with_tags(uid, attrs, [], [])?)
    }

    fn resource(
        &self,
        case_id: &str,
        case: &CaseView,
        facts: &ContactFacts,
    ) -> anyhow::Result<Entity> {
        let holds = facts.active_holds().map(|kind| string(kind.as_str()));
        let refused = case
            .channels_refused
            .iter()
            .map(|channel| string(channel.as_str()));
        let attrs = [
            ("market".to_owned(), string(case.market.as_str())),
            (
                "vulnerable".to_owned(),
                RestrictedExpression::new_bool(case.vulnerable),
            ),
            ("holds".to_owned(), RestrictedExpression::new_set(holds)),
            ("refused".to_owned(), RestrictedExpression::new_set(refused)),
        ];
        let uid = EntityUid::from_type_name_and_id(self.case.clone(), EntityId::new(case_id));
        Ok(Entity::new_with_tags(uid, attrs, [], [])?)
    }

    /// The @id of every policy that determined a response (the forbids that fired on a Deny).
    pub fn determining(&self, response: &Response) -> Vec<String> {
        response
            .diagnostics()
            .reason()
            .map(|id| {
                self.policies
                    .annotation(id, "id")
                    .map_or_else(|| id.to_string(), str::to_owned)
            })
            .collect()
    }
}

/// The request context: the facts Cedar cannot compute itself.
fn context(facts: &ContactFacts) -> anyhow::Result<CedarContext> {
    let long = RestrictedExpression::new_long;
    Ok(CedarContext::from_pairs([
        ("channel".to_owned(), string(facts.channel.as_str())),
        ("purpose".to_owned(), string(purpose_str(facts.purpose))),
        (
            "recipient".to_owned(),
            string(recipient_str(facts.recipient)),
        ),
        ("local_minute".to_owned(), long(facts.local_minute)),
        ("weekday".to_owned(), long(facts.weekday)),
        ("day_kind".to_owned(), string(facts.day_kind)),
        ("attempts_7d".to_owned(), long(facts.attempts_7d)),
        (
            "phone_attempts_1d".to_owned(),
            long(facts.phone_attempts_1d),
        ),
        (
            "phone_attempts_7d".to_owned(),
            long(facts.phone_attempts_7d),
        ),
        (
            "phone_attempts_30d".to_owned(),
            long(facts.phone_attempts_30d),
        ),
    ])?)
}
