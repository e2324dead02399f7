//! The journal against someone who can write the database: rewritten entries with their hashes
//! recomputed, a store opened with another key, a tail cut off and the head set back, and
//! rows the journal vouches for edited behind the triggers. SQLite and, when
//! REILU_TEST_DATABASE_URL is set, PostgreSQL.

use reilu_store::test_support::{TestStore, stores_under_test};
use reilu_store::*;
use reilu_vault::JournalSigningKey;
use std::time::Duration;

async fn stores() -> Vec<TestStore> {
    stores_under_test()
        .await
        .unwrap_or_else(|e| panic!("test store: {e}"))
}

fn note(n: i64) -> NewJournalEntry {
    NewJournalEntry {
        at_ms: 1_000 + n,
        actor: "tester".into(),
        kind: "note".into(),
        subject: format!("note:{n}"),
        payload: format!("{{\"n\":{n}}}"),
    }
}

async fn append_notes(test: &TestStore, count: i64) {
    for n in 0..count {
        test.store
            .append_journal(&note(n))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
    }
}

/// Lets raw SQL change and remove journal rows, as someone with the database file can.
async fn drop_journal_triggers(test: &TestStore) {
    let statements: &[&str] = match test.backend_name {
        "sqlite" => &[
            "DROP TRIGGER journal_is_append_only_update",
            "DROP TRIGGER journal_is_append_only_delete",
        ],
        _ => &["DROP TRIGGER journal_is_append_only ON journal"],
    };
    for sql in statements {
        test.raw(sql)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
    }
}

/// A journal row as stored: seq, chain, chain_seq, at_ms, actor, kind, subject, payload,
/// prev_hash, hash.
type JournalRow = (
    i64,
    String,
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// Every entry of a chain, in order.
async fn entries(test: &TestStore, chain: &str) -> Vec<JournalEntry> {
    let pool = sqlx::AnyPool::connect(&test.url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let rows: Vec<JournalRow> = sqlx::query_as(
        "SELECT seq, chain, chain_seq, at_ms, actor, kind, subject, payload, prev_hash, hash \
         FROM journal WHERE chain = $1 ORDER BY chain_seq",
    )
    .bind(chain)
    .fetch_all(&pool)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    pool.close().await;
    rows.into_iter()
        .map(|row| JournalEntry {
            seq: row.0,
            chain: row.1,
            chain_seq: row.2,
            at_ms: row.3,
            actor: row.4,
            kind: row.5,
            subject: row.6,
            payload: row.7,
            prev_hash: row.8,
            hash: row.9,
        })
        .collect()
}

/// How a forger re-hashes an entry: from the hash before it and the entry as stored.
type HashOf<'a> = &'a dyn Fn(&str, &JournalEntry) -> String;

/// Plain SHA-256, as the journal was before it was keyed.
fn plain(prev: &str, entry: &JournalEntry) -> String {
    entry_hash(prev, entry.seq, &entry.fields())
}

/// Rewrites a chain from `from_seq` on, re-chaining every entry with `hash_of`, and sets the
/// chain's head to its new end: what a forger who knows how hashes are made would do.
async fn rechain(test: &TestStore, chain: &str, from_seq: i64, hash_of: HashOf<'_>) {
    let all = entries(test, chain).await;
    let mut prev = all
        .iter()
        .find(|entry| entry.chain_seq == from_seq - 1)
        .map(|entry| entry.hash.clone())
        .unwrap_or_else(|| "0".repeat(64));
    for entry in all.iter().filter(|entry| entry.chain_seq >= from_seq) {
        let mut moved = entry.clone();
        moved.prev_hash.clone_from(&prev);
        let hash = hash_of(&prev, &moved);
        let sql = format!(
            "UPDATE journal SET prev_hash = '{prev}', hash = '{hash}' WHERE seq = {}",
            entry.seq
        );
        test.raw(&sql).await.unwrap_or_else(|e| panic!("{e}"));
        prev = hash;
    }
    let last = all.last().map(|entry| entry.chain_seq).unwrap_or(0);
    test.raw(&format!(
        "UPDATE journal_heads SET seq = {last}, hash = '{prev}' WHERE chain = '{chain}'"
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

async fn verify(store: &SqlStore) -> JournalVerification {
    store
        .verify_journal()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn a_rewritten_entry_with_recomputed_plain_hashes_is_found() {
    for test in stores().await {
        append_notes(&test, 5).await;
        assert_eq!(
            verify(&test.store).await,
            JournalVerification::Intact { entries: 6 },
            "{}: five notes after the keyed marker",
            test.backend_name
        );
        drop_journal_triggers(&test).await;
        test.raw("UPDATE journal SET payload = '{\"n\":999}' WHERE seq = 3")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        rechain(&test, MAIN, 3, &plain).await;
        match verify(&test.store).await {
            JournalVerification::Broken { seq, reason } => {
                assert_eq!(seq, 3, "{}: {reason}", test.backend_name);
                assert!(reason.contains("changed"), "{reason}");
            }
            other => panic!(
                "{}: a forged journal verified: {other:?}",
                test.backend_name
            ),
        }
        // Rewriting the whole journal with plain hashes, marker included, is found too.
        rechain(&test, MAIN, 1, &plain).await;
        match verify(&test.store).await {
            JournalVerification::Broken { seq, reason } => {
                assert_eq!(seq, 1, "{}: {reason}", test.backend_name);
                assert!(reason.contains("marker"), "{reason}");
            }
            other => panic!(
                "{}: a forged journal verified: {other:?}",
                test.backend_name
            ),
        }
    }
}

#[tokio::test]
async fn a_store_opened_with_another_key_says_so_and_writes_nothing() {
    for test in stores().await {
        append_notes(&test, 1).await;
        let payment = NewPosting {
            kind: "payment_unmatched".into(),
            at_ms: 1,
            corrects: None,
            idempotency_key: Some("bank:1".into()),
            description: "bank entry".into(),
            actor: "test".into(),
            entries: vec![
                PostingEntryRow {
                    account: "client_money_bank:FI2112345600000785".into(),
                    currency: "EUR".into(),
                    amount_minor: 100,
                },
                PostingEntryRow {
                    account: "unallocated".into(),
                    currency: "EUR".into(),
                    amount_minor: -100,
                },
            ],
        };
        test.store
            .post(&payment)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let other = SqlStore::connect(&test.url, JournalKey::from_bytes([1; 32]))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        match verify(&other).await {
            JournalVerification::Broken { seq, reason } => {
                assert_eq!(seq, 1, "{reason}");
                assert!(
                    reason.contains("the journal key does not match"),
                    "{}: {reason}",
                    test.backend_name
                );
            }
            other => panic!(
                "{}: verified under another key: {other:?}",
                test.backend_name
            ),
        }
        let refused = other.append_journal(&note(9)).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.to_string().contains("the journal key does not match")),
            "{}: {refused:?}",
            test.backend_name
        );
        // `reilu check` says so once, rather than calling every posting changed.
        let check = other.check_ledger().await.unwrap_or_else(|e| panic!("{e}"));
        assert!(
            check.problems.len() == 1
                && check.problems[0].contains("the journal key does not match"),
            "{}: {:?}",
            test.backend_name,
            check.problems
        );
        other.close().await;
        assert_eq!(
            verify(&test.store).await,
            JournalVerification::Intact { entries: 3 }
        );
    }
}

#[tokio::test]
async fn a_cut_tail_with_a_consistent_head_is_found_by_an_earlier_checkpoint() {
    let signing = JournalSigningKey::from_seed([9; 32]);
    for test in stores().await {
        append_notes(&test, 4).await;
        let state = test
            .store
            .journal_state()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let checkpoint = JournalCheckpoint::sign(state, 5_000, &signing);
        let public = signing.public_key_hex();
        let holds = test
            .store
            .check_checkpoint(&checkpoint, &public)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(holds, Vec::<String>::new(), "{}", test.backend_name);

        // The document survives being written out and read back.
        let text = serde_json::to_string_pretty(&checkpoint).unwrap_or_default();
        let read: JournalCheckpoint = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read, checkpoint);

        append_notes(&test, 2).await;
        // Cut the journal back to three entries and rewrite the last one with the key: the
        // chain is consistent again and tagged, so only the checkpoint can tell.
        drop_journal_triggers(&test).await;
        test.raw("DELETE FROM journal WHERE seq > 3")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        test.raw("UPDATE journal SET payload = '{\"n\":42}' WHERE seq = 3")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let key = test.journal_key.clone();
        rechain(&test, MAIN, 3, &|_, entry| stored_entry_tag(&key, entry)).await;
        assert_eq!(
            verify(&test.store).await,
            JournalVerification::Intact { entries: 3 },
            "{}: the forger holds the key",
            test.backend_name
        );
        let problems = test
            .store
            .check_checkpoint(&checkpoint, &public)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            problems.len() == 1 && problems[0].contains("entries were removed"),
            "{}: {problems:?}",
            test.backend_name
        );

        // A checkpoint whose head was edited does not hold its signature.
        let mut edited = checkpoint.clone();
        edited.chains[0].entries = 3;
        let problems = test
            .store
            .check_checkpoint(&edited, &public)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            problems.len() == 1 && problems[0].contains("signature"),
            "{problems:?}"
        );
        // Nor does one checked against another public key.
        let stranger = JournalSigningKey::from_seed([10; 32]).public_key_hex();
        let problems = test
            .store
            .check_checkpoint(&checkpoint, &stranger)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(problems[0].contains("signature"), "{problems:?}");
    }
}

#[tokio::test]
async fn a_rewritten_entry_at_the_checkpoint_is_found() {
    let signing = JournalSigningKey::from_seed([9; 32]);
    for test in stores().await {
        append_notes(&test, 3).await;
        let state = test
            .store
            .journal_state()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let checkpoint = JournalCheckpoint::sign(state, 5_000, &signing);
        drop_journal_triggers(&test).await;
        test.raw("UPDATE journal SET payload = '{\"n\":7}' WHERE seq = 2")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let key = test.journal_key.clone();
        rechain(&test, MAIN, 2, &|_, entry| stored_entry_tag(&key, entry)).await;
        let problems = test
            .store
            .check_checkpoint(&checkpoint, &signing.public_key_hex())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            problems.len() == 1 && problems[0].contains("rewritten"),
            "{}: {problems:?}",
            test.backend_name
        );
    }
}

#[tokio::test]
async fn each_chain_is_verified_and_reported_on_its_own() {
    for test in stores().await {
        append_notes(&test, 2).await;
        let operator = NewOperator {
            id: reilu_core::OperatorId::parse("00000000-0000-4000-8000-000000000001")
                .unwrap_or_else(|e| panic!("{e}")),
            name: "Aino".into(),
            role: reilu_core::OperatorRole::Admin,
            api_key_hash: "h1".into(),
        };
        test.store
            .insert_operator(&operator, "setup", 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let read = NewJournalEntry {
            kind: "personal_data.read".into(),
            ..note(7)
        };
        let seq = test
            .store
            .append_journal(&read)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            seq, 5,
            "{}: the global order runs across chains",
            test.backend_name
        );
        let chains = test
            .store
            .verify_journal_chains()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let summary: Vec<(String, i64, bool)> = chains
            .iter()
            .map(|chain| (chain.chain.clone(), chain.entries, chain.broken.is_none()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (MAIN.to_owned(), 3, true),
                (ACCESS.to_owned(), 1, true),
                (ADMIN.to_owned(), 1, true),
            ],
            "{}",
            test.backend_name
        );
        assert_eq!(
            verify(&test.store).await,
            JournalVerification::Intact { entries: 5 }
        );

        // A checkpoint names every chain; each is held to it.
        let signing = JournalSigningKey::from_seed([9; 32]);
        let state = test
            .store
            .journal_state()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(state.chains.len(), 3);
        let checkpoint = JournalCheckpoint::sign(state, 1, &signing);

        drop_journal_triggers(&test).await;
        test.raw("UPDATE journal SET actor = 'someone else' WHERE chain = 'admin'")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        match verify(&test.store).await {
            JournalVerification::Broken { seq, reason } => {
                assert_eq!(seq, 1, "{reason}");
                assert!(reason.starts_with("chain 'admin': "), "{reason}");
                assert!(reason.contains("changed"), "{reason}");
            }
            other => panic!("{}: {other:?}", test.backend_name),
        }
        // Re-chained with plain hashes, a chain other than main is refused all the same:
        // only main had entries from before the key.
        rechain(&test, ADMIN, 1, &plain).await;
        assert!(matches!(
            verify(&test.store).await,
            JournalVerification::Broken { .. }
        ));
        test.raw("DELETE FROM journal WHERE chain = 'access'")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        test.raw("UPDATE journal_heads SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE chain = 'access'")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let problems = test
            .store
            .check_checkpoint(&checkpoint, &signing.public_key_hex())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            problems
                .iter()
                .any(|problem| problem.contains("chain 'access' had 1 entries, it now ends at 0")),
            "{problems:?}"
        );
    }
}

/// On PostgreSQL a writer of another chain does not wait for the main chain's head: an
/// operator is added while a payment import holds it. (SQLite has one writer at a time.)
#[tokio::test]
async fn another_chain_is_written_while_the_main_head_is_held() {
    for test in stores().await {
        if test.backend_name == "sqlite" {
            continue;
        }
        let import = test
            .store
            .begin_payment_import("finance", 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let operator = NewOperator {
            id: reilu_core::OperatorId::parse("00000000-0000-4000-8000-000000000002")
                .unwrap_or_else(|e| panic!("{e}")),
            name: "Aino".into(),
            role: reilu_core::OperatorRole::Admin,
            api_key_hash: "h2".into(),
        };
        // A guard against hanging if it did wait, not a measure of speed.
        let added = tokio::time::timeout(
            Duration::from_secs(60),
            test.store.insert_operator(&operator, "setup", 1),
        )
        .await;
        assert!(
            matches!(added, Ok(Ok(()))),
            "the admin chain waited for the main chain: {added:?}"
        );
        drop(import);
        assert!(matches!(
            verify(&test.store).await,
            JournalVerification::Intact { entries: 2 }
        ));
    }
}
