//! `check_ledger` against rows edited behind the triggers: a client's IBAN, a claim's
//! principal, a posting's description or kind, a posting slipped in. SQLite and, when
//! REILU_TEST_DATABASE_URL is set, PostgreSQL.

use reilu_core::{CustomerKind, MarketCode};
use reilu_store::test_support::{TestStore, stores_under_test, unique_name};
use reilu_store::*;

fn market() -> MarketCode {
    MarketCode::parse("FI").unwrap_or_else(|e| panic!("{e}"))
}

fn client() -> NewClient {
    NewClient {
        id: unique_name("client"),
        name: "Kauppa Oy".into(),
        market: market(),
        iban: "FI2112345600000785".into(),
        api_key_hash: unique_name("hash"),
        commission_bp: 1_000,
    }
}

fn claim(reference: &str, principal_minor: i64) -> NewClaim {
    NewClaim {
        claim_id: unique_name("claim"),
        case_id: unique_name("case"),
        client_claim_ref: reference.into(),
        market: market(),
        currency: "EUR".into(),
        principal_minor,
        creditor_fees_minor: 500,
        invoice_date: "2026-01-01".into(),
        due_date: "2026-01-15".into(),
        interest_rate_bp: None,
        description: "Invoice".into(),
        arose_on: None,
        reminder_fee_agreed: None,
        jurisdiction: None,
        customer: NewCustomer {
            id: unique_name("customer"),
            market: market(),
            kind: CustomerKind::Consumer,
            // One customer: both claims make one case.
            national_id_index: "00112233445566778899aabbccddeeff".into(),
            email_index: None,
            phone_index: None,
            language: "fi".into(),
            language_stated: true,
            personal_data: vec![1, 2, 3],
        },
    }
}

fn no_response(_: &[Placement]) -> StoredResponse {
    StoredResponse {
        status: 200,
        body: String::new(),
    }
}

/// A client with two claims of one case, placed; returns the client's id.
async fn placed(test: &TestStore) -> String {
    let client = client();
    test.store
        .insert_client(&client, 1_000)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let batch = ClaimBatch {
        client_id: client.id.clone(),
        claims: vec![claim("A-1", 10_000), claim("A-2", 25_000)],
        at_ms: 2_000,
        actor: "test".into(),
        source: "check story".into(),
    };
    test.store
        .place_claims(&batch, None, &no_response)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    client.id
}

async fn problems(test: &TestStore) -> String {
    let check = test
        .store
        .check_ledger()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    check.problems.join("; ")
}

async fn tamper(test: &TestStore, statements: &[&str]) {
    for sql in statements {
        test.raw(sql)
            .await
            .unwrap_or_else(|e| panic!("{}: {sql}: {e}", test.backend_name));
    }
}

/// Lets raw SQL change postings, as someone with the database file can.
async fn drop_posting_triggers(test: &TestStore) {
    let sql = match test.backend_name {
        "sqlite" => "DROP TRIGGER postings_are_append_only_update",
        _ => "DROP TRIGGER postings_are_append_only ON postings",
    };
    tamper(test, &[sql]).await;
}

async fn stores() -> Vec<TestStore> {
    stores_under_test()
        .await
        .unwrap_or_else(|e| panic!("test store: {e}"))
}

#[tokio::test]
async fn a_clean_store_checks_clean() {
    for test in stores().await {
        placed(&test).await;
        assert_eq!(problems(&test).await, "", "{}", test.backend_name);
    }
}

#[tokio::test]
async fn a_clients_iban_changed_behind_the_store_is_found() {
    for test in stores().await {
        let client_id = placed(&test).await;
        tamper(
            &test,
            &[&format!(
                "UPDATE clients SET iban = 'FI5542345670000081' WHERE id = '{client_id}'"
            )],
        )
        .await;
        let text = problems(&test).await;
        assert!(
            text.contains(&format!("client {client_id} was changed"))
                && text.contains(
                    "its IBAN is FI5542345670000081, the journal recorded FI2112345600000785"
                ),
            "{}: {text}",
            test.backend_name
        );
    }
}

#[tokio::test]
async fn a_client_slipped_in_is_found() {
    for test in stores().await {
        placed(&test).await;
        tamper(
            &test,
            &["INSERT INTO clients (id, name, market, iban, api_key_hash, commission_bp, created_at_ms) \
               VALUES ('ghost', 'Ghost', 'FI', 'FI5542345670000081', 'h', 0, 1)"],
        )
        .await;
        let text = problems(&test).await;
        assert!(
            text.contains("client ghost is not in the journal"),
            "{}: {text}",
            test.backend_name
        );
    }
}

#[tokio::test]
async fn a_claims_principal_changed_behind_the_store_is_found() {
    for test in stores().await {
        placed(&test).await;
        tamper(
            &test,
            &["UPDATE claims SET principal_minor = 9000 WHERE client_claim_ref = 'A-1'"],
        )
        .await;
        let text = problems(&test).await;
        assert!(
            text.contains("case 100000: its claims' principal is not what their placement posted (the claims hold 1000 minor units less")
                && text.contains("a claim was changed after it was placed"),
            "{}: {text}",
            test.backend_name
        );
        // Amounts swapped between the case's claims keep the total and are found all the same.
        tamper(
            &test,
            &[
                "UPDATE claims SET principal_minor = 25000 WHERE client_claim_ref = 'A-1'",
                "UPDATE claims SET principal_minor = 10000 WHERE client_claim_ref = 'A-2'",
            ],
        )
        .await;
        assert_eq!(
            problems(&test).await,
            "",
            "{}: swapped back",
            test.backend_name
        );
        tamper(
            &test,
            &[
                "UPDATE claims SET principal_minor = 20000 WHERE client_claim_ref = 'A-1'",
                "UPDATE claims SET principal_minor = 15000 WHERE client_claim_ref = 'A-2'",
            ],
        )
        .await;
        let text = problems(&test).await;
        assert!(
            text.contains("case 100000: its claims' principal amounts are not the ones placed"),
            "{}: {text}",
            test.backend_name
        );
    }
}

#[tokio::test]
async fn a_postings_description_or_kind_changed_behind_the_triggers_is_found() {
    for test in stores().await {
        placed(&test).await;
        drop_posting_triggers(&test).await;
        tamper(
            &test,
            &["UPDATE postings SET description = 'nothing to see' WHERE id = 1"],
        )
        .await;
        let text = problems(&test).await;
        assert!(
            text.contains("posting 1 was changed after it was written"),
            "{}: {text}",
            test.backend_name
        );
        tamper(
            &test,
            &["UPDATE postings SET description = '2 claims placed from check story' WHERE id = 1"],
        )
        .await;
        assert_eq!(problems(&test).await, "", "{}: put back", test.backend_name);
        tamper(
            &test,
            &["UPDATE postings SET kind = 'payment_received' WHERE id = 1"],
        )
        .await;
        let text = problems(&test).await;
        assert!(
            text.contains("posting 1 was changed after it was written"),
            "{}: {text}",
            test.backend_name
        );
    }
}

#[tokio::test]
async fn a_posting_slipped_in_without_a_tag_is_found() {
    for test in stores().await {
        placed(&test).await;
        tamper(
            &test,
            &[
                "INSERT INTO postings (id, kind, at_ms, description, entries_sha256, lines) \
               VALUES (7, 'payment_received', 1, 'slipped in', 'x', '[]')",
            ],
        )
        .await;
        let text = problems(&test).await;
        assert!(
            text.contains("posting 7 has no tag"),
            "{}: {text}",
            test.backend_name
        );
    }
}
