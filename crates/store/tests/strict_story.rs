//! The store's tables keep their types: a value of another type, or an integer sum that does
//! not fit, is refused instead of being stored (SQLite's tables are STRICT since migration 12;
//! PostgreSQL's columns are typed anyway).

use reilu_store::Store;
use reilu_store::test_support::stores_under_test;

#[tokio::test]
async fn money_columns_refuse_floats_text_and_overflowing_sums() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let name = test.backend_name;
        let setup = test
            .raw("INSERT INTO account_balances (account, currency, balance_minor) VALUES ('client_claims:c1', 'EUR', -9223372036854775000)")
            .await;
        assert_eq!(setup, Ok(1), "{name}");
        let mut refused = vec![
            // What intake did before its limits: `+` past i64 (SQLite made it a float).
            "UPDATE account_balances SET balance_minor = balance_minor + (-1000) WHERE account = 'client_claims:c1'",
            "INSERT INTO account_balances (account, currency, balance_minor) VALUES ('a', 'EUR', 'lots')",
            "INSERT INTO case_balances (case_number, currency, principal_minor) VALUES (100000, 'EUR', 'x')",
            "UPDATE counters SET next_value = 'next' WHERE name = 'posting'",
        ];
        if name == "sqlite" {
            // PostgreSQL rounds a numeric into a bigint column when assigned; SQLite's STRICT
            // tables refuse it outright.
            refused.extend([
                "INSERT INTO account_balances (account, currency, balance_minor) VALUES ('b', 'EUR', 1.5)",
                "INSERT INTO case_balances (case_number, currency, principal_minor) VALUES (100001, 'EUR', 1.0e19)",
                "UPDATE account_balances SET balance_minor = balance_minor * 1.5 WHERE account = 'client_claims:c1'",
            ]);
        }
        for sql in refused {
            let outcome = test.raw(sql).await;
            assert!(outcome.is_err(), "{name}: {sql} was stored: {outcome:?}");
        }
        let balances = test
            .store
            .balances("client_claims:")
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            balances,
            vec![(
                "client_claims:c1".to_owned(),
                "EUR".to_owned(),
                -9_223_372_036_854_775_000
            )],
            "{name}: the balance is the integer it was"
        );
    }
}

/// The append-only triggers of migrations 1–11, which migration 12 dropped with their tables
/// and created again.
const TRIGGERS: [&str; 20] = [
    "journal_is_append_only_update",
    "journal_is_append_only_delete",
    "postings_are_append_only_update",
    "postings_are_append_only_delete",
    "interest_accruals_are_append_only_update",
    "interest_accruals_are_append_only_delete",
    "operators_are_append_only_update",
    "operators_are_append_only_delete",
    "operator_revocations_are_append_only_update",
    "operator_revocations_are_append_only_delete",
    "account_lines_are_append_only_update",
    "account_lines_are_append_only_delete",
    "case_decisions_are_append_only_update",
    "case_decisions_are_append_only_delete",
    "case_charges_are_append_only_update",
    "case_charges_are_append_only_delete",
    "case_contacts_are_append_only_update",
    "case_contacts_are_append_only_delete",
    "published_rates_are_append_only_update",
    "published_rates_are_append_only_delete",
];

#[tokio::test]
async fn every_sqlite_table_is_strict_and_the_append_only_triggers_stand() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        if test.backend_name != "sqlite" {
            continue;
        }
        // `raw` answers with the rows a statement changed: these insert one row when the
        // condition holds.
        let loose = test
            .raw("INSERT INTO counters (name, next_value) SELECT 'loose', 1 WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' AND sql NOT LIKE '%STRICT%')")
            .await;
        assert_eq!(loose, Ok(0), "a table is not STRICT");
        let names: Vec<String> = TRIGGERS.iter().map(|name| format!("'{name}'")).collect();
        let all_there = test
            .raw(&format!(
                "INSERT INTO counters (name, next_value) SELECT 'triggers', 1 WHERE \
                 (SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({})) = {}",
                names.join(", "),
                TRIGGERS.len()
            ))
            .await;
        assert_eq!(all_there, Ok(1), "an append-only trigger is missing");
        let append = test
            .raw("INSERT INTO journal (seq, at_ms, actor, kind, subject, payload, prev_hash, hash) VALUES (1000, 1, 'a', 'k', 's', 'p', 'h', 'h')")
            .await;
        assert_eq!(append, Ok(1));
        for sql in [
            "UPDATE journal SET actor = 'someone else' WHERE seq = 1000",
            "DELETE FROM journal WHERE seq = 1000",
        ] {
            let outcome = test.raw(sql).await;
            assert!(
                outcome.as_ref().is_err_and(|e| e.contains("append-only")),
                "{sql}: {outcome:?}"
            );
        }
    }
}
