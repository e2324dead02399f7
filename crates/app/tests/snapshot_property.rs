//! The gate's decisions through the application equal `rules explain` on the same facts: for
//! generated histories (holds, refused channels, vulnerability, fees and contacts proposed
//! through the application at generated times), the final proposal decided on the stored case
//! is decided exactly as on a case described by hand from the history — the view a person
//! would write in a `rules explain` scenario.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use proptest::prelude::*;
use reilu_app::{App, FixedClock};
use reilu_core::{Currency, CustomerKind, MarketCode, Money};
use reilu_rules::model::*;
use reilu_rules::{ApprovedAction, Gate};
use reilu_store::test_support::stores_under_test;
use reilu_store::{Execution, SqlStore};
use reilu_vault::{MasterKey, Vault};

const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,currency,principal,invoice_date,due_date";
const ROW: &str = "FI-1,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,EUR,1000.00,2026-06-01,2026-06-15";
const CASE: i64 = 100_000;
const PRINCIPAL_MINOR: i64 = 100_000;

/// One generated step of a case's history.
#[derive(Debug, Clone)]
enum Step {
    Hold {
        kind: HoldKind,
        since_day: i64,
        length_days: Option<i64>,
    },
    Refuse(Channel),
    Vulnerable,
    Fee {
        kind: FeeKind,
        amount_minor: i64,
        minute: i64,
    },
    Contact {
        channel: Channel,
        minute: i64,
    },
}

const FEES: [FeeKind; 4] = [
    FeeKind::Reminder,
    FeeKind::Demand,
    FeeKind::RepeatDemand,
    FeeKind::CollectionCosts,
];

/// Fees fall anywhere in the history; contacts in its last ten days, in daytime, so that the
/// final proposals meet the frequency caps.
fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (0..HoldKind::ALL.len(), 0_i64..170, proptest::option::of(0_i64..60)).prop_map(
            |(kind, since_day, length_days)| Step::Hold {
                kind: HoldKind::ALL[kind],
                since_day,
                length_days,
            }
        ),
        1 => (0..Channel::ALL.len()).prop_map(|c| Step::Refuse(Channel::ALL[c])),
        1 => Just(Step::Vulnerable),
        3 => (0..FEES.len(), 1_i64..6_000, 0_i64..160 * 24 * 60).prop_map(
            |(kind, amount_minor, minute)| Step::Fee {
                kind: FEES[kind],
                amount_minor,
                minute,
            }
        ),
        4 => (0..Channel::ALL.len(), 150_i64..160, 0_i64..8 * 60).prop_map(|(c, day, minute)| {
            Step::Contact {
                channel: Channel::ALL[c],
                minute: day * 24 * 60 + minute,
            }
        }),
    ]
}

/// Day 0 of the generated history, a month after the due date.
fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-07-15T06:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"))
        .to_utc()
}

fn final_time() -> DateTime<Utc> {
    start() + Duration::days(160)
}

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::EUR)
}

/// The case as a person would describe it in a `rules explain` scenario.
struct Described {
    view: CaseView,
}

impl Described {
    fn new() -> Self {
        let due = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default();
        let zero = eur(0);
        Described {
            view: CaseView {
                market: MarketCode::parse("FI").unwrap_or_else(|e| panic!("{e}")),
                customer_kind: CustomerKind::Consumer,
                time_zone: chrono_tz::Europe::Helsinki,
                original_principal: eur(PRINCIPAL_MINOR),
                balances: Balances {
                    principal: eur(PRINCIPAL_MINOR),
                    interest: zero,
                    collection_costs: zero,
                    creditor_fees: zero,
                },
                due_date: due,
                limitation_interrupted_on: None,
                holds: Vec::new(),
                vulnerable: false,
                contact_history: Vec::new(),
                fee_history: Vec::new(),
                channels_refused: Vec::new(),
                first_demand_sent_at: None,
                plans_charged: 0,
                contractual_rate_bp: None,
                statutory_claims: true,
                interest_carry_minor_bp_days: 0,
                arose_on: None,
                reminder_fee_agreed: false,
                jurisdiction: None,
                last_reminder_sent_at: None,
                vulnerability_review_on: None,
                principal_history: vec![PrincipalChange {
                    on: due,
                    principal: eur(PRINCIPAL_MINOR),
                }],
            },
        }
    }

    /// A fee the application charged: it is owed and in the history; a reminder is the last
    /// reminder sent, the first demand the first demand sent.
    fn charged(&mut self, kind: FeeKind, amount: Money, at: DateTime<Utc>) {
        let view = &mut self.view;
        view.fee_history.push(FeeRecord { kind, amount, at });
        view.balances.collection_costs =
            eur(view.balances.collection_costs.amount_minor() + amount.amount_minor());
        match kind {
            FeeKind::Reminder => view.last_reminder_sent_at = Some(at),
            FeeKind::Demand if view.first_demand_sent_at.is_none() => {
                view.first_demand_sent_at = Some(at)
            }
            FeeKind::PaymentPlan => view.plans_charged += 1,
            _ => {}
        }
    }
}

async fn app_on(store: SqlStore) -> App<SqlStore> {
    let app = App::new(
        store,
        Vault::new(&MasterKey::generate()),
        Arc::new(FixedClock(start())),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let client = app
        .add_client_with_terms("Kauppa Oy", "FI", "FI2112345600000785", 0)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app.import_claim_file(
        &client.id,
        "t.csv",
        std::io::Cursor::new(format!("{HEADER}\n{ROW}\n").into_bytes()),
        &|_| {},
        &mut |_| Ok(()),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    app
}

/// Plays the history through the application and describes the case by hand alongside.
async fn play(app: &App<SqlStore>, steps: &[Step]) -> Described {
    let mut described = Described::new();
    let system = |at: DateTime<Utc>| Context {
        now: at,
        actor: Actor::System,
    };
    for step in steps {
        match step {
            Step::Hold {
                kind,
                since_day,
                length_days,
            } => {
                let since = start().date_naive() + Duration::days(*since_day);
                let until = length_days.map(|days| since + Duration::days(days));
                app.place_hold(CASE, *kind, Some(since), until, "generated", "prop")
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                described.view.holds.push(Hold {
                    kind: *kind,
                    since,
                    until,
                });
            }
            Step::Refuse(channel) => {
                app.refuse_channel(CASE, *channel, "prop")
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                if !described.view.channels_refused.contains(channel) {
                    described.view.channels_refused.push(*channel);
                    described
                        .view
                        .channels_refused
                        .sort_unstable_by_key(|c| c.as_str());
                }
            }
            Step::Vulnerable => {
                let review = NaiveDate::from_ymd_opt(2027, 6, 1);
                app.set_vulnerable(CASE, review, "prop")
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                described.view.vulnerable = true;
                described.view.vulnerability_review_on = review;
            }
            Step::Fee {
                kind,
                amount_minor,
                minute,
            } => {
                let at = start() + Duration::minutes(*minute);
                let proposal = Proposal::ChargeFee {
                    fee: *kind,
                    amount: eur(*amount_minor),
                };
                let proposed = app
                    .propose(CASE, &proposal, &system(at))
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                if let (Execution::Executed { .. }, Some(ApprovedAction::Fee { amount, .. })) = (
                    proposed.execution,
                    proposed.outcome.approved.as_ref().map(|a| a.action()),
                ) {
                    described.charged(*kind, *amount, at);
                }
            }
            Step::Contact { channel, minute } => {
                let at = start() + Duration::minutes(*minute);
                let proposal = Proposal::Contact {
                    channel: *channel,
                    at,
                    recipient: Recipient::Customer,
                    purpose: ContactPurpose::Payment,
                };
                let proposed = app
                    .propose(CASE, &proposal, &system(at))
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                if let (
                    Execution::Executed { .. },
                    Some(ApprovedAction::Contact { at, channel, .. }),
                ) = (
                    proposed.execution,
                    proposed.outcome.approved.as_ref().map(|a| a.action()),
                ) {
                    described.view.contact_history.push(ContactRecord {
                        at: *at,
                        channel: *channel,
                    });
                }
            }
        }
    }
    described.view.contact_history.sort_by_key(|c| c.at);
    described
}

fn final_proposals() -> Vec<Proposal> {
    let at = final_time();
    let mut proposals: Vec<Proposal> = FEES
        .iter()
        .map(|kind| Proposal::ChargeFee {
            fee: *kind,
            amount: eur(4_000),
        })
        .collect();
    proposals.extend(Channel::ALL.iter().map(|channel| Proposal::Contact {
        channel: *channel,
        at,
        recipient: Recipient::Customer,
        purpose: ContactPurpose::Payment,
    }));
    proposals
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn decisions_on_the_stored_case_equal_decisions_on_the_described_case(
        steps in proptest::collection::vec(step(), 0..12),
        trained in any::<bool>(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()
            .unwrap_or_else(|e| panic!("{e}"));
        runtime.block_on(async {
            for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
                let app = app_on(test.store.clone()).await;
                let described = play(&app, &steps).await;
                let gate: &Gate = &app.gate;
                let context = Context {
                    now: final_time(),
                    actor: Actor::Agent { id: "a".into(), vulnerability_trained: trained, conflicted: false },
                };
                let snapshot = app.snapshot(CASE).await.unwrap_or_else(|e| panic!("{e}"));
                for proposal in final_proposals() {
                    let stored = app.decide(CASE, &proposal, &context).await.unwrap_or_else(|e| panic!("{e}"));
                    let by_hand = gate.decide(&proposal, &described.view, &context);
                    prop_assert_eq!(
                        serde_json::to_value(stored.decision()).ok(),
                        serde_json::to_value(&by_hand.decision).ok(),
                        "{}: {:?} on {:?}\nstored view {:?}",
                        test.backend_name, proposal, steps, snapshot.view
                    );
                    prop_assert_eq!(
                        stored.approved().map(|a| a.action().clone()),
                        by_hand.approved.as_ref().map(|a| a.action().clone())
                    );
                }
            }
            Ok(())
        })?;
    }
}
