//! Ledger postings in the store, on SQLite and (with REILU_TEST_DATABASE_URL) PostgreSQL.

use reilu_store::test_support::{TestStore, stores_under_test};
use reilu_store::*;

fn entry(account: &str, amount_minor: i64) -> PostingEntryRow {
    PostingEntryRow {
        account: account.into(),
        currency: "EUR".into(),
        amount_minor,
    }
}

fn payment(key: &str, amount_minor: i64) -> NewPosting {
    NewPosting {
        kind: "payment_unmatched".into(),
        at_ms: 1,
        corrects: None,
        idempotency_key: Some(key.into()),
        description: "bank entry".into(),
        actor: "test".into(),
        entries: vec![
            entry("client_money_bank:FI2112345600000785", amount_minor),
            entry("unallocated", -amount_minor),
        ],
    }
}

/// Runs statements behind the store's back (to tamper with it), each of which must succeed.
async fn tamper(test: &TestStore, statements: &[&str]) {
    for sql in statements {
        test.raw(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

#[tokio::test]
async fn postings_balance_happen_once_and_keep_balances() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        let first = store
            .post(&payment("bank:1", 12_345))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        assert_eq!(first, PostOutcome::Posted { posting_id: 1 });
        let again = store
            .post(&payment("bank:1", 12_345))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            again,
            PostOutcome::AlreadyPosted { posting_id: 1 },
            "the same bank entry posts once"
        );
        store
            .post(&payment("bank:2", 655))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut unbalanced = payment("bank:3", 100);
        unbalanced.entries[1].amount_minor = -99;
        assert!(
            store.post(&unbalanced).await.is_err(),
            "an unbalanced posting is refused before it is written"
        );
        let bank = store
            .balances("client_money_bank:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            bank,
            vec![(
                "client_money_bank:FI2112345600000785".into(),
                "EUR".into(),
                13_000
            )]
        );
        let check = store.check_ledger().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (check.postings, check.accounts, check.problems.clone()),
            (2, 2, Vec::<String>::new()),
            "{}",
            test.backend_name
        );
        assert!(
            test.raw("UPDATE account_lines SET amount_minor = 1 WHERE posting_id = 1")
                .await
                .is_err()
        );
        assert!(
            test.raw("UPDATE postings SET lines = '[]' WHERE id = 1")
                .await
                .is_err()
        );
        assert!(test.raw("DELETE FROM postings WHERE id = 2").await.is_err());
    }
}

#[tokio::test]
async fn check_finds_an_entry_changed_behind_the_triggers() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        if test.backend_name != "sqlite" {
            continue;
        }
        test.store
            .post(&payment("bank:1", 12_345))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        tamper(
            &test,
            &[
                "DROP TRIGGER postings_are_append_only_update",
                "UPDATE postings SET lines = json_set(lines, '$[0][2]', 99999) WHERE id = 1",
            ],
        )
        .await;
        let check = test
            .store
            .check_ledger()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let text = check.problems.join("; ");
        assert!(text.contains("posting 1 does not balance"), "{text}");
        assert!(text.contains("client-money bank accounts differ"), "{text}");
        assert!(
            text.contains("shows 12345 but its entries sum to 99999"),
            "{text}"
        );
        assert!(
            text.contains(
                "its statement has 1 lines summing to 12345, its postings 1 lines summing to 99999"
            ),
            "{text}"
        );
    }
}

#[tokio::test]
async fn check_reads_large_postings_and_finds_changed_case_balances_and_lost_lines() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        // Two fee postings of 15,001 lines each (15,000 cases), a small payment, and a
        // posting of 25,001 lines of accounts with statements, which spans the check's pages
        // of 20,000 statement lines.
        let fees = |amount_minor: i64| {
            let mut entries: Vec<PostingEntryRow> = (0..15_000_i64)
                .map(|index| {
                    entry(
                        &format!("receivable:{}:collection_costs", 100_000 + index),
                        amount_minor,
                    )
                })
                .collect();
            entries.push(entry("costs_charged", -15_000 * amount_minor));
            // Not `fee_charged`: the store writes charges only from the gate's decisions.
            NewPosting {
                kind: "test_costs".into(),
                at_ms: 1,
                corrects: None,
                idempotency_key: None,
                description: "fees".into(),
                actor: "test".into(),
                entries,
            }
        };
        let mut overpaid: Vec<PostingEntryRow> = (0..25_000_i64)
            .map(|index| entry(&format!("overpaid:{}", 100_000 + index), -1))
            .collect();
        overpaid.push(entry("unallocated", 25_000));
        let overpaid = NewPosting {
            kind: "test".into(),
            at_ms: 1,
            corrects: None,
            idempotency_key: None,
            description: "overpaid".into(),
            actor: "test".into(),
            entries: overpaid,
        };
        for posting in [fees(5), fees(7), payment("bank:1", 100), overpaid] {
            store
                .post(&posting)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        }
        let clean = store.check_ledger().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (clean.postings, clean.problems.len()),
            (4, 0),
            "{}: {:?}",
            test.backend_name,
            clean.problems
        );
        let owed = store
            .balances("receivable:100003:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            owed.contains(&(
                "receivable:100003:collection_costs".into(),
                "EUR".into(),
                12
            )),
            "{owed:?}"
        );
        if test.backend_name != "sqlite" {
            continue;
        }
        tamper(
            &test,
            &[
                "UPDATE case_balances SET collection_costs_minor = 1 WHERE case_number = 100003",
                "DROP TRIGGER postings_are_append_only_update",
                "UPDATE postings SET lines = '[]' WHERE id = 3",
            ],
        )
        .await;
        let check = store.check_ledger().await.unwrap_or_else(|e| panic!("{e}"));
        let text = check.problems.join("; ");
        assert!(
            text.contains(
                "account receivable:100003:collection_costs EUR shows 1 but its entries sum to 12"
            ),
            "{text}"
        );
        assert!(text.contains("posting 3 has no entries"), "{text}");
        assert!(
            text.contains("account client_money_bank:FI2112345600000785 EUR: its statement has 1 lines summing to 100, its postings 0 lines summing to 0"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn check_finds_client_money_swept_to_the_company() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        store
            .post(&payment("bank:1", 12_345))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Balanced, but it moves money the company never earned out of client money.
        let sweep = NewPosting {
            kind: "sweep".into(),
            at_ms: 2,
            corrects: None,
            idempotency_key: None,
            description: "sweep".into(),
            actor: "test".into(),
            entries: vec![
                entry("company_bank:FI0950000120000026", 100),
                entry("client_money_bank:FI2112345600000785", -100),
            ],
        };
        store.post(&sweep).await.unwrap_or_else(|e| panic!("{e}"));
        let check = store.check_ledger().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            check.problems,
            vec!["EUR: 100 minor units were swept to the company, more than the 0 it earned: client money left the client-money accounts".to_owned()],
            "{}",
            test.backend_name
        );
    }
}

#[tokio::test]
async fn check_finds_statement_lines_swapped_between_postings() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        if test.backend_name != "sqlite" {
            continue;
        }
        for posting in [payment("bank:1", 12_345), payment("bank:2", 655)] {
            test.store
                .post(&posting)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        // Count and sum of the bank account's statement stay the same; each posting's
        // statement line now shows the other's amount.
        tamper(
            &test,
            &[
                "DROP TRIGGER account_lines_are_append_only_update",
                "UPDATE account_lines SET amount_minor = CASE posting_id WHEN 1 THEN 655 ELSE 12345 END \
                 WHERE account = 'client_money_bank:FI2112345600000785'",
            ],
        )
        .await;
        let check = test
            .store
            .check_ledger()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            check.problems,
            vec!["account client_money_bank:FI2112345600000785 EUR: its statement's lines differ from its postings' lines (amounts moved between lines or postings)".to_owned()]
        );
    }
}
