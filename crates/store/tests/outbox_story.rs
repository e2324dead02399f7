//! The outbox in the store: enqueued once per decision, leased to one worker at a time,
//! retried with backoff, dead after too many failures and retried by hand, re-sent at most
//! once after a worker dies between sending and recording; on SQLite and, when
//! REILU_TEST_DATABASE_URL is set, on PostgreSQL.

use std::collections::HashSet;

use reilu_store::test_support::stores_under_test;
use reilu_store::*;

const AT_MS: i64 = 1_764_000_000_000;

fn message(decision: &str) -> NewOutboxMessage {
    NewOutboxMessage {
        case_number: 1_000_001,
        decision_id: decision.to_owned(),
        channel: "email".into(),
        template: "reminder".into(),
        language: "fi".into(),
        recipient_sealed: vec![1, 2, 3],
        content_sealed: vec![4, 5, 6],
        not_before_ms: AT_MS,
        commitment: None,
    }
}

fn policy() -> DeliveryPolicy {
    DeliveryPolicy {
        lease_ms: 60_000,
        backoff_base_ms: 1_000,
        backoff_cap_ms: 4_000,
        attempts_max: 3,
    }
}

fn failed(message: &OutboxMessage) -> AttemptRecord {
    AttemptRecord {
        message_id: message.id,
        attempt: message.attempts,
        outcome: AttemptOutcome::Failed {
            error: "connection refused".into(),
        },
    }
}

fn sent(message: &OutboxMessage) -> AttemptRecord {
    AttemptRecord {
        message_id: message.id,
        attempt: message.attempts,
        outcome: AttemptOutcome::Sent { provider_id: None },
    }
}

#[tokio::test]
async fn enqueueing_a_decision_twice_writes_one_message() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        let name = test.backend_name;
        let batch = [message("d-1"), message("d-2")];
        store
            .enqueue_messages(&batch)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        store
            .enqueue_messages(&batch[..1])
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let all = store
            .outbox_messages(None, 100)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), 2, "{name}");
        assert_eq!(all[0].recipient_sealed, vec![1, 2, 3], "{name}");
        assert_eq!(all[0].state, OutboxState::Queued, "{name}");
        let counts = store
            .outbox_counts()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(counts, vec![(OutboxState::Queued, 2)], "{name}");
        // Never deleted: the database refuses.
        assert!(
            test.raw("DELETE FROM outbox_messages").await.is_err(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn two_workers_never_lease_the_same_message() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let name = test.backend_name;
        let batch: Vec<_> = (0..200).map(|n| message(&format!("d-{n}"))).collect();
        test.store
            .enqueue_messages(&batch)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut workers = Vec::new();
        for worker in 0..4 {
            let store = test.store.clone();
            workers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let leased = store
                        .lease_messages(&format!("w{worker}"), &["email"], 7, &policy(), AT_MS)
                        .await
                        .unwrap_or_else(|e| panic!("{e}"));
                    if leased.is_empty() {
                        return mine;
                    }
                    mine.extend(leased.iter().map(|message| message.id));
                }
            }));
        }
        let mut seen = HashSet::new();
        let mut total = 0;
        for worker in workers {
            let ids = worker.await.unwrap_or_else(|e| panic!("{e}"));
            total += ids.len();
            seen.extend(ids);
        }
        assert_eq!(
            total, 200,
            "{name}: a message was leased twice or not at all"
        );
        assert_eq!(seen.len(), 200, "{name}");
    }
}

#[tokio::test]
async fn a_failing_message_backs_off_goes_dead_and_can_be_retried() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        let name = test.backend_name;
        store
            .enqueue_messages(&[message("d-1")])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut now_ms = AT_MS;
        for (attempt, wait_ms) in [(1, 1_000), (2, 2_000)] {
            let leased = store
                .lease_messages("w", &["email"], 10, &policy(), now_ms)
                .await;
            let leased = leased.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(leased.len(), 1, "{name}: attempt {attempt}");
            assert_eq!(leased[0].attempts, attempt, "{name}");
            store
                .record_attempts(&[failed(&leased[0])], &policy(), now_ms)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let stored = store
                .outbox_message(leased[0].id)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let stored = stored.unwrap_or_else(|| panic!("{name}: gone"));
            assert_eq!(stored.state, OutboxState::Queued, "{name}");
            assert_eq!(stored.next_attempt_ms, now_ms + wait_ms, "{name}: backoff");
            // Not due before its time.
            let early = store
                .lease_messages("w", &["email"], 10, &policy(), now_ms + wait_ms - 1)
                .await;
            assert!(early.unwrap_or_else(|e| panic!("{e}")).is_empty(), "{name}");
            now_ms += wait_ms;
        }
        let leased = store
            .lease_messages("w", &["email"], 10, &policy(), now_ms)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .record_attempts(&[failed(&leased[0])], &policy(), now_ms)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let dead = store
            .outbox_messages(Some(OutboxState::Dead), 10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dead.len(), 1, "{name}: dead after the third failure");
        let later = store
            .lease_messages("w", &["email"], 10, &policy(), now_ms + 10_000_000)
            .await;
        assert!(
            later.unwrap_or_else(|e| panic!("{e}")).is_empty(),
            "{name}: dead is not leased"
        );

        assert!(
            store
                .retry_message(dead[0].id, "test", now_ms)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        );
        assert!(
            !store
                .retry_message(dead[0].id, "test", now_ms)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
            "{name}: only dead messages"
        );
        let leased = store
            .lease_messages("w", &["email"], 10, &policy(), now_ms)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(leased.len(), 1, "{name}: retried");
        store
            .record_attempts(&[sent(&leased[0])], &policy(), now_ms)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let stored = store
            .outbox_message(leased[0].id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            stored.map(|m| (m.state, m.sent_ms)),
            Some((OutboxState::Sent, Some(now_ms))),
            "{name}"
        );
        let outcomes: Vec<String> = store
            .outbox_attempts(leased[0].id)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|attempt| attempt.outcome)
            .collect();
        assert_eq!(
            outcomes,
            ["failed", "failed", "dead", "retried", "sent"],
            "{name}"
        );
        assert!(
            test.raw("UPDATE outbox_attempts SET error = 'x'")
                .await
                .is_err(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_worker_that_dies_after_sending_costs_at_most_one_more_send() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        let name = test.backend_name;
        store
            .enqueue_messages(&[message("d-1")])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Worker A leases and sends, then dies before recording: nothing more happens until
        // its lease runs out.
        let first = store
            .lease_messages("a", &["email"], 10, &policy(), AT_MS)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.len(), 1, "{name}");
        let during = store
            .lease_messages("b", &["email"], 10, &policy(), AT_MS + 59_999)
            .await;
        assert!(
            during.unwrap_or_else(|e| panic!("{e}")).is_empty(),
            "{name}: leased twice"
        );
        // Worker B takes it after the lease expired, sends again and records.
        let expired_ms = AT_MS + 60_000;
        let second = store
            .lease_messages("b", &["email"], 10, &policy(), expired_ms)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(second.len(), 1, "{name}: the expired lease is taken over");
        assert_eq!(second[0].attempts, 2, "{name}");
        store
            .record_attempts(&[sent(&second[0])], &policy(), expired_ms)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // No third send, ever.
        let after = store
            .lease_messages("c", &["email"], 10, &policy(), expired_ms + 10_000_000)
            .await;
        assert!(
            after.unwrap_or_else(|e| panic!("{e}")).is_empty(),
            "{name}: sent twice more"
        );
        let outcomes: Vec<String> = store
            .outbox_attempts(first[0].id)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|attempt| attempt.outcome)
            .collect();
        assert_eq!(outcomes, ["expired", "sent"], "{name}");
    }
}
