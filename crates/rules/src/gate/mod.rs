//! `decide`: the one function every action on a customer passes through. Pure: it reads only
//! its arguments and the loaded rule packs and calendars, never a clock, a file or a socket.

mod allocation;
mod collection;
mod contact;
mod fee_stage;
mod fees;
mod interest;
mod plans;
mod probe;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use reilu_core::{MarketCode, Markets, Money};

use crate::approved::{Approved, ApprovedAction, CaseDecision, CaseSnapshot, DecisionId};
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

    /// Decides one proposal for a stored case: the decision is bound to the case, the
    /// snapshot's version and `id`, which is what the executor needs to carry it out once.
    pub fn decide_case(
        &self,
        proposal: &Proposal,
        snapshot: &CaseSnapshot,
        context: &Context,
        id: DecisionId,
    ) -> CaseDecision {
        let outcome = self.decide(proposal, &snapshot.view, context);
        CaseDecision::new(outcome, id, snapshot)
    }

    /// Decides one proposal for a described case (`rules explain`, simulations): the
    /// approval names no stored case, so no executor accepts it.
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
    /// The case's jurisdiction as the market's pack names it; None when the case gives none or
    /// one the pack has no rule for, and then every part's rules are candidates.
    pub jurisdiction: Option<&'g str>,
    pub reasons: Vec<Reason>,
    pub changes: Vec<Change>,
}

impl<'g> Judgement<'g> {
    fn new(gate: &'g Gate, case: &'g CaseView, context: &'g Context) -> Self {
        let today = context.now.with_timezone(&case.time_zone).date_naive();
        let jurisdiction = case
            .jurisdiction
            .as_deref()
            .and_then(|code| gate.book.known_jurisdiction(case.market, code));
        Judgement {
            gate,
            case,
            context,
            today,
            jurisdiction,
            reasons: Vec::with_capacity(4),
            changes: Vec::new(),
        }
    }

    pub fn market(&self) -> MarketCode {
        self.case.market
    }

    /// Law rules first, then house rules, for a parameter in force on `date`, for the case's
    /// jurisdiction (all parts' rules where it is unknown).
    pub fn rules(
        &self,
        parameter: Parameter,
        date: NaiveDate,
    ) -> impl Iterator<Item = &'g Rule> + 'g {
        let jurisdiction = self.jurisdiction;
        self.gate
            .book
            .rules(self.case.market, self.case.customer_kind, parameter, date)
            .filter(move |rule| rule.applies_in(jurisdiction))
    }

    /// Every rule of a parameter for this customer and jurisdiction, whatever its dates.
    pub fn rules_any_date(&self, parameter: Parameter) -> impl Iterator<Item = &'g Rule> + 'g {
        let jurisdiction = self.jurisdiction;
        self.gate
            .book
            .rules_any_date(self.case.market, self.case.customer_kind, parameter)
            .filter(move |rule| rule.applies_in(jurisdiction))
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

    /// Denies if the claim is time-barred and a rule forbids collecting it. Where the case's
    /// jurisdiction is unknown and the period that bars it is one part's, the reason says the
    /// shortest period of the parts was applied.
    pub fn deny_if_time_barred(&mut self) {
        let Some((limitation, barred_on)) = self.time_barred() else {
            return;
        };
        let Some(rule) = self.flag(Parameter::TimeBarredNoCollection) else {
            return;
        };
        let mut params = vec![
            ("barred_on", barred_on.to_string()),
            ("limitation_rule", limitation.id.to_string()),
        ];
        let key = if self.jurisdiction.is_none() && !limitation.jurisdictions.is_empty() {
            params.push(("jurisdiction", limitation.jurisdictions.join(", ")));
            "collection.time_barred_jurisdiction_unknown"
        } else {
            "collection.time_barred"
        };
        self.deny(rule, key, params);
    }

    /// The limitation rule that bars the claim first, and the first day it is barred on, if
    /// that day has come. Several rules are candidates only where the jurisdiction is unknown:
    /// then the shortest period applies, the reading that protects the customer.
    pub fn time_barred(&self) -> Option<(&'g Rule, NaiveDate)> {
        self.rules(Parameter::Limitation, self.today)
            .filter_map(|rule| Some((rule, self.barred_from(rule)?)))
            .min_by_key(|(_, barred_on)| *barred_on)
            .filter(|(_, barred_on)| self.today >= *barred_on)
    }

    /// The first day the claim is barred under one limitation rule. Every encoded market
    /// counts a period of years from a day so that it ends with the day of the last year that
    /// has the same number (FI 150/1930 § 2; SE 1930:173 2 §; NO foreldelsesloven § 29 nr. 1;
    /// DK; DE BGB §§ 187 (1), 188 (2); NL BW 3:307 "after the start of the day following";
    /// GB: the day of accrual is excluded), so the claim is barred from the next day. Periods
    /// ending on a weekend or holiday are not extended (NO § 29 nr. 2, SE 1930:173 2 §, BGB
    /// § 193): collection then stops a day or two early, never late.
    fn barred_from(&self, rule: &Rule) -> Option<NaiveDate> {
        let Value::Limitation {
            years,
            from,
            final_years,
        } = &rule.value
        else {
            return None;
        };
        let case = self.case;
        let start = match from {
            LimitationStart::DueDate => case.due_date,
            LimitationStart::AroseOn => case.arose_on.unwrap_or(case.due_date),
            // BGB § 199 (1): from the end of the year the claim arose (fell due) in.
            LimitationStart::EndOfYear => {
                NaiveDate::from_ymd_opt(case.due_date.year(), 12, 31).unwrap_or(case.due_date)
            }
        };
        let mut last_day = add_years(start, *years);
        if let Some(interrupted) = case.limitation_interrupted_on {
            // A new period of the same length runs from the interruption's own day (BGB
            // § 212 (1): not from a year's end; 728/2003 § 11; likewise elsewhere); one made
            // before the first period began does not shorten it.
            last_day = last_day.max(add_years(interrupted, *years));
        }
        if let Some(final_years) = final_years {
            last_day = last_day.min(add_years(case.due_date, *final_years));
        }
        last_day.succ_opt()
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
