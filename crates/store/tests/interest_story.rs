//! Interest in the store: open cases read in keyset pages with their terms and balances, and
//! decisions recorded once — on SQLite and (with REILU_TEST_DATABASE_URL) PostgreSQL.

use chrono::{DateTime, NaiveDate};
use reilu_core::{Currency, CustomerKind, MarketCode, Markets, Money};
use reilu_rules::model::{Actor, Balances, CaseView, Context, Proposal};
use reilu_rules::{ApprovedAction, CaseDecision, CaseSnapshot, DecisionId, Gate};
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
        arose_on: None,
        reminder_fee_agreed: None,
        jurisdiction: None,
        customer: NewCustomer {
            id: unique_name("customer"),
            market: market(),
            kind: CustomerKind::Consumer,
            national_id_index: customer.into(),
            email_index: None,
            phone_index: None,
            language: "fi".into(),
            language_stated: true,
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

fn gate() -> Gate {
    Gate::builtin(&Markets::builtin().unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{e}"))
}

/// The case as the gate sees it (terms as placed, no history) at its stored version.
async fn snapshot(store: &SqlStore, case_number: i64, principal_minor: i64) -> CaseSnapshot {
    let facts = store
        .case_facts(&[case_number])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let version = facts.get(&case_number).map_or(-1, |f| f.version);
    let principal = Money::from_minor(principal_minor, Currency::EUR);
    let zero = Money::zero(Currency::EUR);
    let view = CaseView {
        market: market(),
        customer_kind: CustomerKind::Consumer,
        time_zone: chrono_tz::Europe::Helsinki,
        original_principal: principal,
        balances: Balances {
            principal,
            interest: zero,
            collection_costs: zero,
            creditor_fees: zero,
        },
        due_date: day("2026-02-01"),
        limitation_interrupted_on: None,
        holds: Vec::new(),
        vulnerable: false,
        contact_history: Vec::new(),
        fee_history: Vec::new(),
        channels_refused: Vec::new(),
        first_demand_sent_at: None,
        plans_charged: 0,
        contractual_rate_bp: None,
        statutory_claims: true,
        interest_carry_minor_bp_days: 0,
        arose_on: None,
        reminder_fee_agreed: false,
        jurisdiction: None,
        last_reminder_sent_at: None,
        vulnerability_review_on: None,
        principal_history: Vec::new(),
    };
    CaseSnapshot {
        case_number,
        version,
        view,
    }
}

fn interest(snapshot: &CaseSnapshot, from: &str, to: &str, id: &str) -> CaseDecision {
    let context = Context {
        now: DateTime::parse_from_rfc3339("2026-06-01T09:00:00Z")
            .unwrap_or_else(|e| panic!("{e}"))
            .to_utc(),
        actor: Actor::System,
    };
    let proposal = Proposal::AccrueInterest {
        from: day(from),
        to: day(to),
    };
    let id = DecisionId::parse(id).unwrap_or_else(|| panic!("{id}"));
    gate().decide_case(&proposal, snapshot, &context, id)
}

fn amount_of(decision: &CaseDecision) -> i64 {
    match decision.approved().map(|a| a.action()) {
        Some(ApprovedAction::Interest { amount, .. }) => amount.amount_minor(),
        other => panic!("not an interest approval: {other:?}"),
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
async fn accruals_are_executed_once_with_their_postings_and_every_decision_is_journaled() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        placed(&test).await;
        let before = journal_entries(store).await;
        let first = snapshot(store, 100_000, 15_000).await;
        let approved = interest(&first, "2026-02-02", "2026-03-01", "a-1");
        let accrued_minor = amount_of(&approved);
        assert!(accrued_minor > 0);
        // A period before the due date: the gate refuses, and the refusal is recorded too.
        let other = snapshot(store, 100_001, 20_000).await;
        let denied = interest(&other, "2026-01-01", "2026-01-10", "d-1");
        assert!(denied.approved().is_none());
        let outcomes = store
            .execute(vec![approved, denied], "system", 3)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        assert!(
            matches!(
                outcomes[..],
                [
                    Execution::Executed {
                        posting_id: Some(_)
                    },
                    Execution::Denied
                ]
            ),
            "{outcomes:?}"
        );
        assert_eq!(
            journal_entries(store).await - before,
            2,
            "one entry per decision, the approval's naming its posting"
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
            (Some("2026-03-01"), accrued_minor, None)
        );
        // The same decision id again (a replay): recorded once, nothing done twice.
        let fresh = snapshot(store, 100_000, 15_000).await;
        let replay = interest(&fresh, "2026-03-01", "2026-03-02", "a-1");
        // A decision on the snapshot from before the accrual: the case moved on.
        let stale = interest(&first, "2026-03-01", "2026-03-02", "a-2");
        // A new decision on the fresh snapshot for days already accrued.
        let inside = interest(&fresh, "2026-02-15", "2026-03-05", "a-3");
        let outcomes = store
            .execute(vec![replay, stale, inside], "system", 4)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            outcomes,
            vec![
                Execution::AlreadyRecorded,
                Execution::Stale {
                    version: fresh.version
                },
                Execution::AlreadyAccrued
            ]
        );
        let interest_owed = store
            .balances("receivable:100000:interest")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            interest_owed,
            vec![(
                "receivable:100000:interest".into(),
                "EUR".into(),
                accrued_minor
            )]
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
            "UPDATE case_decisions SET executed = 0",
            "DELETE FROM case_decisions",
        ] {
            assert!(test.raw(sql).await.is_err(), "{sql}: append-only");
        }
    }
}

#[tokio::test]
async fn a_charge_cannot_be_posted_past_the_executor() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let client = placed(&test).await;
        let entry = |account: String, amount_minor: i64| PostingEntryRow {
            account,
            currency: "EUR".into(),
            amount_minor,
        };
        for (kind, credit) in [
            ("interest_accrued", format!("client_claims:{client}")),
            ("fee_charged", "costs_charged".to_owned()),
        ] {
            let posting = NewPosting {
                kind: kind.into(),
                at_ms: 2,
                corrects: None,
                idempotency_key: None,
                description: "by hand".into(),
                actor: "someone".into(),
                entries: vec![
                    entry("receivable:100000:interest".into(), 500),
                    entry(credit, -500),
                ],
            };
            let refused = test.store.post(&posting).await;
            assert!(
                matches!(refused, Err(StoreError::Conflict(_))),
                "{kind}: {refused:?}"
            );
        }
        let check = test
            .store
            .check_ledger()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check.postings, 1, "only the placement's posting");
    }
}
