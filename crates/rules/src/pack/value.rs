//! Typed values of rules, in the units the gate computes with: minor units of the pack's
//! currency, days, basis points (1/100 of a percent), local clock times.

use chrono::{NaiveTime, Weekday};

use crate::model::{Channel, HoldKind};

/// A cap on an amount, depending on the claim's principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cap {
    /// One amount whatever the principal.
    Amount { amount_minor: i64 },
    /// By principal bracket, inclusive at the top; the last bracket has no top.
    Brackets(Vec<Bracket>),
    /// Marginal percentages of the principal (like income tax), then a minimum and maximum.
    Tiers {
        tiers: Vec<Tier>,
        minimum_minor: i64,
        maximum_minor: Option<i64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bracket {
    /// The bracket covers principals up to and including this; None = no top.
    pub up_to_minor: Option<i64>,
    pub amount_minor: i64,
    /// A share of the part of the principal above the bracket's floor (the previous bracket's
    /// top) added to `amount_minor`, in basis points; 0 for a flat bracket (BEK 601/2002
    /// bilag 1: "6,400 kr + 1 % of the part of the claim over 500,000 kr").
    pub plus_bp: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    pub up_to_minor: Option<i64>,
    /// The share of the principal within this tier, in basis points.
    pub rate_bp: u32,
}

impl Cap {
    /// The cap for a claim of `principal_minor`.
    pub fn for_principal(&self, principal_minor: i64) -> i64 {
        match self {
            Cap::Amount { amount_minor } => *amount_minor,
            Cap::Brackets(brackets) => bracket_amount(brackets, principal_minor),
            Cap::Tiers {
                tiers,
                minimum_minor,
                maximum_minor,
            } => {
                let total = tiered_amount(tiers, principal_minor);
                let floored = total.max(*minimum_minor);
                maximum_minor.map_or(floored, |maximum| floored.min(maximum))
            }
        }
    }
}

/// The amount of the bracket the principal falls in, plus its share of the part above the
/// bracket's floor, rounded down: a cap never rounds up in the creditor's favour.
fn bracket_amount(brackets: &[Bracket], principal_minor: i64) -> i64 {
    let mut floor_minor: i64 = 0;
    for bracket in brackets {
        if bracket.up_to_minor.is_none_or(|top| principal_minor <= top) {
            let above = i128::from(principal_minor.saturating_sub(floor_minor).max(0));
            let plus = above * i128::from(bracket.plus_bp) / 10_000;
            let plus = i64::try_from(plus).unwrap_or(i64::MAX);
            return bracket.amount_minor.saturating_add(plus);
        }
        floor_minor = bracket.up_to_minor.unwrap_or(floor_minor);
    }
    0
}

/// Sum over tiers of (the part of the principal in the tier × the tier's rate), rounded half
/// up to the minor unit once at the end (i128 so no product can overflow).
fn tiered_amount(tiers: &[Tier], principal_minor: i64) -> i64 {
    let mut lower: i64 = 0;
    let mut total_bp_minor: i128 = 0;
    for tier in tiers {
        let upper = tier.up_to_minor.unwrap_or(i64::MAX);
        if principal_minor <= lower {
            break;
        }
        let in_tier = principal_minor.min(upper) - lower;
        total_bp_minor += i128::from(in_tier) * i128::from(tier.rate_bp);
        lower = upper;
    }
    let rounded = (total_bp_minor + 5_000) / 10_000;
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// Allowed local contact hours per weekday, Monday first; None = closed all day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyHours(pub [Option<(NaiveTime, NaiveTime)>; 7]);

impl WeeklyHours {
    pub fn on(&self, weekday: Weekday) -> Option<(NaiveTime, NaiveTime)> {
        self.0[weekday.num_days_from_monday() as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitationStart {
    /// From the due date (or the last interruption).
    DueDate,
    /// From the end of the year in which the claim fell due (BGB § 199).
    EndOfYear,
    /// From when the claim arose (`CaseView::arose_on`), where known; else from the due date
    /// (Preskriptionslag 1981:130 2 §: "från dess tillkomst").
    AroseOn,
}

/// A multiple of a fee's cap that applies once the case's facts meet its condition
/// (`fee.<kind>.factors`): the RVG business fee's rate (VV 2300), the Norwegian heavy rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactorStep {
    /// The multiple of the cap, in basis points of it: 5_000 = 0.5, 20_000 = 2.
    pub factor_bp: u32,
    pub when: FactorWhen,
}

/// When a factor step applies; the last step whose condition holds is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorWhen {
    /// The first step: it applies until a later step's condition holds.
    Otherwise,
    /// The first payment demand's time to pay has run out and a further demand followed (a
    /// contact after that time, or a repeat demand's fee).
    FurtherDemand,
    /// The first payment demand's time to pay has been exceeded by more than `days` days.
    DemandOverdue { days: u32 },
}

impl FactorWhen {
    pub fn as_str(self) -> &'static str {
        match self {
            FactorWhen::Otherwise => "otherwise",
            FactorWhen::FurtherDemand => "further_demand",
            FactorWhen::DemandOverdue { .. } => "demand_overdue",
        }
    }
}

/// How a market's law treats a late-interest rate agreed in the claim's contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractualMode {
    /// The agreed rate applies only where it is higher than the statutory rate, which stays
    /// the floor (Korkolaki 633/1982 § 4 (2)).
    IfHigher,
    /// The agreed rate replaces the statutory one, higher or lower (the statutory rate applies
    /// only "if nothing else is agreed", Räntelag 1975:635 § 1).
    AsAgreed,
}

impl ContractualMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ContractualMode::IfHigher => "if_higher",
            ContractualMode::AsAgreed => "as_agreed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Cap(Cap),
    Days(u32),
    Count(u32),
    Frequency {
        count: u32,
        window_days: u32,
        channels: Vec<Channel>,
    },
    Hours(WeeklyHours),
    Flag(bool),
    /// Basis points.
    Percent(u32),
    Limitation {
        years: u32,
        from: LimitationStart,
        final_years: Option<u32>,
    },
    Items(Vec<String>),
    Advice {
        body: String,
        url: String,
    },
    Holds(Vec<HoldKind>),
    FewInstalments {
        count: u32,
        amount_minor: i64,
    },
    /// A contractual late-interest rate is lawful, in this mode; where the law limits how long
    /// it may run, for at most this many days after the due date (then the statutory rate).
    ContractualInterest {
        mode: ContractualMode,
        max_days_after_due: Option<u32>,
    },
    /// Multiples of a fee's cap by the case's stage, the first unconditional.
    Factors(Vec<FactorStep>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_are_inclusive_at_the_top() {
        let cap = Cap::Brackets(vec![
            Bracket {
                up_to_minor: Some(10_000),
                amount_minor: 1_400,
                plus_bp: 0,
            },
            Bracket {
                up_to_minor: Some(100_000),
                amount_minor: 2_400,
                plus_bp: 0,
            },
            Bracket {
                up_to_minor: None,
                amount_minor: 5_000,
                plus_bp: 0,
            },
        ]);
        assert_eq!(cap.for_principal(10_000), 1_400);
        assert_eq!(cap.for_principal(10_001), 2_400);
        assert_eq!(cap.for_principal(100_000), 2_400);
        assert_eq!(cap.for_principal(100_001), 5_000);
    }

    #[test]
    fn an_open_bracket_may_add_a_share_of_the_part_above_its_floor() {
        // BEK 601/2002 bilag 1: 250,001–500,000 kr → 6,400; above, 6,400 + 1 % of the excess.
        let cap = Cap::Brackets(vec![
            Bracket {
                up_to_minor: Some(50_000_000),
                amount_minor: 640_000,
                plus_bp: 0,
            },
            Bracket {
                up_to_minor: None,
                amount_minor: 640_000,
                plus_bp: 100,
            },
        ]);
        assert_eq!(cap.for_principal(50_000_000), 640_000);
        assert_eq!(
            cap.for_principal(50_000_099),
            640_000,
            "1 % of 0.99 kr rounds down"
        );
        assert_eq!(cap.for_principal(50_000_100), 640_001);
        assert_eq!(cap.for_principal(100_000_000), 1_140_000);
    }

    #[test]
    fn tiers_reproduce_the_dutch_worked_example() {
        // Besluit vergoeding voor buitengerechtelijke incassokosten, art. 2: 15 % of the first
        // €2,500, 10 % of the next €2,500, 5 % of the next €5,000, 1 % of the next €190,000,
        // 0.5 % above; at least €40, at most €6,775. €3,000 gives €425 (the decree's example).
        let cap = Cap::Tiers {
            tiers: vec![
                Tier {
                    up_to_minor: Some(250_000),
                    rate_bp: 1_500,
                },
                Tier {
                    up_to_minor: Some(500_000),
                    rate_bp: 1_000,
                },
                Tier {
                    up_to_minor: Some(1_000_000),
                    rate_bp: 500,
                },
                Tier {
                    up_to_minor: Some(20_000_000),
                    rate_bp: 100,
                },
                Tier {
                    up_to_minor: None,
                    rate_bp: 50,
                },
            ],
            minimum_minor: 4_000,
            maximum_minor: Some(677_500),
        };
        assert_eq!(cap.for_principal(300_000), 42_500);
        assert_eq!(cap.for_principal(10_000), 4_000, "the €40 minimum");
        assert_eq!(
            cap.for_principal(1_000_000_000),
            677_500,
            "the €6,775 maximum"
        );
        assert_eq!(cap.for_principal(250_000), 37_500);
    }
}
