//! The probe that proves the gate applies every rule the packs set (`reilu rules check`).
//!
//! A pack can set a parameter that no code reads: `demand.min_days_after_reminder` was once
//! reported as law while the gate ignored it. A hand-kept list of "parameters the gate reads"
//! would rot with the code, so the probe asks the gate itself. For every rule of every pack it
//! sets the rule to its strictest value (a cap of nothing, a century of days, a count of
//! none, hours of one minute, …) and decides a battery of generated proposals — contacts on
//! every channel at night, in the morning, late, on a holiday and on a house day; every fee;
//! a day of interest; payment plans; legal steps, sales, write-offs and waivers — on cases
//! with every feature the gate looks at (recent fees and contacts, a demand and a reminder
//! sent, every hold, a time bar, vulnerability and refused channels, a contractual rate). The
//! rule is applied when some decision cites it: a reason's `rule_id`, or a reason parameter
//! named `*_rule` that names it (a time bar cites its limitation rule so).
//!
//! Made strictest, a rule the gate reads binds, so a laxer rule cannot hide it. A law rule is
//! probed twice, with the house's rules and with the law alone: a house rule can be as strict
//! as anything (no plan fee at all) and would otherwise hide whether the gate reads the law's.
//! A few parameters are not applied by decisions but read through the gate for other parts
//! of Reilu (the payment allocation order, `Gate::allocation_order`); those readers cite the
//! rule they return, and count as citations too.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use reilu_core::{Currency, CustomerKind, MarketCode, Markets, Money};
use serde::Serialize;

use super::Gate;
use crate::calendar::DayKind;
use crate::decision::Decision;
use crate::model::{
    Actor, Balances, CaseView, Channel, ContactPurpose, ContactRecord, Context, FeeKind, FeeRecord,
    Hold, HoldKind, IncomeExpense, Instalment, Proposal, Recipient,
};
use crate::pack::{Cap, Pack, Rule, Source, Value, WeeklyHours};

/// A rule that no decision of the probe cites: the gate does not apply it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unapplied {
    /// The pack: a market code, or `house`.
    pub pack: String,
    pub rule_id: String,
    /// The parameter's dotted name, as in the pack.
    pub parameter: String,
    /// Where the rule starts in its file.
    pub line: usize,
}

/// Rules in force on this day are probed on it (others on the nearest day they are in force):
/// a day of 2026 H1, for which every encoded market has a statutory interest rate, so the
/// house's interest caps can bind.
const PROBE_DAY: (i32, u32, u32) = (2026, 3, 2);
/// "Never" for a rule counted in days.
const CENTURY_DAYS: u32 = 36_500;
/// The claim every probe case is for, in minor units of the market's currency.
const PRINCIPAL_MINOR: i64 = 100_000;
/// A fee proposed far above any cap.
const FEE_MINOR: i64 = 1_000_000;
/// Every hold kind the model knows (a new kind must be added here to be probed).
const HOLDS: [HoldKind; 7] = [
    HoldKind::Dispute,
    HoldKind::Complaint,
    HoldKind::VulnerabilityPause,
    HoldKind::BreathingSpace,
    HoldKind::MentalHealthCrisis,
    HoldKind::Death,
    HoldKind::Insolvency,
];

impl Gate {
    /// Every rule of every pack the gate does not apply, market packs first (by code), then
    /// the house's; empty when every rule is applied. See the module's documentation.
    pub fn unapplied_rules(&self, markets: &Markets) -> Vec<Unapplied> {
        let mut codes: Vec<MarketCode> = self.book.market_packs().map(|(code, _)| *code).collect();
        codes.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        let mut unapplied = Vec::new();
        for code in &codes {
            if let Some(pack) = self.book.market_pack(*code) {
                unapplied.extend(unapplied_in(
                    self,
                    markets,
                    pack,
                    std::slice::from_ref(code),
                ));
            }
        }
        unapplied.extend(unapplied_in(self, markets, self.book.house(), &codes));
        unapplied
    }
}

/// The rules of `pack` that no probe in `codes` cites.
fn unapplied_in(
    gate: &Gate,
    markets: &Markets,
    pack: &Pack,
    codes: &[MarketCode],
) -> Vec<Unapplied> {
    pack.rules
        .iter()
        .filter(|rule| !applied(gate, markets, &pack.stamp.pack, rule, codes))
        .map(|rule| Unapplied {
            pack: pack.stamp.pack.clone(),
            rule_id: rule.id.to_string(),
            parameter: rule.parameter.name(),
            line: rule.line,
        })
        .collect()
}

/// Whether some probe cites the rule, made strictest, with the house and (for law) without.
fn applied(gate: &Gate, markets: &Markets, pack: &str, rule: &Rule, codes: &[MarketCode]) -> bool {
    let strict = strictest(rule);
    let with_house = gate.book.with_rule(pack, &strict);
    let mut books = vec![with_house.law_only(), with_house];
    if rule.source == Source::House {
        books.remove(0);
    }
    let day = probe_day(rule);
    books.into_iter().any(|book| {
        let probe = Gate {
            book,
            calendars: gate.calendars.clone(),
        };
        codes.iter().any(|code| {
            let Ok(market) = markets.get(code.as_str()) else {
                return false;
            };
            [CustomerKind::Consumer, CustomerKind::Business]
                .into_iter()
                .filter(|kind| rule.applies_to_kind(*kind))
                .any(|kind| {
                    let setting = Setting::new(&probe, *code, kind, market.currency, day)
                        .with_zone(market.main_time_zone());
                    setting.cites(&rule.id)
                })
        })
    })
}

/// The day the rule is probed on: `PROBE_DAY`, or the nearest day the rule is in force.
fn probe_day(rule: &Rule) -> NaiveDate {
    let (year, month, day) = PROBE_DAY;
    let reference = NaiveDate::from_ymd_opt(year, month, day).unwrap_or(rule.effective_from);
    reference
        .max(rule.effective_from)
        .min(rule.effective_to.unwrap_or(NaiveDate::MAX))
}

/// The rule with its strictest value: if the gate reads it, it binds every probe it can.
/// Values with no "stricter" (lists, advice, the contractual-interest mode) stay as they are.
fn strictest(rule: &Rule) -> Rule {
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN);
    let one_minute = (noon, noon + Duration::minutes(1));
    let value = match &rule.value {
        Value::Cap(_) => Value::Cap(Cap::Amount { amount_minor: 0 }),
        Value::Days(_) => Value::Days(CENTURY_DAYS),
        Value::Count(_) => Value::Count(0),
        // One contact a year (not none: a count of zero blocks for ever, no slot is found and
        // the contact is refused without a reason to cite).
        Value::Frequency { channels, .. } => Value::Frequency {
            count: 1,
            window_days: 365,
            channels: channels.clone(),
        },
        Value::Hours(_) => Value::Hours(WeeklyHours([Some(one_minute); 7])),
        Value::Flag(_) => Value::Flag(true),
        Value::Percent(_) => Value::Percent(0),
        Value::Limitation { from, .. } => Value::Limitation {
            years: 0,
            from: *from,
            final_years: None,
        },
        Value::Holds(_) => Value::Holds(HOLDS.to_vec()),
        Value::FewInstalments { .. } => Value::FewInstalments {
            count: u32::MAX,
            amount_minor: 0,
        },
        Value::Items(_)
        | Value::Advice { .. }
        | Value::ContractualInterest { .. }
        | Value::Factors(_) => rule.value.clone(),
    };
    Rule {
        value,
        ..rule.clone()
    }
}

/// Whether a decision cites the rule.
fn cites(decision: &Decision, id: &str) -> bool {
    decision.reasons.iter().any(|reason| {
        &*reason.rule_id == id
            || reason
                .params
                .iter()
                .any(|(key, value)| key.ends_with("_rule") && value == id)
    })
}

/// One case, the actor proposing, and the proposals decided for it.
struct Probe {
    case: CaseView,
    actor: Actor,
    proposals: Vec<Proposal>,
}

/// Where and when the probes run: one market, one kind of customer, one day.
struct Setting<'g> {
    gate: &'g Gate,
    market: MarketCode,
    kind: CustomerKind,
    currency: Currency,
    zone: Tz,
    day: NaiveDate,
}

impl<'g> Setting<'g> {
    fn new(
        gate: &'g Gate,
        market: MarketCode,
        kind: CustomerKind,
        currency: Currency,
        day: NaiveDate,
    ) -> Self {
        Setting {
            gate,
            market,
            kind,
            currency,
            zone: Tz::UTC,
            day,
        }
    }

    fn with_zone(self, zone: Tz) -> Self {
        Setting { zone, ..self }
    }

    fn money(&self, amount_minor: i64) -> Money {
        Money::from_minor(amount_minor, self.currency)
    }

    /// A local time on a date, as an instant (the earliest, across a clock change).
    fn local(&self, date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
        let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
        let local = date.and_time(time);
        self.zone
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| local.and_utc(), |instant| instant.with_timezone(&Utc))
    }

    /// The probes' clock: a minute past midnight, so every hour of the day is still ahead.
    fn now(&self) -> DateTime<Utc> {
        self.local(self.day, 0, 1)
    }

    /// Whether a reader outside decisions, or some decision of the battery, cites `id`.
    fn cites(&self, id: &str) -> bool {
        if self.readers_cite(id) {
            return true;
        }
        let now = self.now();
        self.probes().iter().any(|probe| {
            let context = Context {
                now,
                actor: probe.actor.clone(),
            };
            probe.proposals.iter().any(|proposal| {
                let outcome = self.gate.decide(proposal, &probe.case, &context);
                cites(&outcome.decision, id)
            })
        })
    }

    /// The gate's readers for other parts of Reilu: the rule each returns counts as cited.
    fn readers_cite(&self, id: &str) -> bool {
        self.gate
            .allocation_order(self.market, self.kind, self.day)
            .is_some_and(|order| &*order.rule.id == id)
    }

    fn probes(&self) -> Vec<Probe> {
        let system = Actor::System;
        let mut probes = vec![
            self.probe(self.clean_case(), system.clone()),
            self.probe(self.reminded_case(), system.clone()),
            self.probe(self.case_with_history(), system.clone()),
            self.probe(self.case_on_hold(), system.clone()),
            self.probe(self.time_barred_case(), system.clone()),
            self.probe(self.case_with_contractual_rate(), system),
            self.probe(self.vulnerable_case(), agent(false, true)),
        ];
        // Legal steps and sales are for agents: probed with a trained, unconflicted one too.
        let mut by_agent = self.probe(self.clean_case(), agent(true, false));
        by_agent.proposals.retain(|proposal| {
            matches!(
                proposal,
                Proposal::EscalateToLegal { .. } | Proposal::SellDebt { .. }
            )
        });
        probes.push(by_agent);
        probes
    }

    fn probe(&self, case: CaseView, actor: Actor) -> Probe {
        Probe {
            proposals: self.proposals(&case),
            case,
            actor,
        }
    }
}

fn agent(trained: bool, conflicted: bool) -> Actor {
    Actor::Agent {
        id: "probe-agent".into(),
        vulnerability_trained: trained,
        conflicted,
    }
}

/// The cases: one clean, and one per feature the gate looks at.
impl Setting<'_> {
    /// A claim 400 days overdue owing its principal, with nothing on record, a reminder fee
    /// agreed when the debt arose: nothing stops collecting it.
    fn clean_case(&self) -> CaseView {
        let principal = self.money(PRINCIPAL_MINOR);
        let zero = self.money(0);
        let due_date = self.day - Duration::days(400);
        CaseView {
            market: self.market,
            customer_kind: self.kind,
            time_zone: self.zone,
            original_principal: principal,
            balances: Balances {
                principal,
                interest: zero,
                collection_costs: zero,
                creditor_fees: zero,
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
            contractual_rate_bp: None,
            statutory_claims: false,
            interest_carry_minor_bp_days: 0,
            arose_on: Some(due_date),
            reminder_fee_agreed: true,
            jurisdiction: None,
            last_reminder_sent_at: None,
            vulnerability_review_on: None,
            principal_history: Vec::new(),
        }
    }

    /// A fee of every kind charged yesterday, a contact on every channel an hour ago, the
    /// first demand and a reminder sent yesterday, a plan charged; no reminder fee agreed.
    fn case_with_history(&self) -> CaseView {
        let now = self.now();
        let yesterday = now - Duration::days(1);
        let mut case = self.clean_case();
        case.fee_history = FeeKind::ALL
            .iter()
            .map(|kind| FeeRecord {
                kind: *kind,
                amount: self.money(1),
                at: yesterday,
            })
            .collect();
        case.contact_history = Channel::ALL
            .iter()
            .map(|channel| ContactRecord {
                at: now - Duration::hours(1),
                channel: *channel,
            })
            .collect();
        case.first_demand_sent_at = Some(yesterday);
        case.last_reminder_sent_at = Some(yesterday);
        case.plans_charged = 1;
        case.reminder_fee_agreed = false;
        case
    }

    /// A reminder sent two months ago and nothing since: the demand's turn (some laws allow
    /// a demand only some time after a reminder).
    fn reminded_case(&self) -> CaseView {
        let mut case = self.clean_case();
        case.last_reminder_sent_at = Some(self.now() - Duration::days(60));
        case
    }

    fn case_on_hold(&self) -> CaseView {
        let mut case = self.clean_case();
        let since = self.day - Duration::days(10);
        case.holds = HOLDS
            .iter()
            .map(|kind| Hold {
                kind: *kind,
                since,
                until: None,
            })
            .collect();
        case
    }

    /// Due forty years ago: past every limitation period.
    fn time_barred_case(&self) -> CaseView {
        let mut case = self.clean_case();
        case.due_date = self.day - Duration::days(40 * 365);
        case.arose_on = Some(case.due_date);
        case
    }

    /// A contractual rate far above any cap, on a claim due a month ago (some laws let an
    /// agreed rate run only so long after the due date).
    fn case_with_contractual_rate(&self) -> CaseView {
        let mut case = self.clean_case();
        case.due_date = self.day - Duration::days(30);
        case.arose_on = Some(case.due_date);
        case.contractual_rate_bp = Some(9_999);
        case
    }

    /// A vulnerable customer who refused every channel (proposed by a conflicted, untrained
    /// agent).
    fn vulnerable_case(&self) -> CaseView {
        let mut case = self.clean_case();
        case.vulnerable = true;
        case.vulnerability_review_on = Some(self.day + Duration::days(90));
        case.channels_refused = Channel::ALL.to_vec();
        case
    }
}

/// The proposals decided for each case.
impl Setting<'_> {
    fn proposals(&self, case: &CaseView) -> Vec<Proposal> {
        let mut proposals = self.contacts();
        proposals.extend(FeeKind::ALL.iter().map(|fee| Proposal::ChargeFee {
            fee: *fee,
            amount: self.money(FEE_MINOR),
        }));
        proposals.push(Proposal::AccrueInterest {
            from: self.day,
            to: self.day + Duration::days(1),
        });
        proposals.extend(self.plans(case));
        proposals.extend([
            Proposal::EscalateToLegal {
                second_approver: Some("probe-approver".into()),
            },
            Proposal::SellDebt {
                buyer: "probe-buyer".into(),
            },
            Proposal::WriteOff {
                amount: self.money(1),
                second_approver: None,
            },
            Proposal::Waive {
                amount: self.money(1),
            },
        ]);
        proposals
    }

    /// Payment contacts on every channel at night, in the morning and late in the evening,
    /// and on the next public holiday and house day; one to a third party, one for service.
    fn contacts(&self) -> Vec<Proposal> {
        let mut times = vec![
            self.local(self.day, 3, 0),
            self.local(self.day, 9, 0),
            self.local(self.day, 20, 30),
        ];
        for kind in [DayKind::PublicHoliday, DayKind::NoContactDay] {
            times.extend(self.next_day_of(kind).map(|date| self.local(date, 10, 0)));
        }
        let contact = |channel, at, recipient, purpose| Proposal::Contact {
            channel,
            at,
            recipient,
            purpose,
        };
        let mut contacts: Vec<Proposal> = Channel::ALL
            .iter()
            .flat_map(|channel| {
                times.iter().map(move |at| {
                    contact(*channel, *at, Recipient::Customer, ContactPurpose::Payment)
                })
            })
            .collect();
        let morning = self.local(self.day, 9, 0);
        contacts.push(contact(
            Channel::Phone,
            morning,
            Recipient::ThirdParty,
            ContactPurpose::Payment,
        ));
        contacts.push(contact(
            Channel::Phone,
            morning,
            Recipient::Customer,
            ContactPurpose::Service,
        ));
        contacts
    }

    /// The first day of `kind` in the market within 400 days of the probe day.
    fn next_day_of(&self, kind: DayKind) -> Option<NaiveDate> {
        let calendars = &self.gate.calendars;
        (0..400)
            .map(|offset| self.day + Duration::days(offset))
            .find(|date| calendars.kind_of(self.market.as_str(), *date) == Some(kind))
    }

    /// A plan paying everything today, with and without a statement of means, with a setup
    /// fee far above any cap.
    fn plans(&self, case: &CaseView) -> Vec<Proposal> {
        let instalments = vec![Instalment {
            due: self.day,
            amount: case.balances.principal,
        }];
        let statement = IncomeExpense {
            monthly_income: self.money(PRINCIPAL_MINOR * 1_000),
            monthly_expenses: self.money(0),
            dependants: 0,
        };
        [Some(statement), None]
            .into_iter()
            .map(|statement| Proposal::OfferPaymentPlan {
                instalments: instalments.clone(),
                statement,
                setup_fee: self.money(FEE_MINOR),
            })
            .collect()
    }
}
