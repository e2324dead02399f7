//! What the gate is asked: a proposal, the case as the rules need to see it, and the context.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use reilu_core::{CustomerKind, MarketCode, Money};
use serde::{Deserialize, Serialize};

/// The ten principles for treating customers fairly; every reason names the one it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Principle {
    Law = 1,
    HonestyConfidentiality = 2,
    DueCare = 3,
    FairRespectfulPrivate = 4,
    ProportionateCosts = 5,
    ClearInformation = 6,
    ConflictsOfInterest = 7,
    SuitableAdvice = 8,
    ClientMoney = 9,
    VulnerableCustomers = 10,
}

impl Principle {
    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(number: u8) -> Option<Self> {
        use Principle::*;
        [
            Law,
            HonestyConfidentiality,
            DueCare,
            FairRespectfulPrivate,
            ProportionateCosts,
            ClearInformation,
            ConflictsOfInterest,
            SuitableAdvice,
            ClientMoney,
            VulnerableCustomers,
        ]
        .into_iter()
        .find(|principle| principle.number() == number)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Letter,
    Email,
    Sms,
    Phone,
    Visit,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Letter,
        Channel::Email,
        Channel::Sms,
        Channel::Phone,
        Channel::Visit,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Channel::ALL
            .into_iter()
            .find(|channel| channel.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Letter => "letter",
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Phone => "phone",
            Channel::Visit => "visit",
        }
    }
}

/// Anything that stops or limits collection on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldKind {
    Dispute,
    Complaint,
    VulnerabilityPause,
    BreathingSpace,
    MentalHealthCrisis,
    Death,
    Insolvency,
}

impl HoldKind {
    pub const ALL: [HoldKind; 7] = [
        HoldKind::Dispute,
        HoldKind::Complaint,
        HoldKind::VulnerabilityPause,
        HoldKind::BreathingSpace,
        HoldKind::MentalHealthCrisis,
        HoldKind::Death,
        HoldKind::Insolvency,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        HoldKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HoldKind::Dispute => "dispute",
            HoldKind::Complaint => "complaint",
            HoldKind::VulnerabilityPause => "vulnerability_pause",
            HoldKind::BreathingSpace => "breathing_space",
            HoldKind::MentalHealthCrisis => "mental_health_crisis",
            HoldKind::Death => "death",
            HoldKind::Insolvency => "insolvency",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub kind: HoldKind,
    pub since: NaiveDate,
    /// None while it runs with no set end.
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

impl Hold {
    pub fn is_active(&self, on: NaiveDate) -> bool {
        self.since <= on && self.until.is_none_or(|until| on <= until)
    }
}

/// Who a contact reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    Customer,
    /// Anyone else: a relative, an employer, a neighbour.
    ThirdParty,
}

/// What a contact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactPurpose {
    /// Asking for payment: reminders, demands, collection calls.
    Payment,
    /// Answering the customer, confirming a plan, telling them of a change; never pressing.
    Service,
}

/// The fees collection law distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    Reminder,
    Demand,
    RepeatDemand,
    PaymentPlan,
    CollectionCosts,
    BusinessCompensation,
}

impl FeeKind {
    pub const ALL: [FeeKind; 6] = [
        FeeKind::Reminder,
        FeeKind::Demand,
        FeeKind::RepeatDemand,
        FeeKind::PaymentPlan,
        FeeKind::CollectionCosts,
        FeeKind::BusinessCompensation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FeeKind::Reminder => "reminder",
            FeeKind::Demand => "demand",
            FeeKind::RepeatDemand => "repeat_demand",
            FeeKind::PaymentPlan => "payment_plan",
            FeeKind::CollectionCosts => "collection_costs",
            FeeKind::BusinessCompensation => "business_compensation",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        FeeKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// A past contact attempt, for frequency caps. Letters count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecord {
    pub at: DateTime<Utc>,
    pub channel: Channel,
}

/// A fee already charged on the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeRecord {
    pub kind: FeeKind,
    pub amount: Money,
    pub at: DateTime<Utc>,
}

/// What the customer owes, by component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balances {
    pub principal: Money,
    pub interest: Money,
    pub collection_costs: Money,
    pub creditor_fees: Money,
}

/// The customer's income and expense statement, monthly, for suitable payment plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeExpense {
    pub monthly_income: Money,
    pub monthly_expenses: Money,
    #[serde(default)]
    pub dependants: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    pub due: NaiveDate,
    pub amount: Money,
}

/// The case as the rules see it: no personal data, only what decisions need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub market: MarketCode,
    pub customer_kind: CustomerKind,
    /// The customer's IANA time zone: contact windows are the customer's local time.
    pub time_zone: Tz,
    /// The original principal, which sets fee brackets.
    pub original_principal: Money,
    pub balances: Balances,
    /// The earliest due date of the case's claims: claim age and limitation count from it.
    pub due_date: NaiveDate,
    /// The last event that interrupted limitation (a demand received, an acknowledgement).
    #[serde(default)]
    pub limitation_interrupted_on: Option<NaiveDate>,
    #[serde(default)]
    pub holds: Vec<Hold>,
    /// A vulnerability flag is set (health, life event, low financial literacy, …).
    #[serde(default)]
    pub vulnerable: bool,
    #[serde(default)]
    pub contact_history: Vec<ContactRecord>,
    #[serde(default)]
    pub fee_history: Vec<FeeRecord>,
    /// Channels the customer asked not to be contacted on, or never consented to.
    #[serde(default)]
    pub channels_refused: Vec<Channel>,
    /// When the first payment demand (collection letter) was sent, if it was.
    #[serde(default)]
    pub first_demand_sent_at: Option<DateTime<Utc>>,
    /// Payment plans already charged for.
    #[serde(default)]
    pub plans_charged: u32,
    /// The yearly interest rate agreed in the claim's contract, in basis points (the claim
    /// file's `interest_rate_pct`); None when no claim carries one and the statutory late rate
    /// applies. Whether it is charged, and up to what, is for the market's law and the house
    /// caps (`interest.contractual`, `interest.max_rate`, `interest.max_over_statutory`). For
    /// a case of several claims it is the lowest of their rates; see `statutory_claims`.
    #[serde(default)]
    pub contractual_rate_bp: Option<u32>,
    /// Some claim of the case carries no contractual rate, so the statutory rate is its rate.
    /// Interest runs on the case's whole principal, so each day the lower of the statutory
    /// and the contractual outcome is charged: no claim pays more than its own terms allow.
    #[serde(default)]
    pub statutory_claims: bool,
    /// What rounding left over at the case's last interest accrual, in principal minor units
    /// × basis points × days (from the accrual record); added to the next accrual so that
    /// interest accrued day by day adds up to what one accrual over the days would give.
    #[serde(default)]
    pub interest_carry_minor_bp_days: i64,
    /// When the debt arose (the earliest of the case's claims), where the client's file says
    /// so; some markets count limitation from it rather than from the due date (SE).
    #[serde(default)]
    pub arose_on: Option<NaiveDate>,
    /// Every claim of the case says a reminder fee was agreed when the debt arose (SE: lag
    /// 1981:739 § 2 allows a reminder fee only then).
    #[serde(default)]
    pub reminder_fee_agreed: bool,
    /// The part of the market whose law applies where it differs inside the market, as an
    /// ISO 3166-2 code (GB: `GB-SCT` Scotland, `GB-NIR` Northern Ireland, `GB-ENG`/`GB-WLS`
    /// England and Wales); None when not known.
    #[serde(default)]
    pub jurisdiction: Option<String>,
    /// When the last payment reminder was sent, if one was.
    #[serde(default)]
    pub last_reminder_sent_at: Option<DateTime<Utc>>,
    /// When the vulnerability flag is next to be reviewed (set with the flag).
    #[serde(default)]
    pub vulnerability_review_on: Option<NaiveDate>,
    /// The principal owed as it changed, oldest first: each entry holds from its day until
    /// the next. Interest for past days runs on the principal as it stood on each day; an
    /// empty history means `balances.principal` throughout.
    #[serde(default)]
    pub principal_history: Vec<PrincipalChange>,
}

/// From `on` (inclusive), the case's principal owed was `principal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalChange {
    pub on: NaiveDate,
    pub principal: Money,
}

/// Who proposes the action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// The daily run or another automatic workflow.
    System,
    Agent {
        id: String,
        #[serde(default)]
        vulnerability_trained: bool,
        /// The agent declared a conflict of interest on this case.
        #[serde(default)]
        conflicted: bool,
    },
}

/// When and by whom: the gate reads no clock of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    pub now: DateTime<Utc>,
    pub actor: Actor,
}

/// An action someone or something wants to take on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Proposal {
    Contact {
        channel: Channel,
        at: DateTime<Utc>,
        recipient: Recipient,
        purpose: ContactPurpose,
    },
    ChargeFee {
        fee: FeeKind,
        amount: Money,
    },
    AccrueInterest {
        from: NaiveDate,
        to: NaiveDate,
    },
    OfferPaymentPlan {
        instalments: Vec<Instalment>,
        #[serde(default)]
        statement: Option<IncomeExpense>,
        setup_fee: Money,
    },
    AcceptPaymentPlan {
        instalments: Vec<Instalment>,
        #[serde(default)]
        statement: Option<IncomeExpense>,
        setup_fee: Money,
    },
    EscalateToLegal {
        #[serde(default)]
        second_approver: Option<String>,
    },
    SellDebt {
        buyer: String,
    },
    WriteOff {
        amount: Money,
        #[serde(default)]
        second_approver: Option<String>,
    },
    Waive {
        amount: Money,
    },
}

impl Proposal {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Proposal::Contact { .. } => "contact",
            Proposal::ChargeFee { .. } => "charge_fee",
            Proposal::AccrueInterest { .. } => "accrue_interest",
            Proposal::OfferPaymentPlan { .. } => "offer_payment_plan",
            Proposal::AcceptPaymentPlan { .. } => "accept_payment_plan",
            Proposal::EscalateToLegal { .. } => "escalate_to_legal",
            Proposal::SellDebt { .. } => "sell_debt",
            Proposal::WriteOff { .. } => "write_off",
            Proposal::Waive { .. } => "waive",
        }
    }
}
