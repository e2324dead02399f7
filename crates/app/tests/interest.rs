//! The interest run end to end on every backend: claims placed, interest accrued to a date in
//! 2026 H1 (statutory and contractual rates, a cap, a house-only market, a claim not yet
//! overdue), the same date again posts nothing, a later date continues, a period reaching days
//! without a statutory rate is accrued up to the first of them and the next run refused there
//! with its reason until a rate for it is published, and the ledger and journal stay whole.

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

        stops_at_the_first_day_without_a_rate(&app).await;
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

async fn add_fi_consumer_rate(app: &App<SqlStore>, from: &str, to: &str) -> Result<i64, String> {
    let rate = reilu_app::rates::AddRate {
        market: "fi",
        applies_to: "consumer",
        from: day(from),
        to: day(to),
        percent: "9.50",
        citation: "Suomen Pankki: viitekorko 1.7.–31.12.2026",
        by: "Compliance Officer",
    };
    app.add_published_rate(&rate)
        .await
        .map(|added| added.journal_seq)
        .map_err(|error| error.to_string())
}

#[tokio::test]
async fn a_published_rate_lets_the_run_continue_from_the_first_day_without_one() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_with_claims(test.store.clone()).await;
        // To 1 August: every FI and SE case stops at 1 July (no 2026 H2 rate).
        let summer = run(&app, "2026-08-01").await;
        assert_eq!(
            (summer.accrued, summer.stopped_at_missing_rate),
            (4, 4),
            "{backend}: {summer:?}"
        );
        assert_eq!(interest_owed(&app, 100_000).await, 4_711, "{backend}");
        // The summary warns of every market out of rates (the clock says 2026-11-25).
        let warned: Vec<(String, &str)> = summer
            .rate_warnings
            .iter()
            .map(|gap| (gap.market.to_string(), gap.customer_kind.as_str()))
            .collect();
        assert!(warned.contains(&("FI".into(), "consumer")), "{warned:?}");

        let seq = add_fi_consumer_rate(&app, "2026-07-01", "2026-12-31").await;
        assert!(seq.is_ok(), "{backend}: {seq:?}");
        refuses_bad_rates(&app, backend).await;

        // An App built now has the rate: the run continues from 1 July for FI consumers.
        // 100000: 100,000 × 9.5 % × 31 / 365 = 806.85, less the 0.04 the last rounding left →
        // €8.07. SE has no rate yet and stays where it stopped; Austria is refused.
        let app = app
            .with_published_rates()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let august = run(&app, "2026-08-01").await;
        assert_eq!(
            (august.accrued, august.up_to_date, august.denied),
            (3, 0, 2),
            "{backend}: {august:?}"
        );
        assert_eq!(interest_owed(&app, 100_000).await, 4_711 + 807, "{backend}");
        // FI consumers now run out on 1 January 2027, 37 days after the clock's today: no
        // longer warned of; FI business customers still are.
        let warned: Vec<(String, &str)> = august
            .rate_warnings
            .iter()
            .map(|gap| (gap.market.to_string(), gap.customer_kind.as_str()))
            .collect();
        assert!(!warned.contains(&("FI".into(), "consumer")), "{warned:?}");
        assert!(warned.contains(&("FI".into(), "business")), "{warned:?}");
        let listed = app
            .late_rates(Some("FI"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let published: Vec<&str> = listed
            .iter()
            .filter(|rate| rate.source == "published")
            .map(|rate| rate.rule_id.as_str())
            .collect();
        assert_eq!(published, ["PUB-FI-2026-07-01-consumer"], "{backend}");
        assert!(listed.iter().all(|rate| rate.market == "FI"));
        assert_whole(&app, backend).await;
    }
}

/// A recorded rate that a later pack release covers is left out when an App is built: the
/// reviewed pack wins, and the platform still starts.
#[tokio::test]
async fn a_recorded_rate_the_packs_now_cover_is_left_out() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let stale = reilu_store::NewPublishedRate {
            id: "PUB-FI-2026-01-01-consumer".into(),
            market: "FI".into(),
            applies_to: "consumer".into(),
            effective_from: "2026-01-01".into(),
            effective_to: "2026-06-30".into(),
            rate_bp: 2_000,
            citation: "a figure the pack now encodes otherwise".into(),
            recorded_by: "Compliance Officer".into(),
        };
        let recorded = test.store.insert_published_rate(&stale, 0).await;
        assert!(recorded.is_ok(), "{recorded:?}");
        let app = app_with_claims(test.store.clone())
            .await
            .with_published_rates()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        let summary = run(&app, "2026-06-01").await;
        assert_eq!(summary.accrued, 3, "{summary:?}");
        // The pack's 9.5 %, not the recorded 20 %: 3,930.14 → €39.30.
        assert_eq!(interest_owed(&app, 100_000).await, 3_930);
    }
}

/// What the rule book and the store refuse, with the reason in the error.
async fn refuses_bad_rates(app: &App<SqlStore>, backend: &str) {
    // This App was built before the rate: the store refuses it twice all the same.
    let twice = add_fi_consumer_rate(app, "2026-07-01", "2026-12-31").await;
    assert!(
        twice.as_ref().is_err_and(|e| e.contains("may not overlap")),
        "{backend}: {twice:?}"
    );
    // A rate over the pack's own half-year is refused by the rule book, naming the rule.
    let over_pack = add_fi_consumer_rate(app, "2026-01-01", "2026-06-30").await;
    assert!(
        over_pack
            .as_ref()
            .is_err_and(|e| e.contains("FI-interest-2026H1-consumer")),
        "{over_pack:?}"
    );
    let misaligned = add_fi_consumer_rate(app, "2027-01-01", "2027-03-31").await;
    assert!(
        misaligned.as_ref().is_err_and(|e| e.contains("half-year")),
        "{misaligned:?}"
    );
}

/// After the runs to 2026-06-15: 2026 H2 has no rate, so a run into it stops at 1 July.
async fn stops_at_the_first_day_without_a_rate(app: &App<SqlStore>) {
    // 2026 H2 has no statutory rate encoded: the overdue cases are accrued up to 1 July and
    // stop there; Austria's is refused. 100000: [2026-06-15, 2026-07-01) is 16 days,
    // 100,000 × 9.5 % × 16 / 365 = 416.44 less the 0.48 the last rounding left → €4.16:
    // 47.11 in all, one accrual over the 181 days of 2026 H1 (4,710.96).
    let autumn = run(app, "2026-11-25").await;
    assert_eq!(
        (
            autumn.accrued,
            autumn.stopped_at_missing_rate,
            autumn.denied
        ),
        (4, 4, 1),
        "{autumn:?}"
    );
    assert_eq!(interest_owed(app, 100_000).await, 3_930 + 365 + 416);
    // The next run starts at 1 July, where there is no rate: refused, by reason.
    let stuck = run(app, "2026-11-25").await;
    assert_eq!((stuck.accrued, stuck.denied), (0, 5), "{stuck:?}");
    assert_eq!(stuck.denied_by_reason.get("interest.no_rate"), Some(&5));
    assert_eq!(interest_owed(app, 100_000).await, 3_930 + 365 + 416);
}
