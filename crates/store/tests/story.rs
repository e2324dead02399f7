//! The store's conformance story, run on SQLite and, when REILU_TEST_DATABASE_URL is set,
//! on PostgreSQL.

use reilu_core::{CustomerKind, MarketCode};
use reilu_store::test_support::{TestStore, stores_under_test, unique_name};
use reilu_store::*;

fn market(code: &str) -> MarketCode {
    MarketCode::parse(code).unwrap_or_else(|e| panic!("{e}"))
}

fn client(name: &str) -> NewClient {
    NewClient {
        id: unique_name("client"),
        name: name.into(),
        market: market("FI"),
        iban: "FI2112345600000785".into(),
        api_key_hash: unique_name("hash"),
        commission_bp: 0,
    }
}

fn claim(reference: &str, national_id_index: &str) -> NewClaim {
    NewClaim {
        claim_id: unique_name("claim"),
        case_id: unique_name("case"),
        client_claim_ref: reference.into(),
        market: market("FI"),
        currency: "EUR".into(),
        principal_minor: 12_345,
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
            market: market("FI"),
            kind: CustomerKind::Consumer,
            national_id_index: national_id_index.into(),
            email_index: Some(format!("ee{national_id_index}")),
            phone_index: None,
            language: "fi".into(),
            language_stated: true,
            personal_data: vec![1, 2, 3, 4],
        },
    }
}

fn batch(client_id: &str, claims: Vec<NewClaim>) -> ClaimBatch {
    ClaimBatch {
        client_id: client_id.into(),
        claims,
        at_ms: 1_764_000_000_000,
        actor: "test".into(),
        source: "story".into(),
    }
}

fn no_response(_: &[Placement]) -> StoredResponse {
    StoredResponse {
        status: 200,
        body: String::new(),
    }
}

fn placements(outcome: PlaceOutcome) -> Vec<Placement> {
    match outcome {
        PlaceOutcome::Placed { placements, .. } => placements,
        other => panic!("expected placements, got {other:?}"),
    }
}

async fn stores() -> Vec<TestStore> {
    stores_under_test()
        .await
        .unwrap_or_else(|e| panic!("test store: {e}"))
}

#[tokio::test]
async fn clients_are_added_listed_and_found_by_key_hash() {
    for test in stores().await {
        let store = &test.store;
        store
            .ping()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        let first = client("Kauppa Oy");
        store
            .insert_client(&first, 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let second = client("Sähkö Oy");
        store
            .insert_client(&second, 2)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let listed = store.list_clients().await.unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<_> = listed.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Kauppa Oy", "Sähkö Oy"], "{}", test.backend_name);
        let found = store
            .client_by_api_key_hash(&second.api_key_hash)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.map(|c| c.id), Some(second.id.clone()));
        assert_eq!(store.client_by_id("nobody").await.ok().flatten(), None);
        let twice = store.insert_client(&first, 3).await;
        assert!(
            twice.is_err(),
            "{}: the same client id twice must fail",
            test.backend_name
        );
    }
}

#[tokio::test]
async fn claims_are_placed_once_and_grouped_into_cases() {
    for test in stores().await {
        let store = &test.store;
        let owner = client("Kauppa Oy");
        store
            .insert_client(&owner, 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let first = vec![
            claim("INV-1", "0a"),
            claim("INV-2", "0a"),
            claim("INV-3", "0b"),
            claim("INV-1", "0a"),
        ];
        let outcome = store
            .place_claims(&batch(&owner.id, first), None, &no_response)
            .await;
        let placed = placements(outcome.unwrap_or_else(|e| panic!("{}: {e}", test.backend_name)));
        assert_eq!(placed.len(), 4);
        let case_of = |placement: &Placement| match placement {
            Placement::Accepted { case_number, .. } => Some(*case_number),
            Placement::Duplicate { .. } | Placement::Rejected { .. } => None,
        };
        assert_eq!(
            case_of(&placed[0]),
            case_of(&placed[1]),
            "one customer, one client: one case"
        );
        assert_ne!(case_of(&placed[0]), case_of(&placed[2]));
        assert!(
            matches!(placed[3], Placement::Duplicate { .. }),
            "a repeat within the batch is a duplicate"
        );
        let again = vec![claim("INV-3", "0b"), claim("INV-4", "0b")];
        let placed_again = placements(
            store
                .place_claims(&batch(&owner.id, again), None, &no_response)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
        assert!(matches!(placed_again[0], Placement::Duplicate { .. }));
        assert_eq!(
            case_of(&placed_again[1]),
            case_of(&placed[2]),
            "a new claim joins the open case"
        );
        let counts = store.counts().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (counts.customers, counts.cases, counts.claims),
            (2, 2, 4),
            "{}",
            test.backend_name
        );
        let case_number = case_of(&placed[0]).unwrap_or_default();
        let case = store
            .case_by_number(case_number)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let case = case.unwrap_or_else(|| panic!("case {case_number} not found"));
        assert_eq!(
            (
                case.principal_minor,
                case.creditor_fees_minor,
                case.claim_count
            ),
            (24_690, 1_000, 2)
        );
        assert_eq!(case.customer_personal_data, vec![1, 2, 3, 4]);
    }
}

#[tokio::test]
async fn idempotency_keys_replay_the_first_answer() {
    for test in stores().await {
        let store = &test.store;
        let owner = client("Kauppa Oy");
        store
            .insert_client(&owner, 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let key = IdempotencyRequest {
            key: "k-1".into(),
            request_hash: "h-1".into(),
        };
        let respond = |placed: &[Placement]| StoredResponse {
            status: 201,
            body: format!("{} placed", placed.len()),
        };
        let first = store
            .place_claims(
                &batch(&owner.id, vec![claim("A", "0c")]),
                Some(&key),
                &respond,
            )
            .await;
        let first = first.unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        assert!(matches!(
            first,
            PlaceOutcome::Placed {
                response: Some(StoredResponse { status: 201, .. }),
                ..
            }
        ));
        let replay = store
            .place_claims(
                &batch(&owner.id, vec![claim("B", "0d")]),
                Some(&key),
                &respond,
            )
            .await;
        let reused = IdempotencyRequest {
            key: "k-1".into(),
            request_hash: "other".into(),
        };
        let refused = store
            .place_claims(
                &batch(&owner.id, vec![claim("B", "0d")]),
                Some(&reused),
                &respond,
            )
            .await;
        assert_eq!(
            replay.ok(),
            Some(PlaceOutcome::Replayed(StoredResponse {
                status: 201,
                body: "1 placed".into()
            }))
        );
        assert_eq!(refused.ok(), Some(PlaceOutcome::KeyReused));
        let counts = store.counts().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            counts.claims, 1,
            "{}: a replay places nothing",
            test.backend_name
        );
    }
}

#[tokio::test]
async fn the_journal_chains_every_write_and_refuses_changes() {
    for test in stores().await {
        let store = &test.store;
        let owner = client("Kauppa Oy");
        store
            .insert_client(&owner, 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .place_claims(
                &batch(&owner.id, vec![claim("A", "0c")]),
                None,
                &no_response,
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let entry = NewJournalEntry {
            at_ms: 5,
            actor: "t".into(),
            kind: "note".into(),
            subject: "s".into(),
            payload: "{}".into(),
        };
        let seq = store
            .append_journal(&entry)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // After the keyed marker (1) and the two placements.
        assert_eq!(seq, 4);
        let verification = store
            .verify_journal()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            verification,
            JournalVerification::Intact { entries: 4 },
            "{}",
            test.backend_name
        );
        let changed = test
            .raw("UPDATE journal SET payload = '{\"x\":1}' WHERE seq = 1")
            .await;
        assert!(
            changed.is_err(),
            "{}: the journal must refuse updates",
            test.backend_name
        );
        let removed = test.raw("DELETE FROM journal WHERE seq = 2").await;
        assert!(
            removed.is_err(),
            "{}: the journal must refuse deletes",
            test.backend_name
        );
    }
}
