//! The gate through the application: every denial path decided on the case as stored (holds,
//! flags, contact and fee history), approvals carried out once, and stale approvals refused —
//! on SQLite and (with REILU_TEST_DATABASE_URL) PostgreSQL.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use reilu_app::payments::IncomingPayment;
use reilu_app::payments::source_fn;
use reilu_app::{App, FixedClock};
use reilu_core::{Currency, Money};
use reilu_rules::model::{
    Actor, Channel, ContactPurpose, Context, FeeKind, HoldKind, Proposal, Recipient,
};
use reilu_rules::{ApprovedAction, DecisionId, Verdict};
use reilu_store::test_support::stores_under_test;
use reilu_store::{BankEntryRecord, Execution, SqlStore, Store};
use reilu_vault::{MasterKey, Vault};

const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,currency,principal,invoice_date,due_date";
/// Case 100000: FI, €1,000; 100001: DK; 100002: FI, €20 (the house's total cap is €10).
const ROWS: &str = "\
FI-1,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,EUR,1000.00,2026-09-01,2026-09-15
DK-1,DK,consumer,110956-2604,Hanne Jensen,Østergade 39,5145,Odense,DKK,2530.88,2025-08-24,2025-09-07
FI-2,FI,consumer,061257-783H,Aino Heikkinen,Aleksanterinkatu 112,20670,Turku,EUR,20.00,2026-09-01,2026-09-15
";
const BANK: &str = "FI2112345600000785";

async fn app_on(store: SqlStore) -> App<SqlStore> {
    let now = at("2026-11-25T10:00:00Z");
    let app = App::new(
        store,
        Vault::new(&MasterKey::generate()),
        Arc::new(FixedClock(now)),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    app.configure_demo_accounts()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = app
        .add_client_with_terms("Kauppa Oy", "FI", BANK, 0)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let summary = app
        .import_claim_file(
            &client.id,
            "t.csv",
            std::io::Cursor::new(format!("{HEADER}\n{ROWS}").into_bytes()),
            &|_| {},
            &mut |_| Ok(()),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.accepted, 3, "{summary:?}");
    app
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .to_utc()
}

fn system_at(text: &str) -> Context {
    Context {
        now: at(text),
        actor: Actor::System,
    }
}

fn fee(kind: FeeKind, minor: i64, currency: Currency) -> Proposal {
    Proposal::ChargeFee {
        fee: kind,
        amount: Money::from_minor(minor, currency),
    }
}

fn contact(channel: Channel, when: &str) -> Proposal {
    Proposal::Contact {
        channel,
        at: at(when),
        recipient: Recipient::Customer,
        purpose: ContactPurpose::Payment,
    }
}

async fn propose(
    app: &App<SqlStore>,
    case: i64,
    proposal: &Proposal,
    context: &Context,
) -> reilu_app::decisions::Proposed {
    app.propose(case, proposal, context)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The rule keys that denied a decision.
fn denied_by(proposed: &reilu_app::decisions::Proposed) -> Vec<&'static str> {
    proposed
        .outcome
        .decision
        .denials()
        .map(|reason| reason.message_key)
        .collect()
}

async fn costs_owed(app: &App<SqlStore>, case: i64) -> i64 {
    app.store()
        .balances(&format!("receivable:{case}:collection_costs"))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .first()
        .map_or(0, |(_, _, minor)| *minor)
}

async fn assert_ledger_clean(app: &App<SqlStore>, backend: &str) {
    let check = app
        .store()
        .check_ledger()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check.problems, Vec::<String>::new(), "{backend}");
}

#[tokio::test]
async fn a_fee_on_a_disputed_case_is_denied_until_the_dispute_is_released() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        let since = NaiveDate::from_ymd_opt(2026, 11, 20);
        app.place_hold(
            100_000,
            HoldKind::Dispute,
            since,
            None,
            "disputes the amount",
            "agent-1",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let reminder = fee(FeeKind::Reminder, 500, Currency::EUR);
        let context = system_at("2026-11-25T10:00:00Z");
        let denied = propose(&app, 100_000, &reminder, &context).await;
        assert_eq!(denied.execution, Execution::Denied, "{}", test.backend_name);
        assert!(
            denied_by(&denied).contains(&"collection.hold"),
            "{:?}",
            denied.outcome
        );
        assert_eq!(costs_owed(&app, 100_000).await, 0);
        let record = app
            .case_record(100_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let hold_id = record.facts.holds[0].id;
        app.release_hold(100_000, hold_id, None, "claim confirmed", "agent-1")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let allowed = propose(&app, 100_000, &reminder, &context).await;
        assert!(allowed.posting_id().is_some(), "{:?}", allowed.outcome);
        assert_eq!(costs_owed(&app, 100_000).await, 500);
        assert_ledger_clean(&app, test.backend_name).await;
    }
}

#[tokio::test]
async fn the_fourth_danish_reminder_is_denied_from_the_stored_fee_history() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        let reminder = fee(
            FeeKind::Reminder,
            10_000,
            Currency::parse("DKK").unwrap_or_else(|e| panic!("{e}")),
        );
        for day in ["2025-10-01", "2025-10-13", "2025-10-27"] {
            let context = system_at(&format!("{day}T09:00:00Z"));
            let charged = propose(&app, 100_001, &reminder, &context).await;
            assert!(
                charged.posting_id().is_some(),
                "{day}: {:?}",
                charged.outcome
            );
        }
        let fourth = propose(&app, 100_001, &reminder, &system_at("2025-11-10T09:00:00Z")).await;
        assert_eq!(fourth.execution, Execution::Denied, "{}", test.backend_name);
        assert!(
            denied_by(&fourth).contains(&"fee.count_reached"),
            "{:?}",
            fourth.outcome
        );
        assert_eq!(costs_owed(&app, 100_001).await, 30_000);
    }
}

#[tokio::test]
async fn costs_beyond_the_total_cap_are_not_charged() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        // House policy: all collection costs together at most half the principal (€10).
        let reminder = propose(
            &app,
            100_002,
            &fee(FeeKind::Reminder, 500, Currency::EUR),
            &system_at("2026-10-01T09:00:00Z"),
        )
        .await;
        assert!(reminder.posting_id().is_some(), "{:?}", reminder.outcome);
        let demand = propose(
            &app,
            100_002,
            &fee(FeeKind::Demand, 1_400, Currency::EUR),
            &system_at("2026-10-20T09:00:00Z"),
        )
        .await;
        assert_eq!(
            demand.outcome.decision.verdict,
            Verdict::AllowWithChanges,
            "{:?}",
            demand.outcome
        );
        assert_eq!(
            costs_owed(&app, 100_002).await,
            1_000,
            "{}",
            test.backend_name
        );
        let repeat = propose(
            &app,
            100_002,
            &fee(FeeKind::RepeatDemand, 700, Currency::EUR),
            &system_at("2026-11-10T09:00:00Z"),
        )
        .await;
        assert_eq!(repeat.execution, Execution::Denied, "{:?}", repeat.outcome);
        assert!(
            denied_by(&repeat).contains(&"fee.total_reached"),
            "{:?}",
            repeat.outcome
        );
        assert_eq!(costs_owed(&app, 100_002).await, 1_000);
    }
}

#[tokio::test]
async fn contact_beyond_the_frequency_cap_after_earlier_contacts_is_denied() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        // House policy: at most three attempts in seven days. Monday to Wednesday, noon in
        // Helsinki.
        for when in [
            "2026-11-23T10:00:00Z",
            "2026-11-24T10:00:00Z",
            "2026-11-25T10:00:00Z",
        ] {
            let sent = propose(
                &app,
                100_000,
                &contact(Channel::Email, when),
                &system_at(when),
            )
            .await;
            assert_eq!(
                sent.execution,
                Execution::Executed { posting_id: None },
                "{when}: {:?}",
                sent.outcome
            );
        }
        // The fourth is not sent now: the gate moves it past the week of the first one.
        let when = "2026-11-26T10:00:00Z";
        let fourth = propose(
            &app,
            100_000,
            &contact(Channel::Email, when),
            &system_at(when),
        )
        .await;
        assert_eq!(
            fourth.outcome.decision.verdict,
            Verdict::AllowWithChanges,
            "{}: {:?}",
            test.backend_name,
            fourth.outcome
        );
        assert!(
            fourth
                .outcome
                .decision
                .reasons
                .iter()
                .any(|r| r.rule_id.as_ref() == "HOUSE-contact-frequency"),
            "{:?}",
            fourth.outcome
        );
        let moved_to = match fourth.outcome.approved.as_ref().map(|a| a.action()) {
            Some(ApprovedAction::Contact { at: moved, .. }) => *moved,
            other => panic!("{other:?}"),
        };
        assert!(moved_to > at("2026-11-30T10:00:00Z"), "{moved_to}");
        let record = app
            .case_record(100_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let last = record.facts.contacts.last().map(|c| c.at_ms);
        assert_eq!(
            (record.facts.contacts.len(), last),
            (4, Some(moved_to.timestamp_millis()))
        );
    }
}

#[tokio::test]
async fn a_refused_channel_is_not_used() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        app.refuse_channel(100_000, Channel::Sms, "agent-1")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let when = "2026-11-25T10:00:00Z";
        let sms = propose(
            &app,
            100_000,
            &contact(Channel::Sms, when),
            &system_at(when),
        )
        .await;
        assert_eq!(sms.execution, Execution::Denied, "{}", test.backend_name);
        let email = propose(
            &app,
            100_000,
            &contact(Channel::Email, when),
            &system_at(when),
        )
        .await;
        assert!(
            matches!(email.execution, Execution::Executed { .. }),
            "{:?}",
            email.outcome
        );
        // Refusing again changes nothing, and says so.
        let again = app
            .refuse_channel(100_000, Channel::Sms, "agent-1")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!again.changed);
    }
}

#[tokio::test]
async fn a_vulnerable_customer_is_contacted_only_by_a_trained_agent() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        app.set_vulnerable(100_000, NaiveDate::from_ymd_opt(2027, 2, 1), "agent-1")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let when = "2026-11-25T10:00:00Z";
        let agent = |trained: bool| Context {
            now: at(when),
            actor: Actor::Agent {
                id: "agent-2".into(),
                vulnerability_trained: trained,
                conflicted: false,
            },
        };
        let call = contact(Channel::Phone, when);
        let untrained = propose(&app, 100_000, &call, &agent(false)).await;
        assert_eq!(
            untrained.execution,
            Execution::Denied,
            "{}",
            test.backend_name
        );
        let trained = propose(&app, 100_000, &call, &agent(true)).await;
        assert!(
            matches!(trained.execution, Execution::Executed { .. }),
            "{:?}",
            trained.outcome
        );
    }
}

#[tokio::test]
async fn a_replayed_approval_is_carried_out_once() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        let context = system_at("2026-11-25T10:00:00Z");
        let reminder = fee(FeeKind::Reminder, 500, Currency::EUR);
        let id = || DecisionId::parse("retry-key-1").unwrap_or_else(|| panic!("id"));
        let first = app
            .decide_with_id(100_000, &reminder, &context, id())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let done = app
            .execute(first, &context)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(done.posting_id().is_some());
        // The same decision again (a retried request): decided anew, carried out never.
        let replay = app
            .decide_with_id(100_000, &reminder, &context, id())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let again = app
            .execute(replay, &context)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            again.execution,
            Execution::AlreadyRecorded,
            "{}",
            test.backend_name
        );
        assert_eq!(costs_owed(&app, 100_000).await, 500);
        assert_ledger_clean(&app, test.backend_name).await;
    }
}

#[tokio::test]
async fn an_approval_is_refused_when_the_case_moved_on() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        let context = system_at("2026-11-25T10:00:00Z");
        let reminder = fee(FeeKind::Reminder, 500, Currency::EUR);
        // A hold placed between the decision and its execution.
        let before_hold = app
            .decide(100_000, &reminder, &context)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(before_hold.approved().is_some());
        app.place_hold(
            100_000,
            HoldKind::Dispute,
            None,
            None,
            "disputes the claim",
            "agent-1",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let stale = app
            .execute(before_hold, &context)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            matches!(stale.execution, Execution::Stale { .. }),
            "{}",
            test.backend_name
        );
        // A payment booked between the decision and its execution.
        let before_payment = app
            .decide(100_002, &reminder, &context)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(before_payment.approved().is_some());
        let rf = reilu_formats::reference::for_case("FI", 100_002).rf;
        let paid = app
            .import_payments(source_fn(move |sink| {
                [payment("P-1", 1_000, rf.clone())]
                    .into_iter()
                    .try_for_each(&mut *sink)
            }))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(paid.matched, 1);
        let stale = app
            .execute(before_payment, &context)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            matches!(stale.execution, Execution::Stale { .. }),
            "{}",
            test.backend_name
        );
        assert_eq!(
            costs_owed(&app, 100_000).await + costs_owed(&app, 100_002).await,
            0
        );
        // Decided again on the case as it is now, the dispute stops it.
        let again = propose(&app, 100_000, &reminder, &context).await;
        assert_eq!(again.execution, Execution::Denied);
        assert_ledger_clean(&app, test.backend_name).await;
    }
}

fn payment(reference: &str, amount_minor: i64, structured: String) -> IncomingPayment {
    IncomingPayment {
        payer: None,
        record: BankEntryRecord {
            payer_sealed: None,
            account_iban: BANK.into(),
            bank_reference: reference.into(),
            message_id: "CAMT-1".into(),
            direction: "credit".into(),
            reversal: false,
            amount_minor,
            currency: "EUR".into(),
            booking_date: Some("2026-11-24".into()),
            structured_reference: Some(structured),
            unstructured: String::new(),
            unstructured_sealed: None,
            end_to_end_id: Some(format!("E2E-{reference}")),
        },
        credit: true,
        returned: false,
        return_reason: None,
        unstructured_lines: Vec::new(),
    }
}

/// The daily run's chain: a fee decided on the case as its letter leaves it is carried out
/// with the letter, in one transaction, and never without it — even when something else moved
/// the case by exactly one version meanwhile; the step is recorded with the letter, once.
#[tokio::test]
async fn a_fee_chained_on_its_letter_goes_only_with_it() {
    use reilu_rules::model::ContactRecord;
    use reilu_store::{Effects, StepDone};
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        let markets = reilu_core::Markets::builtin().unwrap_or_else(|e| panic!("{e}"));
        let gate = reilu_rules::Gate::builtin(&markets).unwrap_or_else(|e| panic!("{e}"));
        let context = system_at("2026-11-25T09:00:00Z");
        let eur = Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}"));
        let step = |id: &str| StepDone {
            strategy: "fi".into(),
            path: "consumer".into(),
            variant: None,
            step_id: id.into(),
            done_on: "2026-11-25".into(),
        };
        let letter_then_fee = |snapshot: reilu_rules::CaseSnapshot, step_id: &str| {
            let letter = gate.decide_case(
                &contact(Channel::Letter, "2026-11-25T10:00:00Z"),
                &snapshot,
                &context,
                new_id(),
            );
            let mut after = snapshot;
            after.view.contact_history.push(ContactRecord {
                at: at("2026-11-25T10:00:00Z"),
                channel: Channel::Letter,
            });
            after.version += 1;
            let reminder = gate.decide_case(
                &fee(FeeKind::Reminder, 500, eur),
                &after,
                &context,
                new_id(),
            );
            vec![
                (
                    letter,
                    Effects {
                        step: Some(step(step_id)),
                        ..Effects::default()
                    },
                ),
                (
                    reminder,
                    Effects {
                        after: Some(0),
                        ..Effects::default()
                    },
                ),
            ]
        };

        // Something else moves the case by one version between the read and the write: the
        // letter is stale, and so is its fee, though the fee's version now matches the case's.
        let snapshot = app
            .snapshot(100_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let batch = letter_then_fee(snapshot, "reminder");
        let other = propose(
            &app,
            100_000,
            &contact(Channel::Email, "2026-11-25T11:00:00Z"),
            &context,
        )
        .await;
        assert!(
            matches!(other.execution, Execution::Executed { .. }),
            "{other:?}"
        );
        let executions = app
            .store()
            .execute_with(batch, "system", 0)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            executions
                .iter()
                .all(|e| matches!(e, Execution::Stale { .. })),
            "{}: {executions:?}",
            test.backend_name
        );
        assert_eq!(costs_owed(&app, 100_000).await, 0);

        // On the case as it is: the letter and its fee together, the step recorded once.
        let snapshot = app
            .snapshot(100_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let batch = letter_then_fee(snapshot, "reminder");
        let executions = app
            .store()
            .execute_with(batch, "system", 0)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            executions
                .iter()
                .all(|e| matches!(e, Execution::Executed { .. })),
            "{}: {executions:?}",
            test.backend_name
        );
        assert_eq!(costs_owed(&app, 100_000).await, 500);
        let steps = app
            .store()
            .case_steps(&[100_000])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(steps.get(&100_000).map(Vec::len), Some(1));

        // The same step again is refused whole: nothing of the batch is written.
        let snapshot = app
            .snapshot(100_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let batch = letter_then_fee(snapshot, "reminder");
        assert!(app.store().execute_with(batch, "system", 0).await.is_err());
        assert_eq!(costs_owed(&app, 100_000).await, 500);
        assert_ledger_clean(&app, test.backend_name).await;
    }
}

fn new_id() -> DecisionId {
    DecisionId::parse(&uuid::Uuid::now_v7().simple().to_string()).unwrap_or_else(|| panic!("id"))
}
