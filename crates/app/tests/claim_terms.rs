//! The claim terms a client gives in its claim file reach the gate: a Swedish reminder fee
//! only where agreed, Swedish limitation from when the debt arose, the limitation period of
//! the UK part whose law applies (given, or read from the postcode), and how a case of several
//! claims reads them — on SQLite and (with REILU_TEST_DATABASE_URL) PostgreSQL.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use reilu_app::{App, FixedClock};
use reilu_core::{Currency, Money};
use reilu_rules::model::{Actor, Channel, ContactPurpose, Context, FeeKind, Proposal, Recipient};
use reilu_rules::{CaseDecision, Verdict};
use reilu_store::test_support::stores_under_test;
use reilu_store::{Execution, SqlStore, Store};
use reilu_vault::{MasterKey, Vault};

const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,currency,principal,invoice_date,due_date,arose_on,reminder_fee_agreed,jurisdiction";
/// One case per row, numbered from 100000 in this order; the last two customers have two
/// claims each (cases 100007 and 100008).
const ROWS: &str = "\
SE-AGREED,SE,consumer,19530130-2153,Anna Johansson,Storgatan 96,471 69,Göteborg,SEK,3570.07,2026-08-01,2026-09-01,2026-07-20,true,
SE-SILENT,SE,consumer,19930216-6922,Karl Johansson,Drottninggatan 95,424 05,Göteborg,SEK,4120.96,2026-08-01,2026-09-01,,,
GB-EDINBURGH,GB,consumer,ES719900B,Amelia Wilson,Princes Street 1,EH2 2AN,Edinburgh,GBP,95.40,2021-10-24,2021-11-24,,,
GB-LONDON,GB,consumer,PA892201D,Amelia Brown,Station Road 65,SW1A 1AA,London,GBP,291.72,2021-10-24,2021-11-24,,,gb-eng
GB-LEEDS,GB,consumer,EB523632C,Olivia Williams,Station Road 33,LS1 6AA,Leeds,GBP,120.00,2021-10-24,2021-11-24,,,
SE-OLD,SE,consumer,19471015-6987,Anna Johansson,Vasagatan 42,154 73,Stockholm,SEK,5990.90,2023-11-01,2023-12-01,2023-01-10,,
SE-OLD-DUE,SE,consumer,19571215-4425,Maria Larsson,Drottninggatan 3,422 00,Göteborg,SEK,800.00,2023-11-01,2023-12-01,,,
SE-MIXED-1,SE,consumer,19600817-2576,Eva Andersson,Drottninggatan 27,294 60,Malmö,SEK,100.00,2026-06-01,2026-07-01,2026-05-20,yes,
SE-MIXED-2,SE,consumer,19600817-2576,Eva Andersson,Drottninggatan 27,294 60,Malmö,SEK,200.00,2026-04-15,2026-05-15,,,
GB-MIXED-1,GB,consumer,KC327428B,Harry Smith,Church Lane 3,BS8 9AA,Bristol,GBP,50.00,2025-01-01,2025-02-01,,,GB-ENG
GB-MIXED-2,GB,consumer,KC327428B,Harry Smith,Church Lane 3,BS8 9AA,Bristol,GBP,60.00,2025-01-01,2025-02-01,,,GB-SCT
";
const SE_AGREED: i64 = 100_000;
const SE_SILENT: i64 = 100_001;
const GB_SCOTTISH: i64 = 100_002;
const GB_ENGLISH: i64 = 100_003;
const GB_UNKNOWN: i64 = 100_004;
const SE_AROSE_EARLY: i64 = 100_005;
const SE_ONLY_DUE: i64 = 100_006;
const SE_MIXED: i64 = 100_007;
const GB_MIXED: i64 = 100_008;
/// Five years and one day after the British claims fell due (2021-11-24).
const NOW: &str = "2026-11-25T10:00:00Z";

async fn app_on(store: SqlStore) -> App<SqlStore> {
    let app = App::new(
        store,
        Vault::new(&MasterKey::generate()),
        Arc::new(FixedClock(at(NOW))),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let client = app
        .add_client_with_terms("Kauppa Oy", "FI", "FI2112345600000785", 0)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let summary = app
        .import_claim_file(
            &client.id,
            "terms.csv",
            std::io::Cursor::new(format!("{HEADER}\n{ROWS}").into_bytes()),
            &|_| {},
            &mut |_| Ok(()),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((summary.accepted, summary.rejected), (11, 0), "{summary:?}");
    app
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .to_utc()
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn sek() -> Currency {
    Currency::parse("SEK").unwrap_or_else(|e| panic!("{e}"))
}

fn now() -> Context {
    Context {
        now: at(NOW),
        actor: Actor::System,
    }
}

/// A letter asking for payment, sent on a Wednesday morning.
fn letter() -> Proposal {
    Proposal::Contact {
        channel: Channel::Letter,
        at: at(NOW),
        recipient: Recipient::Customer,
        purpose: ContactPurpose::Payment,
    }
}

fn denied_by(decision: &CaseDecision) -> Vec<&'static str> {
    decision
        .outcome()
        .decision
        .denials()
        .map(|reason| reason.message_key)
        .collect()
}

async fn decide(app: &App<SqlStore>, case: i64, proposal: &Proposal) -> CaseDecision {
    app.decide(case, proposal, &now())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn a_swedish_reminder_fee_is_charged_only_where_the_claim_says_it_was_agreed() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        let backend = test.backend_name;
        let reminder = Proposal::ChargeFee {
            fee: FeeKind::Reminder,
            amount: Money::from_minor(6_000, sek()),
        };
        let agreed = app
            .propose(SE_AGREED, &reminder, &now())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            agreed.posting_id().is_some(),
            "{backend}: {:?}",
            agreed.outcome
        );
        let silent = app
            .propose(SE_SILENT, &reminder, &now())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(silent.execution, Execution::Denied, "{backend}");
        let citations: Vec<&str> = silent
            .outcome
            .decision
            .denials()
            .map(|reason| reason.citation.as_ref())
            .collect();
        assert!(
            citations
                .iter()
                .any(|citation| citation.contains("1981:739") && citation.contains("2 §")),
            "{backend}: {citations:?}"
        );
        let charged = app
            .store()
            .balances(&format!("receivable:{SE_SILENT}:collection_costs"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(charged.iter().all(|(_, _, minor)| *minor == 0), "{backend}");
    }
}

#[tokio::test]
async fn a_british_claim_is_time_barred_by_the_limitation_of_its_part_of_the_uk() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        let backend = test.backend_name;
        let jurisdiction = |snapshot: reilu_rules::CaseSnapshot| snapshot.view.jurisdiction;
        for (case, expected) in [
            (GB_SCOTTISH, Some("GB-SCT")),
            (GB_ENGLISH, Some("GB-ENG")),
            (GB_UNKNOWN, None),
        ] {
            let snapshot = app.snapshot(case).await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                jurisdiction(snapshot).as_deref(),
                expected,
                "{backend} {case}"
            );
        }
        // Edinburgh: five years from 2021-11-24 ended yesterday (Scotland, 1973 Act s 6).
        let scottish = decide(&app, GB_SCOTTISH, &letter()).await;
        assert_eq!(
            denied_by(&scottish),
            ["collection.time_barred"],
            "{backend}"
        );
        // London, named England: six years, a year to go.
        let english = decide(&app, GB_ENGLISH, &letter()).await;
        assert_eq!(denied_by(&english), Vec::<&str>::new(), "{backend}");
        assert_ne!(english.outcome().decision.verdict, Verdict::Deny);
        // Leeds, no jurisdiction and a postcode that shows none: the shortest period applies.
        let unknown = decide(&app, GB_UNKNOWN, &letter()).await;
        assert_eq!(
            denied_by(&unknown),
            ["collection.time_barred_jurisdiction_unknown"],
            "{backend}"
        );
        // An operator's setting wins over the postcode's reading.
        app.set_jurisdiction(GB_SCOTTISH, "GB-ENG", "agent-1")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let set = decide(&app, GB_SCOTTISH, &letter()).await;
        assert_eq!(denied_by(&set), Vec::<&str>::new(), "{backend}");
    }
}

#[tokio::test]
async fn swedish_limitation_counts_from_when_the_debt_arose() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        let backend = test.backend_name;
        // Arose 2023-01-10: three years ended 2026-01-10 (preskriptionslag 2 §, consumer).
        let early = app
            .snapshot(SE_AROSE_EARLY)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(early.view.arose_on, day("2023-01-10"), "{backend}");
        let barred = decide(&app, SE_AROSE_EARLY, &letter()).await;
        assert_eq!(denied_by(&barred), ["collection.time_barred"], "{backend}");
        // The same due date without arose_on: counted from 2023-12-01, not barred yet.
        let only_due = app
            .snapshot(SE_ONLY_DUE)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(only_due.view.arose_on, None, "{backend}");
        let open = decide(&app, SE_ONLY_DUE, &letter()).await;
        assert!(
            !denied_by(&open).contains(&"collection.time_barred"),
            "{backend}: {:?}",
            denied_by(&open)
        );
    }
}

#[tokio::test]
async fn a_case_of_several_claims_reads_their_terms_the_way_that_protects_the_customer() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        let backend = test.backend_name;
        // One claim arose 2026-05-20 and agreed a reminder fee; the other says nothing and
        // was invoiced 2026-04-15, so the debt had arisen by then.
        let mixed = app
            .store()
            .case_by_number(SE_MIXED)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("{backend}: no case {SE_MIXED}"));
        assert_eq!(mixed.claim_count, 2, "{backend}");
        assert_eq!(
            mixed.earliest_arose_on.as_deref(),
            Some("2026-04-15"),
            "{backend}"
        );
        assert!(
            !mixed.reminder_fee_agreed,
            "{backend}: not every claim agreed"
        );
        let agreed = app
            .store()
            .case_by_number(SE_AGREED)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("{backend}: no case {SE_AGREED}"));
        assert!(agreed.reminder_fee_agreed, "{backend}");
        assert_eq!(agreed.earliest_arose_on.as_deref(), Some("2026-07-20"));
        // England and Scotland: Scotland's shorter period.
        let british = app
            .snapshot(GB_MIXED)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            british.view.jurisdiction.as_deref(),
            Some("GB-SCT"),
            "{backend}"
        );
        assert_eq!(british.view.arose_on, None, "{backend}");
        assert!(!british.view.reminder_fee_agreed, "{backend}");
        assert_interest_run_reads_the_same(&app, backend).await;
    }
}

/// The interest run reads the cases a page at a time with a query of its own; it must read
/// the terms as the case read does.
async fn assert_interest_run_reads_the_same(app: &App<SqlStore>, backend: &str) {
    let page = app
        .store()
        .open_interest_cases(0, 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.len(), 9, "{backend}");
    for case in page {
        let row = app
            .store()
            .case_by_number(case.case_number)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("{backend}: no case {}", case.case_number));
        assert_eq!(
            (
                case.earliest_arose_on,
                case.reminder_fee_agreed,
                case.jurisdiction
            ),
            (
                row.earliest_arose_on,
                row.reminder_fee_agreed,
                row.jurisdiction
            ),
            "{backend} {}",
            case.case_number
        );
    }
}
