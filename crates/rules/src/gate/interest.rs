//! Late-payment interest, accrued day by day. Each day's yearly rate is the statutory late
//! rate in force that day (`interest.late_rate`, one rule per half-year), or — where the
//! market's law lets a contract's rate apply (`interest.contractual`) and the claim carries
//! one — the contractual rate, limited by the strictest of the law's and the house's caps
//! (`interest.max_rate`, `interest.max_over_statutory`).
//!
//! Day count Actual/365 Fixed: each day earns principal × rate / 365, in a leap year too (a
//! 366-day year earns 366/365 of the yearly rate). The sum over the period is computed exactly
//! in i128 (principal minor units × basis points × days) and rounded half up once, at the end,
//! to the minor unit. Interest runs on the principal only, never on interest or costs.
//!
//! Days are `[from, to)`. Late interest runs from the day after the due date (Korkolaki
//! 633/1982 § 3, Räntelag 1975:635 § 2: no interest for the time before the claim falls due),
//! so a period starting on or before it is refused. A day with no statutory rate encoded is
//! never guessed — even for a contractual rate, whose caps and comparison are measured against
//! the statutory rate. Only those days are refused: the days before the first day without a
//! rate are approved, the approval ending on that day (a change of `to`, with a reason naming
//! the day), so the next accrual starts there; if the very first day has no rate, the accrual
//! is refused and names the day.
//!
//! Interest for each day runs on the principal as it stood that day (`principal_history`),
//! not on today's: a payment halfway through a period halves the interest of the second half.
//!
//! Rules change only on their effective dates (and where a contractual rate's time limit
//! ends), and the principal only on the days of its history, so the period is cut there into
//! segments and each segment's rate and principal are decided once.

use chrono::{Duration, NaiveDate};
use reilu_core::Money;

use super::Judgement;
use crate::approved::ApprovedAction;
use crate::decision::Change;
use crate::model::CaseView;
use crate::pack::{ContractualMode, Parameter, Rule, Source, Value};

/// The longest period one accrual may cover: accrual runs daily or monthly; ten years would
/// be a bug upstream.
const ACCRUAL_DAYS_MAX: i64 = 3660;
/// Actual/365 Fixed: the divisor is 365 whatever the year's length.
const DAYS_PER_YEAR: i128 = 365;
/// A rate in basis points is a fraction of 10,000.
const BASIS_POINTS: i128 = 10_000;

/// Every parameter that can change a day's rate: where one of their rules starts or ends, a
/// new segment starts.
const RATE_PARAMETERS: [Parameter; 4] = [
    Parameter::InterestLateRate,
    Parameter::InterestContractual,
    Parameter::InterestMaxRate,
    Parameter::InterestMaxOverStatutory,
];

pub(super) fn decide(
    judgement: &mut Judgement<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<ApprovedAction> {
    let days = (to - from).num_days();
    if days <= 0 || days > ACCRUAL_DAYS_MAX || to > judgement.today + Duration::days(1) {
        let params = vec![("from", from.to_string()), ("to", to.to_string())];
        judgement.reject_input("interest.invalid_period", params);
        return None;
    }
    let due_date = judgement.case.due_date;
    if from <= due_date {
        let params = vec![
            ("from", from.to_string()),
            ("due_date", due_date.to_string()),
        ];
        judgement.reject_input("interest.before_due", params);
        return None;
    }
    if !history_is_valid(judgement.case) {
        let currency = judgement.case.balances.principal.currency().to_string();
        judgement.reject_input("interest.invalid_history", vec![("currency", currency)]);
        return None;
    }
    judgement.deny_for_holds(Parameter::InterestFrozenBy, "interest.frozen");
    judgement.deny_if_time_barred();
    if judgement.is_denied() {
        return None;
    }
    let accrued = accrue(judgement, from, to)?;
    let amount = Money::from_minor(
        accrued.amount_minor,
        judgement.case.balances.principal.currency(),
    );
    Some(ApprovedAction::Interest {
        from,
        to: accrued.to,
        amount,
        carry_minor_bp_days: accrued.carry_minor_bp_days,
    })
}

/// What an accrual approves: the days `[from, to)` (`to` earlier than proposed where a day has
/// no rate), the amount and what its rounding leaves over.
struct Accrued {
    to: NaiveDate,
    amount_minor: i64,
    carry_minor_bp_days: i64,
}

/// The principal history is oldest first and in the principal's currency; anything else is a
/// caller's bug, and computing on it would charge the wrong amount.
fn history_is_valid(case: &CaseView) -> bool {
    let currency = case.balances.principal.currency();
    let history = &case.principal_history;
    history
        .iter()
        .all(|change| change.principal.currency() == currency)
        && history.windows(2).all(|pair| pair[0].on <= pair[1].on)
}

/// The principal owed on `day`, in minor units: the latest history entry on or before it; the
/// earliest entry for days before the history starts (the earliest known figure); today's
/// principal without a history. A negative principal cannot occur (an overpayment is owed
/// back, not netted), but if it did it would earn nothing rather than interest owed to the
/// customer.
fn principal_on(case: &CaseView, day: NaiveDate) -> i64 {
    let history = &case.principal_history;
    let principal = history
        .iter()
        .rev()
        .find(|change| change.on <= day)
        .or(history.first())
        .map_or(case.balances.principal, |change| change.principal);
    principal.amount_minor().max(0)
}

/// Interest for each day in `[from, to)` on the principal of that day plus what the last
/// accrual's rounding left over, rounded half up, and what this rounding leaves over. Days from
/// the first without a statutory rate are left out (the approval ends there, with a reason);
/// None (with a reason) if `from` itself has none. The reasons say, per distinct outcome,
/// which rate applied and why.
fn accrue(judgement: &mut Judgement<'_>, from: NaiveDate, to: NaiveDate) -> Option<Accrued> {
    let mut total_minor_bp_days = i128::from(judgement.case.interest_carry_minor_bp_days);
    let mut notes: Vec<Note<'_>> = Vec::new();
    let mut approved_to = to;
    for (start, end) in segments(judgement, from, to) {
        let Some(rate) = rate_on(judgement, start) else {
            if start == from {
                deny_missing_rate(judgement, start);
                return None;
            }
            approved_to = start;
            break;
        };
        let days = i128::from((end - start).num_days());
        let principal_minor = principal_on(judgement.case, start);
        total_minor_bp_days += i128::from(principal_minor) * i128::from(rate.bp) * days;
        for note in rate.notes {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    let divisor = BASIS_POINTS * DAYS_PER_YEAR;
    let rounded = round_half_up(total_minor_bp_days, divisor);
    let carry = total_minor_bp_days - rounded * divisor;
    let (Ok(accrued), Ok(carry)) = (i64::try_from(rounded), i64::try_from(carry)) else {
        let params = vec![("from", from.to_string()), ("to", to.to_string())];
        judgement.reject_input("interest.invalid_period", params);
        return None;
    };
    for note in notes {
        judgement.applied(note.rule, note.key, note.params);
    }
    if approved_to < to {
        stop_at_missing_rate(judgement, to, approved_to);
    }
    // The carry stays within half a minor unit either way, so the total is never below minus
    // half a unit and the amount never negative.
    debug_assert!(accrued >= 0);
    Some(Accrued {
        to: approved_to,
        amount_minor: accrued,
        carry_minor_bp_days: carry,
    })
}

/// The approval ends on `day`, the first without a statutory rate: `to` changes, and the
/// reason names the day (citing the house's refusal to guess a rate, as a refusal would).
fn stop_at_missing_rate(judgement: &mut Judgement<'_>, proposed_to: NaiveDate, day: NaiveDate) {
    judgement.changes.push(Change {
        field: "to",
        from: proposed_to.to_string(),
        to: day.to_string(),
    });
    if let Some(rule) = judgement.flag(Parameter::ChargesRequireLegalBasis) {
        let params = vec![
            ("date", day.to_string()),
            ("market", judgement.market().to_string()),
        ];
        judgement.changed(rule, "interest.no_rate_from", params);
    }
}

/// `numerator / divisor` rounded to the nearest whole, halves up (towards +∞); the divisor is
/// positive, the numerator may be negative (a carried remainder of an earlier round-up).
fn round_half_up(numerator: i128, divisor: i128) -> i128 {
    (numerator + divisor / 2).div_euclid(divisor)
}

/// `[from, to)` cut wherever a rate rule starts or ends, a contractual rate's time limit runs
/// out, or the principal changes: within each segment every day has the same rate and
/// principal.
fn segments(
    judgement: &Judgement<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    let due_date = judgement.case.due_date;
    let mut cuts = vec![from, to];
    for parameter in RATE_PARAMETERS {
        for rule in judgement.rules_any_date(parameter) {
            cuts.push(rule.effective_from);
            cuts.extend(rule.effective_to.and_then(|last| last.succ_opt()));
            if let Value::ContractualInterest {
                max_days_after_due: Some(days),
                ..
            } = rule.value
            {
                cuts.push(due_date + Duration::days(i64::from(days) + 1));
            }
        }
    }
    let history = &judgement.case.principal_history;
    cuts.extend(history.iter().map(|change| change.on));
    cuts.retain(|cut| from <= *cut && *cut <= to);
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2).map(|pair| (pair[0], pair[1])).collect()
}

/// One rule's part in the rate, as it will be given as a reason.
#[derive(Debug, PartialEq, Eq)]
struct Note<'g> {
    rule: &'g Rule,
    key: &'static str,
    params: Vec<(&'static str, String)>,
}

impl<'g> Note<'g> {
    fn new(rule: &'g Rule, key: &'static str, params: Vec<(&'static str, String)>) -> Self {
        Note { rule, key, params }
    }
}

/// A day's yearly rate and why it is that.
struct DayRate<'g> {
    bp: u32,
    notes: Vec<Note<'g>>,
}

/// The rate charged on `day`, or None if the law has no statutory rate for it.
fn rate_on<'g>(judgement: &Judgement<'g>, day: NaiveDate) -> Option<DayRate<'g>> {
    let (statutory_rule, statutory_bp) = statutory_on(judgement, day)?;
    let statutory_note = Note::new(
        statutory_rule,
        "interest.rate",
        vec![
            ("rate", format_percent(statutory_bp)),
            ("from", statutory_rule.effective_from.to_string()),
        ],
    );
    let statutory = DayRate {
        bp: statutory_bp,
        notes: vec![statutory_note],
    };
    let Some(agreed_bp) = judgement.case.contractual_rate_bp else {
        return Some(statutory);
    };
    match contractual_on(judgement, day, agreed_bp, statutory_bp) {
        Contractual::NotApplied(note) => Some(with_note_first(statutory, note)),
        // Claims without a contractual rate are owed the statutory rate; where that is lower,
        // the whole case is charged it (see `CaseView::statutory_claims`).
        Contractual::Applied { law, .. }
            if judgement.case.statutory_claims && statutory_bp < law.bp =>
        {
            let params = vec![("rate", format_percent(statutory_bp))];
            let note = Note::new(law.rule, "interest.lowest_of_claims", params);
            Some(with_note_first(statutory, Some(note)))
        }
        Contractual::Applied { law, notes } => Some(DayRate { bp: law.bp, notes }),
    }
}

fn with_note_first<'g>(mut rate: DayRate<'g>, note: Option<Note<'g>>) -> DayRate<'g> {
    if let Some(note) = note {
        rate.notes.insert(0, note);
    }
    rate
}

/// The law's statutory rate for a day: the first law rule in force (packs do not overlap
/// periods).
fn statutory_on<'g>(judgement: &Judgement<'g>, day: NaiveDate) -> Option<(&'g Rule, u32)> {
    judgement
        .rules(Parameter::InterestLateRate, day)
        .find_map(|rule| match rule.value {
            Value::Percent(bp) if rule.source == Source::Law => Some((rule, bp)),
            _ => None,
        })
}

/// The contractual rate as charged on a day, and the law rule that allows it.
struct ContractualRate<'g> {
    rule: &'g Rule,
    bp: u32,
}

enum Contractual<'g> {
    /// The statutory rate applies, for the reason in the note (if a rule gives one).
    NotApplied(Option<Note<'g>>),
    /// The contractual rate (capped where a cap binds) applies.
    Applied {
        law: ContractualRate<'g>,
        notes: Vec<Note<'g>>,
    },
}

/// Whether the agreed rate applies on `day` and at what rate, per the market's law.
fn contractual_on<'g>(
    judgement: &Judgement<'g>,
    day: NaiveDate,
    agreed_bp: u32,
    statutory_bp: u32,
) -> Contractual<'g> {
    let agreed = ("contractual", format_percent(agreed_bp));
    let law = judgement
        .rules(Parameter::InterestContractual, day)
        .find_map(|rule| match rule.value {
            Value::ContractualInterest {
                mode,
                max_days_after_due,
            } if rule.source == Source::Law => Some((rule, mode, max_days_after_due)),
            _ => None,
        });
    // No law rule lets a contract's rate apply: nothing but the statutory rate is charged
    // (the house's "no legal basis, no charge", as for fees).
    let Some((rule, mode, max_days)) = law else {
        let note = judgement
            .flag(Parameter::ChargesRequireLegalBasis)
            .map(|flag| {
                let params = vec![agreed, ("market", judgement.market().to_string())];
                Note::new(flag, "interest.contractual_no_legal_basis", params)
            });
        return Contractual::NotApplied(note);
    };
    if let Some(days) = max_days {
        let last_day = judgement.case.due_date + Duration::days(i64::from(days));
        if day > last_day {
            let params = vec![
                agreed,
                ("days", days.to_string()),
                ("until", last_day.to_string()),
            ];
            let note = Note::new(rule, "interest.contractual_period_over", params);
            return Contractual::NotApplied(Some(note));
        }
    }
    let statutory = ("statutory", format_percent(statutory_bp));
    if mode == ContractualMode::IfHigher && agreed_bp <= statutory_bp {
        let note = Note::new(
            rule,
            "interest.contractual_not_higher",
            vec![agreed, statutory],
        );
        return Contractual::NotApplied(Some(note));
    }
    let mut notes = vec![Note::new(
        rule,
        "interest.contractual",
        vec![agreed.clone(), statutory],
    )];
    let capped_bp = match strictest_cap(judgement, day, statutory_bp) {
        Some(cap) if cap.bp < agreed_bp => {
            notes.push(cap.note(agreed.1));
            cap.bp
        }
        _ => agreed_bp,
    };
    // Where the law makes the statutory rate the floor, a cap below it cannot take the rate
    // under the statutory one.
    let bp = match mode {
        ContractualMode::IfHigher => capped_bp.max(statutory_bp),
        ContractualMode::AsAgreed => capped_bp,
    };
    Contractual::Applied {
        law: ContractualRate { rule, bp },
        notes,
    }
}

/// A cap on a contractual rate and the rule that sets it.
struct Cap<'g> {
    rule: &'g Rule,
    bp: u32,
    /// For caps over the statutory rate: the margin and the statutory rate.
    over_statutory: Option<(u32, u32)>,
}

impl<'g> Cap<'g> {
    fn note(&self, agreed: String) -> Note<'g> {
        let cap = ("cap", format_percent(self.bp));
        match self.over_statutory {
            Some((margin, statutory)) => Note::new(
                self.rule,
                "interest.capped_over_statutory",
                vec![
                    ("contractual", agreed),
                    cap,
                    ("margin", format_percent(margin)),
                    ("statutory", format_percent(statutory)),
                ],
            ),
            None => {
                let key = match self.rule.source {
                    Source::Law => "interest.capped_by_law",
                    Source::House => "interest.capped_by_house",
                };
                Note::new(self.rule, key, vec![("contractual", agreed), cap])
            }
        }
    }
}

/// The strictest of every cap in force on `day`, law and house; law first on a tie.
fn strictest_cap<'g>(
    judgement: &Judgement<'g>,
    day: NaiveDate,
    statutory_bp: u32,
) -> Option<Cap<'g>> {
    let absolute = judgement
        .rules(Parameter::InterestMaxRate, day)
        .filter_map(|rule| match rule.value {
            Value::Percent(bp) => Some(Cap {
                rule,
                bp,
                over_statutory: None,
            }),
            _ => None,
        });
    let over_statutory = judgement
        .rules(Parameter::InterestMaxOverStatutory, day)
        .filter_map(|rule| match rule.value {
            Value::Percent(margin) => Some(Cap {
                rule,
                bp: statutory_bp.saturating_add(margin),
                over_statutory: Some((margin, statutory_bp)),
            }),
            _ => None,
        });
    absolute
        .chain(over_statutory)
        .reduce(|best, cap| if cap.bp < best.bp { cap } else { best })
}

fn deny_missing_rate(judgement: &mut Judgement<'_>, day: NaiveDate) {
    // No rule carries a missing rate, so the reason cites the house's refusal to guess.
    if let Some(rule) = judgement.flag(Parameter::ChargesRequireLegalBasis) {
        let params = vec![
            ("date", day.to_string()),
            ("market", judgement.market().to_string()),
        ];
        judgement.deny(rule, "interest.no_rate", params);
    }
}

/// 1150 → "11.50".
pub(super) fn format_percent(bp: u32) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_show_two_decimals() {
        assert_eq!(format_percent(1150), "11.50");
        assert_eq!(format_percent(5), "0.05");
    }

    #[test]
    fn rounding_is_half_up_at_exactly_one_half() {
        let divisor = BASIS_POINTS * DAYS_PER_YEAR;
        assert_eq!(round_half_up(divisor / 2, divisor), 1, "0.5 rounds up");
        assert_eq!(
            round_half_up(divisor / 2 - 1, divisor),
            0,
            "just under 0.5 rounds down"
        );
        assert_eq!(round_half_up(divisor * 3 / 2, divisor), 2, "1.5 rounds up");
        assert_eq!(round_half_up(0, divisor), 0);
    }
}
