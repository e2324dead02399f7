//! Operators in the store: added, found by key hash, revoked once, journaled, append-only; on
//! SQLite and, when REILU_TEST_DATABASE_URL is set, on PostgreSQL.

use std::sync::atomic::{AtomicU64, Ordering};

use reilu_core::{OperatorId, OperatorRole};
use reilu_store::test_support::{stores_under_test, unique_name};
use reilu_store::*;

/// A fresh id; each test has a store of its own, so a counter is unique enough.
fn new_id() -> OperatorId {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = u128::from(NEXT.fetch_add(1, Ordering::Relaxed));
    OperatorId::from_uuid(uuid::Uuid::from_u128(
        0x0190_0000_0000_7000_8000_0000_0000_0000 + n,
    ))
}

fn operator(role: OperatorRole) -> NewOperator {
    NewOperator {
        id: new_id(),
        name: "Aino Kirjanpitäjä".into(),
        role,
        api_key_hash: unique_name("hash"),
    }
}

const AT_MS: i64 = 1_764_000_000_000;

#[tokio::test]
async fn operators_are_added_found_by_key_and_revoked_once() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        let finance = operator(OperatorRole::Finance);
        let admin = operator(OperatorRole::Admin);
        for (new, at_ms) in [(&finance, AT_MS), (&admin, AT_MS + 1)] {
            store
                .insert_operator(new, "test", at_ms)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        }
        let found = store
            .operator_by_api_key_hash(&finance.api_key_hash)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            found,
            Some(OperatorRow {
                id: finance.id,
                name: finance.name.clone(),
                role: OperatorRole::Finance,
                created_at_ms: AT_MS,
                revoked_at_ms: None,
            })
        );
        assert_eq!(
            store.operator_by_api_key_hash("nope").await.ok(),
            Some(None)
        );

        let revoked = store.revoke_operator(&finance.id, "test", AT_MS + 5).await;
        assert_eq!(revoked.ok(), Some(Revocation::Revoked { at_ms: AT_MS + 5 }));
        let again = store.revoke_operator(&finance.id, "test", AT_MS + 9).await;
        assert_eq!(
            again.ok(),
            Some(Revocation::AlreadyRevoked { at_ms: AT_MS + 5 })
        );
        let missing = new_id();
        assert_eq!(
            store.revoke_operator(&missing, "test", AT_MS).await.ok(),
            Some(Revocation::NotFound)
        );

        let listed = store
            .list_operators()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let summary: Vec<_> = listed
            .iter()
            .map(|row| (row.id, row.role, row.revoked_at_ms))
            .collect();
        assert_eq!(
            summary,
            [
                (finance.id, OperatorRole::Finance, Some(AT_MS + 5)),
                (admin.id, OperatorRole::Admin, None),
            ]
        );
        let still_found = store
            .operator_by_api_key_hash(&finance.api_key_hash)
            .await
            .ok()
            .flatten();
        assert!(
            still_found.is_some_and(|row| row.is_revoked()),
            "a revoked key is still found, as revoked"
        );
        // The keyed marker, two additions and one revocation: the repeated and the unknown
        // one wrote nothing.
        let counts = store.counts().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(counts.journal_entries, 4, "{}", test.backend_name);
        assert!(matches!(
            store.verify_journal().await,
            Ok(JournalVerification::Intact { entries: 4 })
        ));
    }
}

#[tokio::test]
async fn operators_and_revocations_cannot_be_changed_or_removed() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let finance = operator(OperatorRole::Finance);
        test.store
            .insert_operator(&finance, "test", AT_MS)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let revoked = test.store.revoke_operator(&finance.id, "test", AT_MS).await;
        assert!(revoked.is_ok());
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&test.url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let id = finance.id.to_string();
        for sql in [
            "UPDATE operators SET role = 'admin' WHERE id = $1",
            "DELETE FROM operators WHERE id = $1",
            "DELETE FROM operator_revocations WHERE operator_id = $1",
            "UPDATE operator_revocations SET revoked_at_ms = 0 WHERE operator_id = $1",
        ] {
            let changed = sqlx::query(sql).bind(&id).execute(&pool).await;
            let error = changed.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                error.contains("append-only"),
                "{}: {sql}: {error}",
                test.backend_name
            );
        }
        pool.close().await;
    }
}
