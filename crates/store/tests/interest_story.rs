//! Interest in the store: open cases read in keyset pages with their terms and balances, and
//! decisions recorded once — on SQLite and (with REILU_TEST_DATABASE_URL) PostgreSQL.

use reilu_core::{CustomerKind, MarketCode};
use reilu_store::test_support::{TestStore, stores_under_test, unique_name};
use reilu_store::*;

fn market() -> MarketCode {
    MarketCode::parse("FI").unwrap_or_else(|e| panic!("{e}"))
}

fn claim(
    reference: &str,
    customer: &str,
    principal_minor: i64,
    due: &str,
    rate: Option<i64>,
) -> NewClaim {
    NewClaim {
        claim_id: unique_name("claim"),
        case_id: unique_name("case"),
        client_claim_ref: reference.into(),
        market: market(),
        currency: "EUR".into(),
        principal_minor,
        creditor_fees_minor: 0,
        invoice_date: "2025-12-01".into(),
        due_date: due.into(),
        interest_rate_bp: rate,
        description: "Invoice".into(),
        customer: NewCustomer {
            id: unique_name("customer"),
            market: market(),
            kind: CustomerKind::Consumer,
            national_id_index: customer.into(),
            email_index: None,
            phone_index: None,
            language: "fi".into(),
            personal_data: vec![1],
        },
    }
}

/// Two cases: 100000 with two claims (12 % and none), 100001 with one.
async fn placed(test: &TestStore) -> String {
    let store = &test.store;
    let client = NewClient {
        id: unique_name("client"),
        name: "Kauppa".into(),
        market: market(),
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
        claims: vec![
            claim("A-1", "0a", 10_000, "2026-01-15", Some(1_200)),
            claim("A-2", "0a", 5_000, "2026-02-01", None),
            claim("B-1", "0b", 20_000, "2026-01-15", None),
        ],
        at_ms: 1,
        actor: "t".into(),
        source: "t".into(),
    };
    store
        .place_claims(&batch, None, &|_| StoredResponse {
            status: 200,
            body: String::new(),
        })
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
    client.id
}

fn accrual(
    case_number: i64,
    client: &str,
    from: &str,
    to: &str,
    amount_minor: i64,
) -> InterestDecision {
    let entry = |account: String, amount_minor: i64| PostingEntryRow {
        account,
        currency: "EUR".into(),
        amount_minor,
    };
    InterestDecision {
        case_number,
        decision: format!("{{\"verdict\":\"allow\",\"case\":{case_number}}}"),
        accrual: Some(NewInterestAccrual {
            from_date: from.into(),
            to_date: to.into(),
            currency: "EUR".into(),
            amount_minor,
            carry_minor_bp_days: 0,
            posting: (amount_minor > 0).then(|| NewPosting {
                kind: "interest_accrued".into(),
                at_ms: 2,
                corrects: None,
                idempotency_key: Some(format!("interest:{case_number}:{from}")),
                description: "interest".into(),
                actor: "system".into(),
                entries: vec![
                    entry(format!("receivable:{case_number}:interest"), amount_minor),
                    entry(format!("client_claims:{client}"), -amount_minor),
                ],
            }),
        }),
    }
}

fn denial(case_number: i64) -> InterestDecision {
    InterestDecision {
        case_number,
        decision: "{\"verdict\":\"deny\"}".into(),
        accrual: None,
    }
}

async fn journal_entries(store: &SqlStore) -> i64 {
    store
        .counts()
        .await
        .map(|c| c.journal_entries)
        .unwrap_or_default()
}

#[tokio::test]
async fn open_cases_come_in_pages_with_their_terms_and_balances() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        placed(&test).await;
        let page = test
            .store
            .open_interest_cases(0, 10)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        assert_eq!(page.len(), 2, "{}", test.backend_name);
        let first = &page[0];
        assert_eq!(
            (
                first.case_number,
                first.principal_minor,
                first.earliest_due_date.as_deref(),
                first.latest_due_date.as_deref(),
                first.lowest_interest_rate_bp,
                first.claims_without_rate,
                first.accrued_to.as_deref(),
                first.principal_balance_minor,
                first.interest_balance_minor,
            ),
            (
                100_000,
                15_000,
                Some("2026-01-15"),
                Some("2026-02-01"),
                Some(1_200),
                1,
                None,
                15_000,
                0
            ),
            "{}",
            test.backend_name
        );
        assert_eq!(
            (first.market.as_str(), first.customer_kind.as_str()),
            ("FI", "consumer")
        );
        assert_eq!(
            (page[1].lowest_interest_rate_bp, page[1].claims_without_rate),
            (None, 1)
        );
        let rest = test
            .store
            .open_interest_cases(100_000, 10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            rest.iter().map(|c| c.case_number).collect::<Vec<_>>(),
            vec![100_001]
        );
        let one = test
            .store
            .case_by_number(100_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            one.map(|c| (
                c.latest_due_date,
                c.lowest_interest_rate_bp,
                c.claims_without_rate
            )),
            Some(("2026-02-01".to_owned(), Some(1_200), 1))
        );
    }
}

#[tokio::test]
async fn accruals_are_recorded_once_with_their_postings_and_every_decision_is_journaled() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        let client = placed(&test).await;
        let before = journal_entries(store).await;
        let batch = vec![
            accrual(100_000, &client, "2026-02-02", "2026-03-01", 123),
            denial(100_001),
        ];
        let outcomes = store
            .record_interest(&batch, "system", 3)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        assert!(
            matches!(
                outcomes[..],
                [
                    AccrualOutcome::Accrued {
                        posting_id: Some(_)
                    },
                    AccrualOutcome::Denied
                ]
            ),
            "{outcomes:?}"
        );
        assert_eq!(
            journal_entries(store).await - before,
            3,
            "two decisions and the batch's summary"
        );
        let page = store
            .open_interest_cases(0, 10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (
                page[0].accrued_to.as_deref(),
                page[0].interest_balance_minor,
                page[1].accrued_to.as_deref()
            ),
            (Some("2026-03-01"), 123, None)
        );
        // The same accrual again (a run repeated, or racing another): nothing is written.
        let again = store
            .record_interest(&batch[..1], "system", 4)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, vec![AccrualOutcome::AlreadyAccrued]);
        // A later start is fine; one inside the accrued period is not.
        let inside = accrual(100_000, &client, "2026-02-15", "2026-03-05", 10);
        let next = accrual(100_000, &client, "2026-03-01", "2026-03-02", 0);
        let outcomes = store
            .record_interest(&[inside, next], "system", 5)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            outcomes,
            vec![
                AccrualOutcome::AlreadyAccrued,
                AccrualOutcome::Accrued { posting_id: None }
            ]
        );
        let interest = store
            .balances("receivable:100000:interest")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            interest,
            vec![("receivable:100000:interest".into(), "EUR".into(), 123)]
        );
        let check = store.check_ledger().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            check.problems,
            Vec::<String>::new(),
            "{}",
            test.backend_name
        );
        assert!(matches!(
            store
                .verify_journal()
                .await
                .unwrap_or_else(|e| panic!("{e}")),
            JournalVerification::Intact { .. }
        ));
        for sql in [
            "UPDATE interest_accruals SET amount_minor = 1",
            "DELETE FROM interest_accruals",
        ] {
            assert!(
                test.raw(sql).await.is_err(),
                "{sql}: accruals are append-only"
            );
        }
    }
}

#[tokio::test]
async fn an_accrual_that_does_not_match_its_posting_is_refused() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let client = placed(&test).await;
        let mut wrong = accrual(100_000, &client, "2026-02-02", "2026-03-01", 123);
        if let Some(accrual) = wrong.accrual.as_mut() {
            accrual.amount_minor = 124;
        }
        assert!(
            test.store
                .record_interest(&[wrong], "system", 3)
                .await
                .is_err()
        );
        let backwards = accrual(100_000, &client, "2026-03-01", "2026-03-01", 0);
        assert!(
            test.store
                .record_interest(&[backwards], "system", 3)
                .await
                .is_err()
        );
        let check = test
            .store
            .check_ledger()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check.postings, 1, "only the placement's posting");
    }
}
