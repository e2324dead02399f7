//! The simulation's copy of a store (`reilu simulate`): everything the live store holds, its
//! journal intact under the same key, writable without the live store seeing a thing, and
//! gone once discarded. SQLite and, when REILU_TEST_DATABASE_URL is set, PostgreSQL.

use reilu_store::test_support::{TestStore, stores_under_test};
use reilu_store::*;

fn note(n: i64) -> NewJournalEntry {
    NewJournalEntry {
        at_ms: 1_000 + n,
        actor: "tester".into(),
        kind: "note".into(),
        subject: format!("note:{n}"),
        payload: format!("{{\"n\":{n}}}"),
    }
}

async fn append_notes(store: &SqlStore, from: i64, count: i64) -> i64 {
    let mut last = 0;
    for n in from..from + count {
        last = store
            .append_journal(&note(n))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    last
}

/// Schemas a simulation made and did not drop, in the test database.
async fn simulation_schemas(test: &TestStore) -> i64 {
    use sqlx::Connection;
    let mut connection = sqlx::AnyConnection::connect(&test.url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sql = "SELECT COUNT(*) FROM pg_namespace WHERE nspname LIKE 'reilu\\_sim\\_%'";
    let (count,): (i64,) = sqlx::query_as(sql)
        .fetch_one(&mut connection)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    count
}

#[tokio::test]
async fn a_copy_holds_everything_takes_writes_alone_and_is_gone_when_discarded() {
    let stores = stores_under_test()
        .await
        .unwrap_or_else(|e| panic!("test store: {e}"));
    for test in &stores {
        let name = test.backend_name;
        let live_last = append_notes(&test.store, 0, 5).await;
        let live_counts = test.store.counts().await.unwrap_or_else(|e| panic!("{e}"));
        let copy = test
            .store
            .simulation_copy()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let copied = copy
            .store()
            .counts()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            copied, live_counts,
            "{name}: the copy holds what the live store does"
        );
        // Ids go on after the copied ones (sequences and identities copied at their values).
        let copy_last = append_notes(copy.store(), 5, 3).await;
        assert_eq!(copy_last, live_last + 3, "{name}");
        assert!(
            matches!(
                copy.store().verify_journal().await,
                Ok(JournalVerification::Intact { .. })
            ),
            "{name}: the copy's journal verifies under the live key"
        );
        let after = test.store.counts().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(after, live_counts, "{name}: the live store saw no write");
        copy.discard()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            append_notes(&test.store, 5, 1).await,
            live_last + 1,
            "{name}: the live journal goes on where it was"
        );
        assert!(matches!(
            test.store.verify_journal().await,
            Ok(JournalVerification::Intact { .. })
        ));
        if name == "postgres" {
            assert_eq!(simulation_schemas(test).await, 0, "the schema was dropped");
        }
    }
}
