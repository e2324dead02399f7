//! The parameters a rule can set, each with the kind of value it takes. A rule pack names
//! parameters by these dotted names; a name not listed here is an error at load.

use crate::model::FeeKind;

/// What a parameter's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `amount`, `brackets` by principal, or marginal `tiers` with `minimum`/`maximum`.
    Cap,
    /// `days = N`.
    Days,
    /// `count = N`.
    Count,
    /// `count = N`, `window_days = D`, optional `channels`.
    Frequency,
    /// `hours = { monday = "08:00-20:00", …, sunday = "closed" }` (or `weekdays`/`weekend`).
    Hours,
    /// `flag = true|false`.
    Flag,
    /// `percent = "11.5"`: a yearly rate or a share, with up to two decimals.
    Percent,
    /// `years = N`, `from = "due_date" | "end_of_year"`, optional `final_years`.
    Limitation,
    /// `items = ["…", …]`.
    Items,
    /// `body = "…"`, `url = "…"`.
    Advice,
    /// `holds = ["dispute", …]`.
    Holds,
    /// `count = N`, `amount = "…"`: a lower cap for plans with at most N instalments.
    FewInstalments,
    /// `mode = "if_higher" | "as_agreed"`, optional `max_days_after_due = N`.
    ContractualInterest,
    /// `factors = [{ factor = "0.5" }, { factor = "0.9", when = "further_demand" }, …]`.
    Factors,
}

/// Every parameter the gate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Parameter {
    /// Local hours in which a customer may be contacted (channels other than letters).
    ContactHours,
    /// No contact on the market's public holidays.
    ContactNoPublicHolidays,
    /// No contact on the house's extra no-contact days (Christmas Eve, regional holidays, …).
    ContactNoHouseDays,
    /// At most `count` contact attempts in `window_days` days on the given channels.
    ContactFrequency,
    /// Never contact anyone but the customer about the debt.
    ContactThirdPartyForbidden,
    /// Channels the customer refused (or never consented to) are not used.
    ContactRespectRefusals,
    /// A fee or interest is charged only where the market's encoded law allows it and sets
    /// its cap or rate.
    ChargesRequireLegalBasis,
    /// Holds during which no payment contact, fee, plan offer or escalation happens.
    CollectionStoppedBy,
    /// Only agents trained for vulnerable customers may act on a vulnerable customer's case.
    VulnerabilityTrainedOnly,
    /// An agent with a declared conflict of interest may not act on the case.
    ConflictedAgentBlocked,
    /// The cap on one fee of a kind.
    Fee(FeeKind),
    /// How many fees of a kind may be charged on a case.
    FeeMaxCount(FeeKind),
    /// A fee of a kind only once this many days have passed since the due date.
    FeeMinDaysAfterDue(FeeKind),
    /// A fee of a kind only once this many days have passed since the previous one of its kind.
    FeeMinDaysBetween(FeeKind),
    /// Multiples of a fee's cap by the case's stage (the RVG rate, the Norwegian heavy rate).
    FeeFactors(FeeKind),
    /// A reminder fee only where the claim says one was agreed when the debt arose.
    ReminderFeeNeedsAgreement,
    /// The cap on all collection costs of a case together.
    FeeTotal,
    /// No single fee above this share of the principal.
    FeeMaxPercentOfPrincipal,
    /// All collection costs together at most this share of the principal.
    FeeTotalMaxPercentOfPrincipal,
    /// A lower plan-fee cap for plans with few instalments (FI § 10 a).
    PlanFeeFewInstalments,
    /// Days a payment demand must give the customer to pay.
    DemandDaysToPay,
    /// A payment demand only this many days after the reminder.
    DemandMinDaysAfterReminder,
    /// What the first payment demand must contain.
    DemandFirstItems,
    /// The statutory late-payment interest rate for the rule's effective period.
    InterestLateRate,
    /// Whether, and how, a claim's contractual rate replaces the statutory late rate.
    InterestContractual,
    /// The highest yearly late-interest rate charged on a contractual rate (a law's cap or
    /// the house's ceiling).
    InterestMaxRate,
    /// The most a contractual late-interest rate may exceed the statutory rate, in percentage
    /// points.
    InterestMaxOverStatutory,
    /// Holds during which interest and charges are frozen.
    InterestFrozenBy,
    /// How long until a claim is time-barred.
    Limitation,
    /// No collection, no threat of court, on a time-barred claim.
    TimeBarredNoCollection,
    /// The public debt-advice body customers are referred to.
    DebtAdvice,
    /// A payment plan's monthly instalment at most this share of income less expenses.
    PlanMaxPercentOfDisposable,
    /// Write-offs and legal escalation need a second, different approver.
    FourEyes,
    /// The order in which a payment pays off the debt's components.
    PaymentAllocationOrder,
}

const FEE_KINDS: [FeeKind; 6] = FeeKind::ALL;

impl Parameter {
    pub fn parse(name: &str) -> Option<Parameter> {
        let simple = match name {
            "contact.hours" => Some(Parameter::ContactHours),
            "contact.no_public_holidays" => Some(Parameter::ContactNoPublicHolidays),
            "contact.no_house_days" => Some(Parameter::ContactNoHouseDays),
            "contact.frequency" => Some(Parameter::ContactFrequency),
            "contact.third_party_forbidden" => Some(Parameter::ContactThirdPartyForbidden),
            "contact.respect_refusals" => Some(Parameter::ContactRespectRefusals),
            "charges.require_legal_basis" => Some(Parameter::ChargesRequireLegalBasis),
            "collection.stopped_by" => Some(Parameter::CollectionStoppedBy),
            "vulnerability.trained_agents_only" => Some(Parameter::VulnerabilityTrainedOnly),
            "conflicts.agent_blocked" => Some(Parameter::ConflictedAgentBlocked),
            "fee.total" => Some(Parameter::FeeTotal),
            "fee.max_percent_of_principal" => Some(Parameter::FeeMaxPercentOfPrincipal),
            "fee.total.max_percent_of_principal" => Some(Parameter::FeeTotalMaxPercentOfPrincipal),
            "fee.payment_plan.few_instalments" => Some(Parameter::PlanFeeFewInstalments),
            "fee.reminder.agreement_required" => Some(Parameter::ReminderFeeNeedsAgreement),
            "demand.days_to_pay" => Some(Parameter::DemandDaysToPay),
            "demand.min_days_after_reminder" => Some(Parameter::DemandMinDaysAfterReminder),
            "demand.first.items" => Some(Parameter::DemandFirstItems),
            "interest.late_rate" => Some(Parameter::InterestLateRate),
            "interest.contractual" => Some(Parameter::InterestContractual),
            "interest.max_rate" => Some(Parameter::InterestMaxRate),
            "interest.max_over_statutory" => Some(Parameter::InterestMaxOverStatutory),
            "interest.frozen_by" => Some(Parameter::InterestFrozenBy),
            "limitation" => Some(Parameter::Limitation),
            "limitation.no_collection_when_barred" => Some(Parameter::TimeBarredNoCollection),
            "debt_advice" => Some(Parameter::DebtAdvice),
            "plan.max_percent_of_disposable_income" => Some(Parameter::PlanMaxPercentOfDisposable),
            "four_eyes" => Some(Parameter::FourEyes),
            "payment.allocation_order" => Some(Parameter::PaymentAllocationOrder),
            _ => None,
        };
        simple.or_else(|| parse_fee_parameter(name))
    }

    pub fn value_kind(self) -> ValueKind {
        match self {
            Parameter::ContactHours => ValueKind::Hours,
            Parameter::ContactNoPublicHolidays
            | Parameter::ContactNoHouseDays
            | Parameter::ContactThirdPartyForbidden
            | Parameter::ContactRespectRefusals
            | Parameter::ChargesRequireLegalBasis
            | Parameter::VulnerabilityTrainedOnly
            | Parameter::ConflictedAgentBlocked
            | Parameter::TimeBarredNoCollection
            | Parameter::ReminderFeeNeedsAgreement
            | Parameter::FourEyes => ValueKind::Flag,
            Parameter::ContactFrequency => ValueKind::Frequency,
            Parameter::CollectionStoppedBy | Parameter::InterestFrozenBy => ValueKind::Holds,
            Parameter::Fee(_) | Parameter::FeeTotal => ValueKind::Cap,
            Parameter::FeeMaxCount(_) => ValueKind::Count,
            Parameter::FeeFactors(_) => ValueKind::Factors,
            Parameter::FeeMinDaysAfterDue(_)
            | Parameter::FeeMinDaysBetween(_)
            | Parameter::DemandDaysToPay
            | Parameter::DemandMinDaysAfterReminder => ValueKind::Days,
            Parameter::FeeMaxPercentOfPrincipal
            | Parameter::FeeTotalMaxPercentOfPrincipal
            | Parameter::InterestLateRate
            | Parameter::InterestMaxRate
            | Parameter::InterestMaxOverStatutory
            | Parameter::PlanMaxPercentOfDisposable => ValueKind::Percent,
            Parameter::InterestContractual => ValueKind::ContractualInterest,
            Parameter::PlanFeeFewInstalments => ValueKind::FewInstalments,
            Parameter::DemandFirstItems | Parameter::PaymentAllocationOrder => ValueKind::Items,
            Parameter::Limitation => ValueKind::Limitation,
            Parameter::DebtAdvice => ValueKind::Advice,
        }
    }

    /// The dotted name, as written in packs.
    pub fn name(self) -> String {
        match self {
            Parameter::Fee(kind) => format!("fee.{}", kind.as_str()),
            Parameter::FeeMaxCount(kind) => format!("fee.{}.max_count", kind.as_str()),
            Parameter::FeeMinDaysAfterDue(kind) => {
                format!("fee.{}.min_days_after_due", kind.as_str())
            }
            Parameter::FeeMinDaysBetween(kind) => format!("fee.{}.min_days_between", kind.as_str()),
            Parameter::FeeFactors(kind) => format!("fee.{}.factors", kind.as_str()),
            other => ALL_SIMPLE
                .iter()
                .find(|(_, p)| *p == other)
                .map(|(n, _)| (*n).to_owned())
                .unwrap_or_default(),
        }
    }

    /// Every parameter, for `reilu rules check`'s table.
    pub fn all() -> Vec<Parameter> {
        let mut all: Vec<Parameter> = ALL_SIMPLE.iter().map(|(_, p)| *p).collect();
        for kind in FEE_KINDS {
            all.extend([
                Parameter::Fee(kind),
                Parameter::FeeMaxCount(kind),
                Parameter::FeeMinDaysAfterDue(kind),
                Parameter::FeeMinDaysBetween(kind),
                Parameter::FeeFactors(kind),
            ]);
        }
        all.sort();
        all
    }
}

const ALL_SIMPLE: [(&str, Parameter); 29] = [
    ("contact.hours", Parameter::ContactHours),
    (
        "contact.no_public_holidays",
        Parameter::ContactNoPublicHolidays,
    ),
    ("contact.no_house_days", Parameter::ContactNoHouseDays),
    ("contact.frequency", Parameter::ContactFrequency),
    (
        "contact.third_party_forbidden",
        Parameter::ContactThirdPartyForbidden,
    ),
    (
        "contact.respect_refusals",
        Parameter::ContactRespectRefusals,
    ),
    (
        "charges.require_legal_basis",
        Parameter::ChargesRequireLegalBasis,
    ),
    ("collection.stopped_by", Parameter::CollectionStoppedBy),
    (
        "vulnerability.trained_agents_only",
        Parameter::VulnerabilityTrainedOnly,
    ),
    ("conflicts.agent_blocked", Parameter::ConflictedAgentBlocked),
    ("fee.total", Parameter::FeeTotal),
    (
        "fee.max_percent_of_principal",
        Parameter::FeeMaxPercentOfPrincipal,
    ),
    (
        "fee.total.max_percent_of_principal",
        Parameter::FeeTotalMaxPercentOfPrincipal,
    ),
    (
        "fee.payment_plan.few_instalments",
        Parameter::PlanFeeFewInstalments,
    ),
    (
        "fee.reminder.agreement_required",
        Parameter::ReminderFeeNeedsAgreement,
    ),
    ("demand.days_to_pay", Parameter::DemandDaysToPay),
    (
        "demand.min_days_after_reminder",
        Parameter::DemandMinDaysAfterReminder,
    ),
    ("demand.first.items", Parameter::DemandFirstItems),
    ("interest.late_rate", Parameter::InterestLateRate),
    ("interest.contractual", Parameter::InterestContractual),
    ("interest.max_rate", Parameter::InterestMaxRate),
    (
        "interest.max_over_statutory",
        Parameter::InterestMaxOverStatutory,
    ),
    ("interest.frozen_by", Parameter::InterestFrozenBy),
    ("limitation", Parameter::Limitation),
    (
        "limitation.no_collection_when_barred",
        Parameter::TimeBarredNoCollection,
    ),
    ("debt_advice", Parameter::DebtAdvice),
    (
        "plan.max_percent_of_disposable_income",
        Parameter::PlanMaxPercentOfDisposable,
    ),
    ("four_eyes", Parameter::FourEyes),
    (
        "payment.allocation_order",
        Parameter::PaymentAllocationOrder,
    ),
];

fn parse_fee_parameter(name: &str) -> Option<Parameter> {
    let rest = name.strip_prefix("fee.")?;
    let (kind_name, suffix) = match rest.split_once('.') {
        Some((kind, suffix)) => (kind, Some(suffix)),
        None => (rest, None),
    };
    let kind = FeeKind::parse(kind_name)?;
    match suffix {
        None => Some(Parameter::Fee(kind)),
        Some("max_count") => Some(Parameter::FeeMaxCount(kind)),
        Some("min_days_after_due") => Some(Parameter::FeeMinDaysAfterDue(kind)),
        Some("min_days_between") => Some(Parameter::FeeMinDaysBetween(kind)),
        Some("factors") => Some(Parameter::FeeFactors(kind)),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_name_parses_back_to_itself() {
        for parameter in Parameter::all() {
            assert_eq!(
                Parameter::parse(&parameter.name()),
                Some(parameter),
                "{parameter:?}"
            );
        }
        assert_eq!(
            Parameter::parse("fee.reminder"),
            Some(Parameter::Fee(FeeKind::Reminder))
        );
        assert_eq!(Parameter::parse("fee.nonsense"), None);
        assert_eq!(Parameter::parse("fee.reminder.colour"), None);
    }
}
