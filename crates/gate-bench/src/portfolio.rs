//! A seeded synthetic portfolio: cases across markets with holds, vulnerability flags, contact
//! and fee histories, and a realistic mix of proposals on them. The same seed gives the same
//! portfolio, so runs and the agreement test are reproducible.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rand::Rng;
use rand::distributions::WeightedIndex;
use rand::prelude::Distribution;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use reilu_core::{CustomerKind, MarketCode, Markets};
use reilu_rules::Gate;
use reilu_rules::model::{
    Actor, Balances, CaseView, ContactRecord, Context, FeeKind, FeeRecord, Hold, HoldKind, Proposal,
};

use crate::proposals::{
    actor, channel, contact, escalation, fee, interest, money, plan, trained_agent, waiver,
};

/// Markets and their share of cases: the encoded Nordic and German packs, then markets where
/// only the house policy applies.
const MARKET_MIX: [(&str, u32); 11] = [
    ("FI", 22),
    ("SE", 14),
    ("NO", 10),
    ("DK", 8),
    ("DE", 14),
    ("NL", 10),
    ("GB", 10),
    ("AT", 3),
    ("FR", 3),
    ("PL", 3),
    ("ES", 3),
];

const HOLD_KINDS: [HoldKind; 7] = [
    HoldKind::Dispute,
    HoldKind::Complaint,
    HoldKind::VulnerabilityPause,
    HoldKind::BreathingSpace,
    HoldKind::MentalHealthCrisis,
    HoldKind::Death,
    HoldKind::Insolvency,
];

/// What a proposal is, for the per-kind breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Contact,
    Fee,
    Interest,
    Plan,
    Escalation,
    Waiver,
}

impl JobKind {
    pub const ALL: [JobKind; 6] = [
        JobKind::Contact,
        JobKind::Fee,
        JobKind::Interest,
        JobKind::Plan,
        JobKind::Escalation,
        JobKind::Waiver,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Contact => "contact",
            JobKind::Fee => "fee",
            JobKind::Interest => "interest",
            JobKind::Plan => "payment_plan",
            JobKind::Escalation => "escalation",
            JobKind::Waiver => "waiver_write_off",
        }
    }
}

/// One decision to make: a proposal on a case, with its context.
#[derive(Debug, Clone)]
pub struct Job {
    pub case: usize,
    pub kind: JobKind,
    pub proposal: Proposal,
    pub context: Context,
}

#[derive(Debug)]
pub struct Portfolio {
    pub cases: Vec<CaseView>,
    /// The case's id as the rest of Reilu would hold it (Cedar needs an entity id).
    pub case_ids: Vec<String>,
    /// Per case, the instant its history runs up to; its proposals come after it.
    anchors: Vec<DateTime<Utc>>,
    pub jobs: Vec<Job>,
}

impl Portfolio {
    /// `cases` cases and `decisions` proposals on them, from `seed`.
    pub fn generate(
        gate: &Gate,
        cases: usize,
        decisions: usize,
        seed: u64,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(cases > 0, "the portfolio needs at least one case");
        let markets = Markets::builtin()?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let weights = WeightedIndex::new(MARKET_MIX.iter().map(|(_, weight)| *weight))?;
        let mut portfolio = Portfolio {
            cases: Vec::with_capacity(cases),
            case_ids: Vec::with_capacity(cases),
            anchors: Vec::with_capacity(cases),
            jobs: Vec::with_capacity(decisions),
        };
        for index in 0..cases {
            let code = MARKET_MIX[weights.sample(&mut rng)].0;
            let market = markets.get(code)?;
            let zone = market.time_zones[rng.gen_range(0..market.time_zones.len())];
            let anchor = anchor(gate, &mut rng, code, zone);
            portfolio
                .cases
                .push(case(&mut rng, market.code, market.currency, zone, anchor));
            portfolio.case_ids.push(format!("case-{index:06}"));
            portfolio.anchors.push(anchor);
        }
        for _ in 0..decisions {
            let job = portfolio.job(&mut rng);
            portfolio.jobs.push(job);
        }
        Ok(portfolio)
    }

    /// The indices of the contact jobs.
    pub fn contact_jobs(&self) -> Vec<usize> {
        self.jobs
            .iter()
            .enumerate()
            .filter(|(_, job)| job.kind == JobKind::Contact)
            .map(|(index, _)| index)
            .collect()
    }

    fn job(&self, rng: &mut ChaCha8Rng) -> Job {
        let index = rng.gen_range(0..self.cases.len());
        let case = &self.cases[index];
        // Proposals come up to a day and a half after the history ends.
        let now = self.anchors[index] + Duration::minutes(rng.gen_range(0..36 * 60));
        let today = now.with_timezone(&case.time_zone).date_naive();
        let roll = rng.gen_range(0..1000);
        let (kind, proposal, actor) = match roll {
            0..600 => (JobKind::Contact, contact(rng, now), actor(rng)),
            600..800 => (JobKind::Fee, fee(rng, case), Actor::System),
            800..900 => (JobKind::Interest, interest(rng, today), Actor::System),
            900..950 => (JobKind::Plan, plan(rng, case, today), trained_agent(rng)),
            950..975 => (JobKind::Escalation, escalation(rng), trained_agent(rng)),
            _ => (JobKind::Waiver, waiver(rng, case), trained_agent(rng)),
        };
        Job {
            case: index,
            kind,
            proposal,
            context: Context { now, actor },
        }
    }
}

/// When the case's history ends: any time in 2026, and for one case in eight the morning of a
/// public holiday or house no-contact day of its market, so the day rules are exercised.
fn anchor(gate: &Gate, rng: &mut ChaCha8Rng, market: &str, zone: Tz) -> DateTime<Utc> {
    let start = DateTime::<Utc>::from_timestamp(1_767_225_600, 0).unwrap_or_default(); // 2026-01-01
    let anchor = start + Duration::seconds(rng.gen_range(0..365 * 86_400));
    if rng.gen_ratio(7, 8) {
        return anchor;
    }
    let mut date = anchor.with_timezone(&zone).date_naive();
    for _ in 0..366 {
        if gate.calendars().kind_of(market, date).is_some() {
            let time = NaiveTime::from_hms_opt(rng.gen_range(5..12), rng.gen_range(0..60), 0)
                .unwrap_or(NaiveTime::MIN);
            return local_instant(zone, date, time).unwrap_or(anchor);
        }
        date += Duration::days(1);
    }
    anchor
}

fn local_instant(zone: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|instant| instant.with_timezone(&Utc))
}

fn case(
    rng: &mut ChaCha8Rng,
    market: MarketCode,
    currency: reilu_core::Currency,
    zone: Tz,
    anchor: DateTime<Utc>,
) -> CaseView {
    // Spread principals over three orders of magnitude, 20 to 20,000 in major units.
    let principal_minor = (2_000.0 * 10f64.powf(rng.gen_range(0.0..3.0))).round() as i64;
    let share = |rng: &mut ChaCha8Rng, bp: i64| principal_minor * rng.gen_range(0..=bp) / 10_000;
    let balances = Balances {
        principal: money(currency, principal_minor),
        interest: money(currency, share(rng, 1_000)),
        collection_costs: money(currency, share(rng, 500)),
        creditor_fees: money(currency, share(rng, 200)),
    };
    let anchor_date = anchor.with_timezone(&zone).date_naive();
    // Well inside every limitation period (three years at the shortest), so no contact is
    // refused as time-barred: the Cedar policies do not model limitation.
    let due_date = anchor_date - Duration::days(rng.gen_range(30..600));
    let history = (0..rng.gen_range(0..=5))
        .map(|_| ContactRecord {
            at: anchor - Duration::minutes(rng.gen_range(1..10 * 24 * 60)),
            channel: channel(rng),
        })
        .collect();
    let fees = (0..rng.gen_range(0..=3))
        .map(|n| FeeRecord {
            kind: if n == 0 {
                FeeKind::Reminder
            } else {
                FeeKind::Demand
            },
            amount: money(currency, rng.gen_range(300..2_000)),
            at: anchor - Duration::days(rng.gen_range(10..120)),
        })
        .collect();
    CaseView {
        market,
        customer_kind: if rng.gen_ratio(17, 20) {
            CustomerKind::Consumer
        } else {
            CustomerKind::Business
        },
        time_zone: zone,
        original_principal: balances.principal,
        balances,
        due_date,
        limitation_interrupted_on: None,
        holds: holds(rng, due_date, anchor_date),
        vulnerable: rng.gen_ratio(2, 25),
        contact_history: history,
        fee_history: fees,
        channels_refused: if rng.gen_ratio(3, 50) {
            vec![channel(rng)]
        } else {
            Vec::new()
        },
        first_demand_sent_at: rng
            .gen_ratio(7, 10)
            .then(|| anchor - Duration::days(rng.gen_range(5..90))),
        plans_charged: rng.gen_range(0..=1),
        contractual_rate_bp: None,
        statutory_claims: false,
        interest_carry_minor_bp_days: 0,
        arose_on: None,
        reminder_fee_agreed: false,
        jurisdiction: None,
        last_reminder_sent_at: None,
        vulnerability_review_on: None,
        principal_history: Vec::new(),
    }
}

/// One case in eight has a hold; a third of those ended before the proposals.
fn holds(rng: &mut ChaCha8Rng, due: NaiveDate, today: NaiveDate) -> Vec<Hold> {
    if !rng.gen_ratio(1, 8) {
        return Vec::new();
    }
    let kind = HOLD_KINDS[rng.gen_range(0..HOLD_KINDS.len())];
    let since = due + Duration::days(rng.gen_range(1..20));
    let until = match rng.gen_range(0..3) {
        0 => Some(today - Duration::days(rng.gen_range(1..10))),
        1 => Some(today + Duration::days(rng.gen_range(5..60))),
        _ => None,
    };
    vec![Hold {
        kind,
        since,
        until: until.map(|until| until.max(since)),
    }]
}
