//! The unmatched queue, worked: entries listed by booking date, assigned to their case as a
//! matched payment would have been, or refunded to the payer; overpayments refunded. Client
//! money stays equal to what is owed after every step.

use std::sync::Arc;

use reilu_app::payments::IncomingPayment;
use reilu_app::payout::StopAfter;
use reilu_app::unmatched::{EntryRef, Payer};
use reilu_app::{App, FixedClock};
use reilu_store::test_support::{TestStore, stores_under_test};
use reilu_store::{BankAccountKind, BankEntryRecord, SqlStore, Store};
use reilu_vault::{MasterKey, Vault};

const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,currency,principal,invoice_date,due_date,creditor_fees";
/// Case 100000 (FI, EUR: 100.00 principal and 5.00 fees) and 100001 (SE, SEK).
const ROWS: &str = "\
INV-1,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,EUR,100.00,2026-09-01,2026-09-15,5.00
INV-2,SE,consumer,19530130-2153,Anna Johansson,Storgatan 96,471 69,Göteborg,SEK,3570.07,2026-08-01,2026-09-01,
";
const BANK: &str = "FI2112345600000785";
const SEK_BANK: &str = "SE4550000000058398257466";
const PAYER_IBAN: &str = "FI4950009420028730";

fn app_on(store: SqlStore) -> App<SqlStore> {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"));
    App::new(
        store,
        Vault::new(&MasterKey::generate()),
        Arc::new(FixedClock(now.to_utc())),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
}

async fn setup(app: &App<SqlStore>) {
    for (iban, currency) in [(BANK, "EUR"), (SEK_BANK, "SEK")] {
        app.add_bank_account(iban, currency, BankAccountKind::ClientMoney, None, "test")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let client = app
        .add_client_with_terms("Kauppa Oy", "FI", BANK, 1000)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let summary = app
        .import_claim_file(
            &client.id,
            "t.csv",
            std::io::Cursor::new(format!("{HEADER}\n{ROWS}").into_bytes()),
            &|_| {},
            &mut |_| Ok(()),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.accepted, 2, "{summary:?}");
}

/// A credit on `account` booked on `booked`, with no reference unless `structured` is given.
fn credit(
    account: &str,
    reference: &str,
    amount_minor: i64,
    currency: &str,
    booked: Option<&str>,
    structured: Option<String>,
) -> IncomingPayment {
    IncomingPayment {
        payer: None,
        record: BankEntryRecord {
            payer_sealed: None,
            account_iban: account.into(),
            bank_reference: reference.into(),
            message_id: "CAMT-1".into(),
            direction: "credit".into(),
            reversal: false,
            amount_minor,
            currency: currency.into(),
            booking_date: booked.map(str::to_owned),
            structured_reference: structured,
            unstructured: "no reference".into(),
            unstructured_sealed: None,
            end_to_end_id: Some(format!("E2E-{reference}")),
        },
        credit: true,
        returned: false,
        return_reason: None,
        unstructured_lines: vec!["no reference".into()],
    }
}

/// Money out that returns nothing we booked: it waits in the queue, negative.
fn stray_return(reference: &str) -> IncomingPayment {
    let mut out = credit(BANK, reference, 900, "EUR", Some("2026-11-23"), None);
    out.record.direction = "debit".into();
    out.record.end_to_end_id = Some("E2E-UNKNOWN".into());
    out.credit = false;
    out.returned = true;
    out.return_reason = Some("AC04".into());
    out
}

async fn import(app: &App<SqlStore>, payments: Vec<IncomingPayment>) {
    app.import_payments(reilu_app::payments::source_fn(move |sink| {
        payments.iter().try_for_each(|p| sink(p.clone()))
    }))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

fn entry(reference: &str) -> EntryRef {
    EntryRef {
        bank_reference: reference.into(),
        account_iban: None,
    }
}

async fn queue(app: &App<SqlStore>) -> Vec<String> {
    app.store()
        .unmatched_payments(100)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|payment| payment.bank_reference)
        .collect()
}

async fn assert_ledger_checks(app: &App<SqlStore>, step: &str) {
    let check = app
        .store()
        .check_ledger()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check.problems, Vec::<String>::new(), "{step}");
}

async fn balance(app: &App<SqlStore>, prefix: &str) -> i64 {
    app.store()
        .balances(prefix)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|(_, _, minor)| *minor)
        .sum()
}

fn error_of<T: std::fmt::Debug>(result: reilu_app::AppResult<T>) -> String {
    match result {
        Ok(value) => panic!("expected a refusal, got {value:?}"),
        Err(error) => error.to_string(),
    }
}

/// Stores a payer for a bank entry as the payment import is to (sealed, bound to the entry),
/// behind the store's back.
async fn store_payer(test: &TestStore, app: &App<SqlStore>, reference: &str, account: &str) {
    let sealed = reilu_app::unmatched::seal_payer(
        &app.vault,
        account,
        reference,
        "Matti Meikäläinen",
        PAYER_IBAN,
    );
    let hex: String = sealed.iter().map(|byte| format!("{byte:02x}")).collect();
    let value = if test.backend_name == "postgres" {
        format!("decode('{hex}', 'hex')")
    } else {
        format!("X'{hex}'")
    };
    let changed = test
        .raw(&format!(
            "UPDATE bank_entries SET payer_sealed = {value} WHERE account_iban = '{account}' AND bank_reference = '{reference}'"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed, 1);
}

#[tokio::test]
async fn the_queue_is_listed_by_booking_date_oldest_first() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone());
        setup(&app).await;
        // One file, so one import time: only the booking dates order them.
        import(
            &app,
            vec![
                credit(BANK, "U-1", 1_000, "EUR", Some("2026-11-24"), None),
                credit(BANK, "U-2", 2_000, "EUR", Some("2026-11-20"), None),
                credit(BANK, "U-3", 3_000, "EUR", None, None),
                credit(BANK, "U-0", 4_000, "EUR", Some("2026-11-22"), None),
            ],
        )
        .await;
        assert_eq!(
            queue(&app).await,
            ["U-2", "U-0", "U-1", "U-3"],
            "{}",
            test.backend_name
        );
    }
}

#[tokio::test]
async fn a_queued_payment_is_assigned_to_its_case_once_as_a_matched_one_would_be() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        setup(&app).await;
        import(
            &app,
            vec![
                credit(BANK, "U-1", 10_800, "EUR", Some("2026-11-20"), None),
                credit(BANK, "U-2", 1_000, "EUR", Some("2026-11-21"), None),
                credit(SEK_BANK, "U-SEK", 5_000, "SEK", Some("2026-11-21"), None),
                stray_return("R-1"),
            ],
        )
        .await;
        assert_ledger_checks(&app, backend).await;
        let assigned = app
            .assign_unmatched(&entry("U-1"), 100_000, "agent:aino")
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        // The FI order: principal, then the creditor's fees; 3.00 beyond the debt is owed back.
        assert_eq!(
            assigned.allocated,
            vec![
                ("principal".to_owned(), "100.00 EUR".to_owned()),
                ("creditor_fees".to_owned(), "5.00 EUR".to_owned())
            ],
            "{backend}"
        );
        assert_eq!(assigned.overpaid, "3.00 EUR");
        assert_eq!(balance(&app, "receivable:100000:").await, 0, "{backend}");
        assert_eq!(balance(&app, "overpaid:100000").await, -300, "{backend}");
        assert_eq!(balance(&app, "unallocated").await, -1_000 - 5_000 + 900);
        assert_eq!(queue(&app).await, ["U-2", "U-SEK", "R-1"], "{backend}");
        assert_ledger_checks(&app, backend).await;
        // The case's facts count it as a payment of its booking day.
        let facts = app
            .store()
            .case_facts(&[100_000])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            facts.get(&100_000).and_then(|f| f.last_payment_on.clone()),
            Some("2026-11-20".into()),
            "{backend}"
        );
        for (reference, case, why) in [
            ("U-1", 100_000, "assigned to case 100000 already"),
            ("U-SEK", 100_000, "in SEK but case 100000 is in EUR"),
            ("R-1", 100_000, "money out"),
            ("U-2", 999_999, "no case 999999"),
            ("NOPE", 100_000, "no bank entry NOPE"),
        ] {
            let error = error_of(app.assign_unmatched(&entry(reference), case, "agent").await);
            assert!(error.contains(why), "{backend}: {reference}: {error}");
        }
        test.raw("UPDATE cases SET status = 'closed' WHERE case_number = 100001")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let closed = error_of(
            app.assign_unmatched(&entry("U-SEK"), 100_001, "agent")
                .await,
        );
        assert!(
            closed.contains("case 100001 is closed"),
            "{backend}: {closed}"
        );
        assert_eq!(queue(&app).await, ["U-2", "U-SEK", "R-1"], "{backend}");
        assert_ledger_checks(&app, backend).await;
    }
}

#[tokio::test]
async fn a_queued_payment_is_refunded_to_its_payer_once() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        setup(&app).await;
        import(
            &app,
            vec![
                credit(BANK, "U-1", 2_500, "EUR", Some("2026-11-20"), None),
                credit(BANK, "U-2", 1_000, "EUR", Some("2026-11-21"), None),
            ],
        )
        .await;
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // The statement named no payer of U-1: the operator must give one.
        let unnamed = error_of(
            app.refund_unmatched(&entry("U-1"), None, "agent", out.path(), StopAfter::Never)
                .await,
        );
        assert!(
            unnamed.contains("did not name the payer"),
            "{backend}: {unnamed}"
        );
        store_payer(&test, &app, "U-1", BANK).await;
        let refunded = app
            .refund_unmatched(&entry("U-1"), None, "agent", out.path(), StopAfter::Never)
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert!(refunded.refunded_now, "{backend}");
        assert_eq!(refunded.refunds[0].amount, "25.00 EUR");
        let xml = std::fs::read_to_string(&refunded.files[0]).unwrap_or_else(|e| panic!("{e}"));
        assert!(xml.contains("<Nm>Matti Meikalainen</Nm>"), "{xml}");
        assert!(xml.contains(&format!("<IBAN>{PAYER_IBAN}</IBAN>")), "{xml}");
        validate_against_epc(&refunded.files[0]);
        assert_eq!(queue(&app).await, ["U-2"], "{backend}");
        assert_eq!(balance(&app, "unallocated").await, -1_000, "{backend}");
        assert_eq!(
            balance(&app, &format!("client_money_bank:{BANK}")).await,
            1_000
        );
        assert_ledger_checks(&app, backend).await;
        // Once: again writes the same file and pays nothing; assigning it is refused.
        let again = app
            .refund_unmatched(&entry("U-1"), None, "agent", out.path(), StopAfter::Never)
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert!(!again.refunded_now && again.refunds.is_empty(), "{backend}");
        let assign = error_of(app.assign_unmatched(&entry("U-1"), 100_000, "agent").await);
        assert!(assign.contains("refunded already"), "{backend}: {assign}");
        // A payee the operator gives, and a refund stopped after its commit: the next payout
        // command puts its file in place.
        let payee = Payer::given("Anna Andersson", "SE4550000000058398257466")
            .unwrap_or_else(|e| panic!("{e}"));
        let stopped = app
            .refund_unmatched(
                &entry("U-2"),
                Some(payee),
                "agent",
                out.path(),
                StopAfter::Recorded,
            )
            .await;
        assert!(stopped.is_err());
        assert_eq!(queue(&app).await, Vec::<String>::new(), "{backend}");
        let later = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let next = app
            .refund_overpayments(day(), None, "agent", later.path(), StopAfter::Never)
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(next.files.len(), 1, "{backend}: {next:?}");
        assert_ledger_checks(&app, backend).await;
    }
}

#[tokio::test]
async fn overpayments_are_refunded_to_the_payer_on_record_and_the_others_listed() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        setup(&app).await;
        let rf = |case| Some(reilu_formats::reference::for_case("FI", case).rf);
        let sek = |case| Some(reilu_formats::reference::for_case("SE", case).rf);
        import(
            &app,
            vec![
                // 105.00 owed: 5.00 beyond it.
                credit(BANK, "P-1", 11_000, "EUR", Some("2026-11-20"), rf(100_000)),
                // 3570.07 owed: 10.00 beyond it, and no payer on record.
                credit(
                    SEK_BANK,
                    "P-2",
                    358_007,
                    "SEK",
                    Some("2026-11-20"),
                    sek(100_001),
                ),
            ],
        )
        .await;
        assert_eq!(balance(&app, "overpaid:").await, -500 - 1_000, "{backend}");
        store_payer(&test, &app, "P-1", BANK).await;
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let run = app
            .refund_overpayments(day(), None, "finance", out.path(), StopAfter::Never)
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(
            run.refunds
                .iter()
                .map(|r| (r.case_number, r.amount.as_str()))
                .collect::<Vec<_>>(),
            vec![(Some(100_000), "5.00 EUR")],
            "{backend}"
        );
        assert_eq!(
            run.skipped
                .iter()
                .map(|s| s.case_number)
                .collect::<Vec<_>>(),
            vec![100_001]
        );
        validate_against_epc(&run.files[0]);
        assert_eq!(balance(&app, "overpaid:100000").await, 0, "{backend}");
        assert_ledger_checks(&app, backend).await;
        // The one left goes to the payee the operator gives, in its own run.
        let payee = Payer::given("Anna Johansson", "SE4550000000058398257466")
            .unwrap_or_else(|e| panic!("{e}"));
        let one = app
            .refund_overpayments(
                day(),
                Some((100_001, payee)),
                "finance",
                out.path(),
                StopAfter::Never,
            )
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(one.refunds[0].amount, "10.00 SEK", "{backend}");
        assert_eq!(balance(&app, "overpaid:").await, 0, "{backend}");
        assert_ledger_checks(&app, backend).await;
        // A refund booked against anything but what is owed back is caught by the check.
        let wrong = reilu_store::NewPosting {
            kind: "refund".into(),
            at_ms: app.now_ms(),
            corrects: None,
            idempotency_key: None,
            description: "a refund booked against the costs".into(),
            actor: "test".into(),
            entries: vec![
                reilu_store::PostingEntryRow {
                    account: "costs_charged".into(),
                    currency: "EUR".into(),
                    amount_minor: 100,
                },
                reilu_store::PostingEntryRow {
                    account: format!("client_money_bank:{BANK}"),
                    currency: "EUR".into(),
                    amount_minor: -100,
                },
            ],
        };
        app.store()
            .post(&wrong)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let check = app
            .store()
            .check_ledger()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            check
                .problems
                .iter()
                .any(|p| p.contains("EUR: the client-money bank accounts differ by -100")),
            "{backend}: {:?}",
            check.problems
        );
    }
}

fn validate_against_epc(file: &std::path::Path) {
    let xsd = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/iso20022/pain.001.001.09.EPC132-08-2023-SCT.xsd");
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(file)
        .output();
    match output {
        Ok(output) => assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(_) if std::env::var("REILU_REQUIRE_ORACLES").is_err() => {
            eprintln!("skipped: xmllint not installed")
        }
        Err(error) => panic!("xmllint is required: {error}"),
    }
}

/// A credit of a camt file, naming its payer.
fn camt_credit(
    reference: &str,
    amount_minor: i64,
    structured: Option<String>,
    payer: (&str, &str),
) -> reilu_formats::camt::BankEntry {
    reilu_formats::camt::BankEntry {
        account_iban: BANK.into(),
        bank_reference: reference.into(),
        amount: reilu_core::Money::from_minor(amount_minor, reilu_core::Currency::EUR),
        direction: reilu_formats::camt::Direction::Credit,
        reversal: false,
        status: reilu_formats::camt::EntryStatus::Booked,
        booking_date: Some(day()),
        value_date: Some(day()),
        structured_reference: structured,
        unstructured: Vec::new(),
        end_to_end_id: Some(format!("E2E-{reference}")),
        return_reason: None,
        debtor_name: Some(payer.0.into()),
        debtor_iban: Some(payer.1.into()),
    }
}

#[tokio::test]
async fn refunds_go_to_the_payer_the_statement_named() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        setup(&app).await;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("camt054-payers.xml");
        let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
        let rf = reilu_formats::reference::for_case("FI", 100_000).rf;
        let overpayer = ("Liisa Virtanen", "DE89370400440532013000");
        reilu_formats::camt::synth::write_camt054(
            file,
            "PAYERS-1",
            vec![
                // No reference: it waits in the queue.
                camt_credit("N-1", 2_500, None, ("Matti Meikäläinen", PAYER_IBAN)),
                // 110.00 for the 105.00 case 100000 owes: 5.00 owed back.
                camt_credit("N-2", 11_000, Some(rf), overpayer),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let summary = app
            .import_payments(reilu_app::payments::camt_file_source(path))
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!((summary.matched, summary.unmatched), (1, 1), "{backend}");
        // Kept sealed, bound to its entry: the IBAN is nowhere in the row in plain text.
        let queued = app
            .bank_entry(&entry("N-1"))
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        let sealed = queued.payer_sealed.unwrap_or_default();
        assert!(!sealed.is_empty(), "{backend}");
        assert!(
            !sealed
                .windows(PAYER_IBAN.len())
                .any(|window| window == PAYER_IBAN.as_bytes()),
            "{backend}"
        );
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let refunded = app
            .refund_unmatched(&entry("N-1"), None, "agent", out.path(), StopAfter::Never)
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(refunded.refunds[0].amount, "25.00 EUR", "{backend}");
        let xml = std::fs::read_to_string(&refunded.files[0]).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            xml.contains("<Nm>Matti Meikalainen</Nm>"),
            "{backend}: {xml}"
        );
        assert!(xml.contains(&format!("<IBAN>{PAYER_IBAN}</IBAN>")), "{xml}");
        validate_against_epc(&refunded.files[0]);
        // The overpayment goes back to whoever paid it, without the operator naming them.
        let run = app
            .refund_overpayments(day(), None, "finance", out.path(), StopAfter::Never)
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(
            run.refunds
                .iter()
                .map(|r| (r.case_number, r.amount.as_str()))
                .collect::<Vec<_>>(),
            vec![(Some(100_000), "5.00 EUR")],
            "{backend}"
        );
        assert!(run.skipped.is_empty(), "{backend}: {:?}", run.skipped);
        let xml = std::fs::read_to_string(&run.files[0]).unwrap_or_else(|e| panic!("{e}"));
        assert!(xml.contains("<Nm>Liisa Virtanen</Nm>"), "{backend}: {xml}");
        assert!(
            xml.contains(&format!("<IBAN>{}</IBAN>", overpayer.1)),
            "{xml}"
        );
        assert_eq!(balance(&app, "overpaid:").await, 0, "{backend}");
        assert_ledger_checks(&app, backend).await;
    }
}

/// The bank's return of the payment `original` (found by its end-to-end id).
fn return_of(reference: &str, original: &str, amount_minor: i64) -> IncomingPayment {
    let mut out = credit(
        BANK,
        reference,
        amount_minor,
        "EUR",
        Some("2026-11-24"),
        None,
    );
    out.record.direction = "debit".into();
    out.record.end_to_end_id = Some(format!("E2E-{original}"));
    out.credit = false;
    out.returned = true;
    out.return_reason = Some("MD06".into());
    out
}

#[tokio::test]
async fn a_return_undoes_an_assignment_and_leaves_a_refunded_payment_to_an_agent() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        setup(&app).await;
        import(
            &app,
            vec![
                credit(BANK, "A-1", 4_000, "EUR", Some("2026-11-20"), None),
                credit(BANK, "A-2", 1_500, "EUR", Some("2026-11-20"), None),
            ],
        )
        .await;
        app.assign_unmatched(&entry("A-1"), 100_000, "agent:aino")
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        store_payer(&test, &app, "A-2", BANK).await;
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        app.refund_unmatched(&entry("A-2"), None, "agent", out.path(), StopAfter::Never)
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(balance(&app, "receivable:100000:").await, 10_500 - 4_000);
        let unallocated = balance(&app, "unallocated").await;
        let summary = app
            .import_payments(reilu_app::payments::source_fn(|sink| {
                sink(return_of("R-A1", "A-1", 4_000))?;
                sink(return_of("R-A2", "A-2", 1_500))
            }))
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        // The assigned payment came back: the case owes it again, unallocated money is as
        // it was, and the bank holds less.
        assert_eq!((summary.corrected, summary.unmatched), (1, 1), "{backend}");
        assert_eq!(
            balance(&app, "receivable:100000:").await,
            10_500,
            "{backend}"
        );
        let returned = app
            .bank_entry(&entry("R-A1"))
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(
            (returned.outcome.as_str(), returned.case_number),
            ("corrected", Some(100_000)),
            "{backend}"
        );
        // The refunded one went back to its payer already: its return is not taken for the
        // payment's, it waits in the queue as money out (a second repayment to look into).
        assert_eq!(queue(&app).await, ["R-A2"], "{backend}");
        assert_eq!(
            balance(&app, "unallocated").await,
            unallocated + 1_500,
            "{backend}"
        );
        // 5.50 came in, 1.50 was refunded and 5.50 returned: the payer of A-2 got 1.50 twice.
        assert_eq!(
            balance(&app, &format!("client_money_bank:{BANK}")).await,
            -1_500,
            "{backend}"
        );
        assert_ledger_checks(&app, backend).await;
    }
}
