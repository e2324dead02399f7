//! The interest run end to end on every backend: claims placed, interest accrued to a date in
//! 2026 H1 (statutory and contractual rates, a cap, a house-only market, a claim not yet
//! overdue), the same date again posts nothing, a later date continues, a date without a
//! statutory rate is refused with its reason, and the ledger and journal stay whole.

use std::sync::Arc;

use chrono::NaiveDate;
use reilu_app::interest::AccrualSummary;
use reilu_app::{App, FixedClock};
use reilu_rules::model::{Actor, Context, Proposal};
use reilu_store::test_support::stores_under_test;
use reilu_store::{JournalVerification, SqlStore, Store};
use reilu_vault::{MasterKey, Vault};

const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,currency,principal,invoice_date,due_date,interest_rate_pct";
/// Cases 100000–100004, in this order.
const ROWS: &str = "\
I-1,FI,consumer,010180-1232,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,EUR,1000.00,2025-12-01,2025-12-31,
I-2,FI,consumer,020290-234N,Matti Meikäläinen,Aleksanterinkatu 2,00100,Helsinki,EUR,2000.00,2025-12-01,2025-12-31,12.00
I-3,SE,consumer,811218-9876,Sven Svensson,Drottninggatan 3,11151,Stockholm,SEK,10000.00,2025-12-01,2025-12-31,18.00
I-4,AT,consumer,1237010180,Anna Huber,Graben 4,1010,Wien,EUR,500.00,2025-12-01,2025-12-31,
I-5,FI,consumer,030375-345U,Liisa Virtanen,Hämeenkatu 5,33100,Tampere,EUR,300.00,2026-05-20,2026-06-20,
";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{e}"))
}

async fn app_with_claims(store: SqlStore) -> App<SqlStore> {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"));
    let app = App::new(
        store,
        Vault::new(&MasterKey::generate()),
        Arc::new(FixedClock(now.to_utc())),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let client = app
        .add_client("Kauppa Oy", "FI", "FI2112345600000785")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let summary = app
        .import_claim_file(
            &client.id,
            "claims.csv",
            std::io::Cursor::new(format!("{HEADER}\n{ROWS}").into_bytes()),
            &|_| {},
            &mut |_| Ok(()),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (summary.accepted, summary.rejected),
        (5, 0),
        "{:?}",
        summary.errors
    );
    app
}

async fn run(app: &App<SqlStore>, date: &str) -> AccrualSummary {
    app.accrue_interest(day(date), &|_| {})
        .await
        .unwrap_or_else(|e| panic!("{date}: {e}"))
}

async fn interest_owed(app: &App<SqlStore>, case_number: i64) -> i64 {
    let account = format!("receivable:{case_number}:interest");
    app.store()
        .balances(&account)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .first()
        .map_or(0, |(_, _, minor)| *minor)
}

async fn assert_whole(app: &App<SqlStore>, backend: &str) {
    let check = app
        .store()
        .check_ledger()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check.problems, Vec::<String>::new(), "{backend}");
    let journal = app
        .store()
        .verify_journal()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(journal, JournalVerification::Intact { .. }),
        "{backend}: {journal:?}"
    );
}

#[tokio::test]
async fn interest_is_accrued_once_per_period_continues_and_refuses_unknown_rates() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_with_claims(test.store.clone()).await;
        let first = run(&app, "2026-06-01").await;
        // Every accrual runs [2026-01-01, 2026-06-01): 31 + 28 + 31 + 30 + 31 = 151 days, each
        // earning principal × rate / 365 (Actual/365 Fixed), summed, rounded half up once.
        // 100000: statutory, Korkolaki § 4: 2.5 % reference + 7 = 9.5 %.
        //   100,000 minor × 9.5 % × 151 / 365 = 3,930.14 minor → €39.30.
        // 100001: contractual 12 %, higher than 9.5 % (§ 4 (2)), within 180 days of the due
        //   date and under every cap (law 15 %, house 20 % and 9.5 + 5 = 14.5 %).
        //   200,000 × 12 % × 151 / 365 = 9,928.77 → €99.29.
        // 100002: contractual 18 % (räntelag 1 §), capped by the house at the statutory
        //   2 % + 8 = 10 % plus 5 points = 15 %. 1,000,000 × 15 % × 151 / 365 = 62,054.79 →
        //   620.55 kr.
        // 100003: Austria's law is not encoded: no rate, refused.
        // 100004: due 2026-06-20, not overdue before the run date.
        assert_eq!(interest_owed(&app, 100_000).await, 3_930, "{backend}");
        assert_eq!(interest_owed(&app, 100_001).await, 9_929, "{backend}");
        assert_eq!(interest_owed(&app, 100_002).await, 62_055, "{backend}");
        assert_eq!(interest_owed(&app, 100_003).await, 0, "{backend}");
        assert_eq!(
            (
                first.cases_considered,
                first.accrued,
                first.denied,
                first.not_yet_due,
                first.up_to_date
            ),
            (5, 3, 1, 1, 0),
            "{backend}: {first:?}"
        );
        assert_eq!(
            first.denied_by_reason.into_iter().collect::<Vec<_>>(),
            vec![("interest.no_rate".to_owned(), 1)]
        );
        let totals: Vec<(String, i64)> = first
            .totals
            .iter()
            .map(|t| (t.currency.clone(), t.amount_minor))
            .collect();
        assert_eq!(
            totals,
            vec![("EUR".into(), 3_930 + 9_929), ("SEK".into(), 62_055)]
        );
        assert_eq!(first.totals[0].amount, "138.59 EUR");

        // The same date again: nothing new (the refusal is decided and journaled again).
        let postings_before = app
            .store()
            .check_ledger()
            .await
            .map(|c| c.postings)
            .unwrap_or(0);
        let again = run(&app, "2026-06-01").await;
        assert_eq!(
            (again.accrued, again.up_to_date, again.denied),
            (0, 3, 1),
            "{again:?}"
        );
        assert_eq!(
            app.store()
                .check_ledger()
                .await
                .map(|c| c.postings)
                .unwrap_or(0),
            postings_before
        );
        assert_eq!(interest_owed(&app, 100_000).await, 3_930);

        // Two weeks later the run continues from where it stopped: [2026-06-01, 2026-06-15).
        // 100000: 100,000 × 9.5 % × 14 / 365 = 364.38, plus the 0.14 the first accrual's
        // rounding left over (3,930.14 → 3,930) = 364.52 → €3.65 more: 42.95 in all, what
        // one accrual over the 165 days gives (100,000 × 9.5 % × 165 / 365 = 4,294.52).
        let later = run(&app, "2026-06-15").await;
        assert_eq!((later.accrued, later.not_yet_due), (3, 1), "{later:?}");
        assert_eq!(interest_owed(&app, 100_000).await, 3_930 + 365);

        // 2026 H2 has no statutory rate encoded: every overdue case is refused, by reason.
        let autumn = run(&app, "2026-11-25").await;
        assert_eq!((autumn.accrued, autumn.denied), (0, 5), "{autumn:?}");
        assert_eq!(autumn.denied_by_reason.get("interest.no_rate"), Some(&5));
        assert_eq!(interest_owed(&app, 100_000).await, 3_930 + 365);
        assert_whole(&app, backend).await;
    }
}

#[tokio::test]
async fn a_proposed_accrual_and_the_run_share_one_record() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_with_claims(test.store.clone()).await;
        let context = Context {
            now: app.clock.now(),
            actor: Actor::System,
        };
        // January by hand: 100,000 × 9.5 % × 31 / 365 = 806.85 → €8.07.
        let january = Proposal::AccrueInterest {
            from: day("2026-01-01"),
            to: day("2026-02-01"),
        };
        let proposed = app
            .propose(100_000, &january, &context)
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert!(proposed.posting_id().is_some());
        assert_eq!(interest_owed(&app, 100_000).await, 807);
        // The same period again is not carried out: it is accrued already.
        let again = app
            .propose(100_000, &january, &context)
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(again.execution, reilu_store::Execution::AlreadyAccrued);
        // The run continues from February: [2026-02-01, 2026-06-01) is 120 days,
        // 100,000 × 9.5 % × 120 / 365 = 3,123.29 → €31.23.
        let summary = run(&app, "2026-06-01").await;
        assert_eq!(summary.accrued, 3, "{summary:?}");
        assert_eq!(interest_owed(&app, 100_000).await, 807 + 3_123);
        // A period before the due date is refused by the gate, nothing booked.
        let early = Proposal::AccrueInterest {
            from: day("2025-12-01"),
            to: day("2025-12-15"),
        };
        let refused = app
            .propose(100_003, &early, &context)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (refused.outcome.decision.verdict, refused.posting_id()),
            (reilu_rules::Verdict::Deny, None)
        );
        assert_whole(&app, backend).await;
    }
}
