//! Payments recorded once, allocated by component, unmatched money queued — on every backend.

use reilu_core::{CustomerKind, MarketCode};
use reilu_ledger::Component;
use reilu_store::test_support::{stores_under_test, unique_name};
use reilu_store::*;

fn claim(reference: &str, index: &str, principal_minor: i64) -> NewClaim {
    let market = MarketCode::parse("FI").unwrap_or_else(|e| panic!("{e}"));
    NewClaim {
        claim_id: unique_name("claim"),
        case_id: unique_name("case"),
        client_claim_ref: reference.into(),
        market,
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
            market,
            kind: CustomerKind::Consumer,
            national_id_index: index.into(),
            email_index: None,
            phone_index: None,
            language: "fi".into(),
            language_stated: true,
            personal_data: vec![1],
        },
    }
}

fn bank_entry(reference: &str, amount_minor: i64) -> BankEntryRecord {
    BankEntryRecord {
        payer_sealed: None,
        account_iban: "FI2112345600000785".into(),
        bank_reference: reference.into(),
        message_id: "MSG-1".into(),
        direction: "credit".into(),
        reversal: false,
        amount_minor,
        currency: "EUR".into(),
        booking_date: Some("2026-11-24".into()),
        structured_reference: None,
        unstructured: String::new(),
        unstructured_sealed: None,
        end_to_end_id: Some(format!("E2E-{reference}")),
    }
}

const ORDER: [Component; 3] = [
    Component::CollectionCosts,
    Component::Interest,
    Component::Principal,
];

#[tokio::test]
async fn payments_are_recorded_once_allocated_and_balanced() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        let client = NewClient {
            id: unique_name("client"),
            name: "K".into(),
            market: MarketCode::parse("FI").unwrap_or_else(|e| panic!("{e}")),
            iban: "FI2112345600000785".into(),
            api_key_hash: unique_name("h"),
            commission_bp: 0,
        };
        store
            .insert_client(&client, 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let batch = ClaimBatch {
            client_id: client.id.clone(),
            claims: vec![claim("A", "0a", 10_000)],
            at_ms: 1,
            actor: "t".into(),
            source: "t".into(),
        };
        store
            .place_claims(&batch, None, &|_| StoredResponse {
                status: 0,
                body: String::new(),
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let to_case = |reference: &str, amount: i64| PaymentInstruction {
            entry: bank_entry(reference, amount),
            target: PaymentTarget::Case {
                case_number: 100_000,
                client_id: client.id.clone(),
                allocation_order: ORDER.to_vec(),
            },
            reason: "matched by reference".into(),
        };
        let unmatched = PaymentInstruction {
            entry: bank_entry("B-3", 700),
            target: PaymentTarget::Unmatched,
            reason: "no reference found".into(),
        };
        let outcomes = store
            .record_payments(
                &[
                    to_case("B-1", 4_000),
                    to_case("B-2", 7_000),
                    unmatched.clone(),
                ],
                "test",
                2,
            )
            .await;
        let outcomes = outcomes.unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        assert!(matches!(
            outcomes[0],
            PaymentOutcome::Matched {
                case_number: 100_000,
                ..
            }
        ));
        assert!(matches!(outcomes[2], PaymentOutcome::Unmatched { .. }));
        let again = store
            .record_payments(&[to_case("B-1", 4_000), unmatched], "test", 3)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            again,
            vec![
                PaymentOutcome::AlreadyRecorded,
                PaymentOutcome::AlreadyRecorded
            ],
            "each bank entry posts once"
        );
        // 4,000 + 7,000 against principal 10,000 and fees 500: principal first (the order puts
        // creditor fees after it), then fees, then 500 overpaid.
        let owed = store
            .balances("receivable:100000:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(owed.iter().all(|(_, _, minor)| *minor == 0), "{owed:?}");
        let overpaid = store
            .balances("overpaid:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            overpaid,
            vec![("overpaid:100000".into(), "EUR".into(), -500)]
        );
        let liability = store
            .balances("client_liability:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            liability,
            vec![(
                format!("client_liability:{}", client.id),
                "EUR".into(),
                -10_500
            )]
        );
        let queue = store
            .unmatched_payments(10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (queue.len(), queue[0].reason.as_str()),
            (1, "no reference found")
        );
        let check = store.check_ledger().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            check.problems,
            Vec::<String>::new(),
            "{}",
            test.backend_name
        );
        let owners = store
            .case_owners(&[100_000, 999])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            owners,
            vec![(100_000, client.id.clone(), "FI".into(), "EUR".into())]
        );
        let _ = Component::ALL;
    }
}

/// Posting ids are reserved for a chunk when its facts are read, from the counter, in a
/// statement of its own: two imports that plan at the same time and write in the other order
/// still write under distinct ids (planned ids are the ids written), and a planner that
/// forgets a chunk before it is written cannot make two postings share one.
#[tokio::test]
async fn chunks_planned_at_the_same_time_write_under_their_own_posting_ids() {
    let unmatched = |reference: &str| PaymentInstruction {
        entry: bank_entry(reference, 700),
        target: PaymentTarget::Unmatched,
        reason: "no reference found".into(),
    };
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        let mut planned = Vec::new();
        for reference in ["U-1", "U-2"] {
            let mut import = store
                .begin_payment_import("test", 5)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let mut planner = import.take_planner().unwrap_or_else(|e| panic!("{e}"));
            let batch = vec![unmatched(reference)];
            let facts = import
                .prefetch(&[&batch[0].entry], &[])
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let chunk = planner.plan(batch, facts).unwrap_or_else(|e| panic!("{e}"));
            planner.forget();
            planned.push((import, chunk));
        }
        let mut ids = Vec::new();
        for (mut import, chunk) in planned.into_iter().rev() {
            let outcomes = import.write(chunk).await.unwrap_or_else(|e| panic!("{e}"));
            for outcome in outcomes {
                if let PaymentOutcome::Unmatched { posting_id } = outcome {
                    ids.push(posting_id);
                }
            }
            // A chunk smaller than a transaction's worth stays open until the import finishes.
            import
                .finish("payments.imported", "test", "{}", &[])
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(ids.len(), 2, "{}", test.backend_name);
        assert_ne!(ids[0], ids[1]);
        let check = store.check_ledger().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            check.problems,
            Vec::<String>::new(),
            "{}",
            test.backend_name
        );
        let queue = store
            .unmatched_payments(10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(queue.len(), 2);
    }
}
