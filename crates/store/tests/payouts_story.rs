//! Payout runs in the store: recorded whole or not at all, once per key, refused when a
//! balance they were planned on moved; their files kept and their publication recorded.

use reilu_store::test_support::stores_under_test;
use reilu_store::*;

const BANK: &str = "FI2112345600000785";

fn entry(account: &str, amount_minor: i64) -> PostingEntryRow {
    PostingEntryRow {
        account: account.into(),
        currency: "EUR".into(),
        amount_minor,
    }
}

/// 100.00 received that matched nothing: the bank holds it, unallocated.
fn received() -> NewPosting {
    NewPosting {
        kind: "payment_unmatched".into(),
        at_ms: 1,
        corrects: None,
        idempotency_key: Some("bank:1".into()),
        description: "bank entry".into(),
        actor: "test".into(),
        entries: vec![
            entry(&format!("client_money_bank:{BANK}"), 10_000),
            entry("unallocated", -10_000),
        ],
    }
}

/// A run paying 40.00 of it back out, guarded by the bank's balance.
fn run(key: &str, file: &str, at_least_minor: i64) -> NewPayoutRun {
    NewPayoutRun {
        key: key.into(),
        kind: "refund".into(),
        run_date: "2026-11-25".into(),
        actor: "test".into(),
        at_ms: 2,
        files: vec![NewPayoutFile {
            name: file.into(),
            sha256: "00".into(),
            sealed: vec![1, 2, 3],
        }],
        postings: vec![NewPosting {
            kind: "refund".into(),
            at_ms: 2,
            corrects: None,
            idempotency_key: Some(key.into()),
            description: "refund".into(),
            actor: "test".into(),
            entries: vec![
                entry("unallocated", 4_000),
                entry(&format!("client_money_bank:{BANK}"), -4_000),
            ],
        }],
        guards: vec![BalanceGuard {
            account: format!("client_money_bank:{BANK}"),
            currency: "EUR".into(),
            guard: Guard::AtLeast(at_least_minor),
        }],
        remittances: Vec::new(),
        refunds: Vec::new(),
        resolutions: Vec::new(),
        journal: Vec::new(),
    }
}

#[tokio::test]
async fn a_run_is_recorded_whole_once_or_not_at_all() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let store = &test.store;
        store
            .post(&received())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let postings_before = store.check_ledger().await.map(|c| c.postings).unwrap_or(0);
        // Planned on a balance the bank no longer has: refused, nothing written.
        let stale = store.record_payout_run(&run("r:1", "a.xml", 20_000)).await;
        assert!(
            matches!(&stale, Err(StoreError::Conflict(why)) if why.contains("moved")),
            "{backend}: {stale:?}"
        );
        assert_eq!(store.payout_run("r:1").await.ok(), Some(None), "{backend}");
        assert_eq!(
            store.check_ledger().await.map(|c| c.postings).unwrap_or(0),
            postings_before
        );
        let recorded = store
            .record_payout_run(&run("r:1", "a.xml", 4_000))
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert!(
            matches!(recorded, RunRecorded::Recorded { .. }),
            "{backend}"
        );
        assert_eq!(
            store
                .record_payout_run(&run("r:1", "a.xml", 4_000))
                .await
                .ok(),
            Some(RunRecorded::AlreadyRecorded),
            "{backend}: once per key"
        );
        // Another run may not take a recorded run's file name.
        let taken = store.record_payout_run(&run("r:2", "a.xml", 0)).await;
        assert!(
            matches!(&taken, Err(StoreError::Conflict(why)) if why.contains("belongs to the run r:1")),
            "{backend}: {taken:?}"
        );
        assert_eq!(store.payout_run("r:2").await.ok(), Some(None));
        // Recorded, not yet published; then published once.
        let waiting = store
            .unpublished_payout_runs()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            waiting.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
            ["r:1"]
        );
        let files = store
            .payout_files("r:1")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(files[0].sealed, vec![1, 2, 3]);
        store
            .publish_payout_run("r:1", 3)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .publish_payout_run("r:1", 4)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            store
                .payout_run("r:1")
                .await
                .ok()
                .flatten()
                .and_then(|r| r.published_at_ms),
            Some(3)
        );
        assert!(
            store
                .unpublished_payout_runs()
                .await
                .is_ok_and(|r| r.is_empty())
        );
        let check = store.check_ledger().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check.problems, Vec::<String>::new(), "{backend}");
        for sql in [
            "UPDATE payout_files SET sha256 = 'ff'",
            "DELETE FROM payout_runs",
            "DELETE FROM payout_publications",
        ] {
            assert!(test.raw(sql).await.is_err(), "{backend}: {sql}");
        }
    }
}
