//! Call tasks through the application: the daily run's phone step waits as a task, an agent
//! may record a call only at a time the gate allows, once; a promise holds the case's path
//! until its day and, broken, is followed up once; a wrong number is kept as a blind index.
//! On SQLite and (with REILU_TEST_DATABASE_URL) PostgreSQL.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use reilu_app::call_tasks::{Callable, ReportedOutcome};
use reilu_app::{App, FixedClock};
use reilu_store::test_support::stores_under_test;
use reilu_store::{SqlStore, Store};
use reilu_strategy::StrategySet;
use reilu_vault::{MasterKey, Vault};

const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,customer_phone,currency,principal,invoice_date,due_date";
/// Case 100000 and 100001: FI consumers owing €1,000 since 15 September 2026, with phones.
const ROWS: &str = "\
FI-1,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,+358401234567,EUR,1000.00,2026-09-01,2026-09-15
FI-2,FI,consumer,061257-783H,Aino Heikkinen,Aleksanterinkatu 112,20670,Turku,+358407654321,EUR,1000.00,2026-09-01,2026-09-15
";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_timezone(&Utc)
}

/// The application as it is at `now`, on the same store and keys.
fn app_at(store: &SqlStore, master: &MasterKey, now: DateTime<Utc>) -> App<SqlStore> {
    App::new(store.clone(), Vault::new(master), Arc::new(FixedClock(now)))
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn placed(store: &SqlStore, master: &MasterKey) {
    let app = app_at(store, master, at("2026-09-16T08:00:00Z"));
    app.configure_demo_accounts()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = app
        .add_client_with_terms("Kauppa Oy", "FI", "FI2112345600000785", 0)
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
    assert_eq!(summary.accepted, 2, "{summary:?}");
}

/// Runs each day from `from` through `to` at 10:00 UTC (noon in Helsinki).
async fn run_days(store: &SqlStore, master: &MasterKey, from: NaiveDate, to: NaiveDate) {
    let strategies = StrategySet::builtin().unwrap_or_else(|e| panic!("{e}"));
    let mut day = from;
    while day <= to {
        let now = day
            .and_hms_opt(10, 0, 0)
            .unwrap_or_else(|| panic!("time"))
            .and_utc();
        app_at(store, master, now)
            .run_day(&strategies, day, &|_| {})
            .await
            .unwrap_or_else(|e| panic!("{day}: {e}"));
        day += Duration::days(1);
    }
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{e}"))
}

async fn steps_of(store: &SqlStore, case: i64) -> Vec<String> {
    let steps = store
        .case_steps(&[case])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    steps
        .get(&case)
        .map(|rows| rows.iter().map(|row| row.step_id.clone()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_call_is_recorded_only_in_the_gates_hours_once_and_a_broken_promise_is_followed_up() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let name = test.backend_name;
        let store = test.store.clone();
        let master = MasterKey::generate();
        placed(&store, &master).await;
        // Reminder, SMS, demand, repeat demand, then the call (see strategies/fi.toml).
        run_days(&store, &master, date("2026-09-16"), date("2026-11-20")).await;
        let tasks = store
            .open_call_tasks(10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            tasks.len(),
            2,
            "{name}: {:?}",
            steps_of(&store, 100_000).await
        );
        let task = tasks
            .iter()
            .find(|task| task.case_number == 100_000)
            .unwrap_or_else(|| panic!("{name}: a task for case 100000"));
        let other = tasks
            .iter()
            .find(|task| task.case_number == 100_001)
            .unwrap_or_else(|| panic!("{name}: a task for case 100001"));
        let slot =
            DateTime::from_timestamp_millis(task.next_attempt_ms).unwrap_or_else(|| panic!("slot"));

        // At 23:30 in Helsinki the gate allows no call: the list says from when, and a call
        // reported at that time is refused.
        let night = slot
            .date_naive()
            .and_hms_opt(21, 30, 0)
            .unwrap_or_default()
            .and_utc();
        let app = app_at(&store, &master, night);
        let listed = app
            .call_tasks(false)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let shown = listed
            .iter()
            .find(|listed| listed.id == task.id)
            .unwrap_or_else(|| panic!("{name}: listed"));
        assert!(
            matches!(shown.callable, Callable::From { at } if at > night),
            "{name}: {:?}",
            shown.callable
        );
        assert!(
            app.call_tasks(true)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_empty()
        );
        let refused = app
            .record_call(task.id, "agent-1", night, ReportedOutcome::NoAnswer)
            .await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.to_string().contains("does not allow")),
            "{name}: {refused:?}"
        );

        // In the slot: a promise of €100 within five days, recorded once.
        let app = app_at(&store, &master, slot + Duration::minutes(5));
        assert_eq!(
            app.call_tasks(true)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .len(),
            2,
            "{name}: both callable in the slot"
        );
        let called_on = slot.date_naive();
        let due_on = called_on + Duration::days(5);
        let promise = ReportedOutcome::Promise {
            due_on,
            amount: "100.00".into(),
        };
        app.record_call(task.id, "agent-1", slot, promise.clone())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let twice = app
            .record_call(task.id, "agent-2", slot, ReportedOutcome::NoAnswer)
            .await;
        assert!(
            twice
                .as_ref()
                .is_err_and(|e| e.to_string().contains("done already")),
            "{name}: {twice:?}"
        );
        let too_much = ReportedOutcome::Promise {
            due_on,
            amount: "5000.00".into(),
        };
        assert!(
            app.record_call(other.id, "agent-1", slot, too_much)
                .await
                .is_err(),
            "{name}: a promise above what is owed"
        );
        app.record_call(other.id, "agent-1", slot, ReportedOutcome::WrongNumber)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let left = store
            .open_call_tasks(10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(left.is_empty(), "{name}: {left:?}");

        let outcomes = store
            .call_outcomes(&[100_000, 100_001])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let kept = &outcomes[&100_000][0];
        assert_eq!(kept.outcome, "promise");
        assert_eq!(kept.promise_amount_minor, Some(10_000));
        assert_eq!(
            kept.promise_due_on.as_deref(),
            Some(due_on.to_string().as_str())
        );
        let wrong = &outcomes[&100_001][0];
        assert_eq!(wrong.outcome, "wrong_number");
        let phone = reilu_core::Phone::parse("+358407654321").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            wrong.phone_index.as_deref(),
            Some(reilu_app::personal_data::phone_index(&Vault::new(&master), &phone).as_str()),
            "{name}: the wrong number's blind index, not the number"
        );

        // Until the promised day nothing happens on the case; the day after, one SMS about
        // the broken promise, and not again.
        let before = steps_of(&store, 100_000).await;
        run_days(&store, &master, called_on + Duration::days(1), due_on).await;
        assert_eq!(steps_of(&store, 100_000).await, before, "{name}");
        run_days(
            &store,
            &master,
            due_on + Duration::days(1),
            due_on + Duration::days(3),
        )
        .await;
        let after = steps_of(&store, 100_000).await;
        let followups: Vec<_> = after
            .iter()
            .filter(|step| step.starts_with("promise-"))
            .collect();
        assert_eq!(
            followups,
            vec![&format!("promise-{}", task.id)],
            "{name}: {after:?}"
        );
        let messages = store
            .outbox_messages(None, 1_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let sent: Vec<_> = messages
            .iter()
            .filter(|message| {
                message.case_number == 100_000 && message.template == "promise_followup"
            })
            .collect();
        assert_eq!(sent.len(), 1, "{name}");
        assert_eq!(sent[0].channel, "sms", "{name}");

        let journal = store
            .verify_journal()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            matches!(journal, reilu_store::JournalVerification::Intact { .. }),
            "{name}: {journal:?}"
        );
    }
}
