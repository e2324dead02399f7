//! `decide`: the one function every action on a customer passes through. Pure: it reads only
//! its arguments and the loaded rule packs and calendars, never a clock, a file or a socket.

mod allocation;
mod collection;
mod contact;
mod fees;
mod interest;
mod plans;
mod probe;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use reilu_core::{MarketCode, Markets, Money};

use crate::approved::{Approved, ApprovedAction};
use crate::calendar::{CalendarError, Calendars};
use crate::decision::{Change, Decision, Outcome, Reason, Verdict};
use crate::model::{CaseView, Context, HoldKind, Proposal};
use crate::pack::{LimitationStart, PackError, Parameter, Rule, RuleBook, Value};

pub use allocation::AllocationOrder;
pub use probe::Unapplied;

/// The gate's verdict and, when it allows, the approved action to carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateOutcome {
    pub decision: Decision,
    pub approved: Option<Approved>,
}

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error(transparent)]
    Pack(#[from] PackError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// The rule packs and calendars, loaded once; `decide` borrows them.
#[derive(Debug)]
pub struct Gate {
    book: RuleBook,
    calendars: Calendars,
}

/// Years the holiday look-up table covers; other years are computed on demand.
const CALENDAR_YEARS: std::ops::RangeInclusive<i32> = 2015..=2040;

impl Gate {
    pub fn new(book: RuleBook) -> Result<Self, GateError> {
        Ok(Gate {
            book,
            calendars: Calendars::build(CALENDAR_YEARS)?,
        })
    }

    /// The packs shipped with Reilu.
    pub fn builtin(markets: &Markets) -> Result<Self, GateError> {
        Self::new(RuleBook::builtin(markets)?)
    }

    pub fn book(&self) -> &RuleBook {
        &self.book
    }

    pub fn calendars(&self) -> &Calendars {
        &self.calendars
    }

    /// Decides one proposal for one case.
    pub fn decide(&self, proposal: &Proposal, case: &CaseView, context: &Context) -> GateOutcome {
        let mut judgement = Judgement::new(self, case, context);
        let action = match proposal {
            Proposal::Contact {
                channel,
                at,
                recipient,
                purpose,
            } => contact::decide(&mut judgement, *channel, *at, *recipient, *purpose),
            Proposal::ChargeFee { fee, amount } => fees::decide(&mut judgement, *fee, *amount),
            Proposal::AccrueInterest { from, to } => interest::decide(&mut judgement, *from, *to),
            Proposal::OfferPaymentPlan {
                instalments,
                statement,
                setup_fee,
            }
            | Proposal::AcceptPaymentPlan {
                instalments,
                statement,
                setup_fee,
            } => plans::decide(&mut judgement, instalments, statement.as_ref(), *setup_fee),
            Proposal::EscalateToLegal { second_approver } => {
                collection::escalate(&mut judgement, second_approver.as_deref())
            }
            Proposal::SellDebt { buyer } => collection::sell(&mut judgement, buyer),
            Proposal::WriteOff {
                amount,
                second_approver,
            } => collection::write_off(&mut judgement, *amount, second_approver.as_deref()),
            Proposal::Waive { amount } => collection::waive(&mut judgement, *amount),
        };
        judgement.finish(proposal.kind_name(), action)
    }
}

/// The work of one decision: the inputs, and the reasons and changes gathered so far.
pub(crate) struct Judgement<'g> {
    pub gate: &'g Gate,
    pub case: &'g CaseView,
    pub context: &'g Context,
    /// The customer's local date now.
    pub today: NaiveDate,
    pub reasons: Vec<Reason>,
    pub changes: Vec<Change>,
}

impl<'g> Judgement<'g> {
    fn new(gate: &'g Gate, case: &'g CaseView, context: &'g Context) -> Self {
        let today = context.now.with_timezone(&case.time_zone).date_naive();
        Judgement {
            gate,
            case,
            context,
            today,
            reasons: Vec::with_capacity(4),
            changes: Vec::new(),
        }
    }

    pub fn market(&self) -> MarketCode {
        self.case.market
    }

    /// Law rules first, then house rules, for a parameter in force on `date`.
    pub fn rules(
        &self,
        parameter: Parameter,
        date: NaiveDate,
    ) -> impl Iterator<Item = &'g Rule> + 'g {
        self.gate
            .book
            .rules(self.case.market, self.case.customer_kind, parameter, date)
    }

    /// Every rule of a parameter for this customer, whatever its dates.
    pub fn rules_any_date(&self, parameter: Parameter) -> impl Iterator<Item = &'g Rule> + 'g {
        self.gate
            .book
            .rules_any_date(self.case.market, self.case.customer_kind, parameter)
    }

    /// The first rule that sets a flag parameter to true.
    pub fn flag(&self, parameter: Parameter) -> Option<&'g Rule> {
        self.rules(parameter, self.today)
            .find(|rule| matches!(rule.value, Value::Flag(true)))
    }

    pub fn deny(&mut self, rule: &Rule, key: &'static str, params: Vec<(&'static str, String)>) {
        self.reasons
            .push(Reason::from_rule(rule, Outcome::Denied, key, params));
    }

    pub fn applied(&mut self, rule: &Rule, key: &'static str, params: Vec<(&'static str, String)>) {
        self.reasons
            .push(Reason::from_rule(rule, Outcome::Applied, key, params));
    }

    pub fn changed(&mut self, rule: &Rule, key: &'static str, params: Vec<(&'static str, String)>) {
        self.reasons
            .push(Reason::from_rule(rule, Outcome::Changed, key, params));
    }

    pub fn is_denied(&self) -> bool {
        self.reasons
            .iter()
            .any(|reason| reason.outcome == Outcome::Denied)
    }

    /// Denies for every active hold that stops collection, naming the hold.
    pub fn deny_for_holds(&mut self, parameter: Parameter, key: &'static str) {
        let active: Vec<HoldKind> = self
            .case
            .holds
            .iter()
            .filter(|hold| hold.is_active(self.today))
            .map(|hold| hold.kind)
            .collect();
        if active.is_empty() {
            return;
        }
        let stopping: Vec<&'g Rule> = self.rules(parameter, self.today).collect();
        for rule in stopping {
            let Value::Holds(kinds) = &rule.value else {
                continue;
            };
            if let Some(hold) = active.iter().find(|hold| kinds.contains(hold)) {
                self.deny(rule, key, vec![("hold", hold.as_str().to_owned())]);
            }
        }
    }

    /// Denies if the claim is time-barred and a rule forbids collecting it.
    pub fn deny_if_time_barred(&mut self) {
        let Some((limitation, barred_on)) = self.time_barred() else {
            return;
        };
        if let Some(rule) = self.flag(Parameter::TimeBarredNoCollection) {
            self.deny(
                rule,
                "collection.time_barred",
                vec![
                    ("barred_on", barred_on.to_string()),
                    ("limitation_rule", limitation.id.to_string()),
                ],
            );
        }
    }

    /// The limitation rule and the date the claim became time-barred, if it has.
    pub fn time_barred(&self) -> Option<(&'g Rule, NaiveDate)> {
        let rule = self.rules(Parameter::Limitation, self.today).next()?;
        let Value::Limitation {
            years,
            from,
            final_years,
        } = &rule.value
        else {
            return None;
        };
        let started = self
            .case
            .limitation_interrupted_on
            .map_or(self.case.due_date, |date| date.max(self.case.due_date));
        let counted_from = match from {
            LimitationStart::DueDate => started,
            LimitationStart::EndOfYear => {
                NaiveDate::from_ymd_opt(started.year(), 12, 31).unwrap_or(started)
            }
        };
        let mut barred_on = add_years(counted_from, *years);
        if let Some(final_years) = final_years {
            barred_on = barred_on.min(add_years(self.case.due_date, *final_years));
        }
        (self.today >= barred_on).then_some((rule, barred_on))
    }

    /// Refuses a malformed proposal (a negative amount, a period that ends before it starts):
    /// no rule is needed to say no to nonsense, so the reason names the gate itself.
    pub fn reject_input(&mut self, key: &'static str, params: Vec<(&'static str, String)>) {
        self.reasons.push(Reason {
            principle: crate::model::Principle::DueCare.number(),
            rule_id: std::sync::Arc::from("GATE-input"),
            source: crate::pack::Source::House,
            citation: std::sync::Arc::from("The proposal is malformed and cannot be decided"),
            outcome: Outcome::Denied,
            message_key: key,
            params,
        });
    }

    /// Checks a proposed amount is positive and in the case's currency; refuses it otherwise.
    pub fn valid_amount(&mut self, amount: Money) -> bool {
        let currency = self.case.original_principal.currency();
        let valid = amount.is_positive() && amount.currency() == currency;
        if !valid {
            self.reject_input(
                "input.amount",
                vec![
                    ("amount", amount.to_string()),
                    ("currency", currency.to_string()),
                ],
            );
        }
        valid
    }

    fn finish(self, proposal: &'static str, action: Option<ApprovedAction>) -> GateOutcome {
        let denied = self.is_denied() || action.is_none();
        let verdict = if denied {
            Verdict::Deny
        } else if self.changes.is_empty() {
            Verdict::Allow
        } else {
            Verdict::AllowWithChanges
        };
        let approved = if denied {
            None
        } else {
            action.map(|action| Approved::new(action, self.case.market, self.context.now))
        };
        debug_assert_eq!(approved.is_some(), verdict != Verdict::Deny);
        let decision = Decision {
            verdict,
            proposal,
            decided_at: self.context.now,
            reasons: self.reasons,
            changes: self.changes,
            packs: self.gate.book.stamps(self.case.market),
        };
        GateOutcome { decision, approved }
    }
}

/// `date` plus whole years; 29 February becomes 28 February in a common year.
pub(crate) fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(chrono::Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MAX)
}

/// Formats an instant in the customer's zone for messages: `2026-11-26 08:00 (Europe/Helsinki)`.
pub(crate) fn local_text(at: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    format!(
        "{} ({zone})",
        at.with_timezone(&zone).format("%Y-%m-%d %H:%M")
    )
}
