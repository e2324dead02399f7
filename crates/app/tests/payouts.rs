//! Money out is all or nothing: a remittance or sweep that cannot be written pays nobody and
//! records nothing, and one interrupted between its steps is finished by the next run.

use std::sync::Arc;

use reilu_app::payments::IncomingPayment;
use reilu_app::payout::StopAfter;
use reilu_app::sweep::SweepTo;
use reilu_app::{App, FixedClock};
use reilu_store::test_support::stores_under_test;
use reilu_store::{BankAccountKind, BankEntryRecord, NewClient, SqlStore, Store};
use reilu_vault::{MasterKey, Vault};

const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,currency,principal,invoice_date,due_date";
const BANK: &str = "FI2112345600000785";
const COMPANY: &str = "FI0950000120000026";

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

/// A credit into the client-money account paying `case_number` by its RF reference.
fn payment(reference: &str, case_number: u64, amount_minor: i64) -> IncomingPayment {
    IncomingPayment {
        payer: None,
        record: BankEntryRecord {
            payer_sealed: None,
            account_iban: BANK.into(),
            bank_reference: reference.into(),
            message_id: "CAMT-1".into(),
            direction: "credit".into(),
            reversal: false,
            amount_minor,
            currency: "EUR".into(),
            booking_date: Some("2026-11-24".into()),
            structured_reference: Some(reilu_formats::reference::for_case("FI", case_number).rf),
            unstructured: String::new(),
            unstructured_sealed: None,
            end_to_end_id: Some(format!("E2E-{reference}")),
        },
        credit: true,
        returned: false,
        return_reason: None,
        unstructured_lines: Vec::new(),
    }
}

/// A client stored as it could have been before names were checked at `client add`: the
/// store takes any name.
async fn stored_client(app: &App<SqlStore>, id: &str, name: &str) {
    let client = NewClient {
        id: id.into(),
        name: name.into(),
        market: reilu_core::MarketCode::parse("FI").unwrap_or_else(|e| panic!("{e}")),
        iban: "FI4950009420028730".into(),
        api_key_hash: format!("hash-{id}"),
        commission_bp: 1000,
    };
    app.store()
        .insert_client(&client, app.now_ms())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// One FI claim of 100.00 for the client; the cases are numbered from 100000 in order.
async fn place_claim(app: &App<SqlStore>, client_id: &str, reference: &str, national_id: &str) {
    let row = format!(
        "{reference},FI,consumer,{national_id},Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,EUR,100.00,2026-09-01,2026-09-15"
    );
    let summary = app
        .import_claim_file(
            client_id,
            "t.csv",
            std::io::Cursor::new(format!("{HEADER}\n{row}\n").into_bytes()),
            &|_| {},
            &mut |_| Ok(()),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.accepted, 1, "{summary:?}");
}

/// The client-money account payments come into, and the company's own account.
async fn configure_accounts(app: &App<SqlStore>) {
    app.add_bank_account(BANK, "EUR", BankAccountKind::ClientMoney, None, "test")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app.add_bank_account(
        COMPANY,
        "EUR",
        BankAccountKind::Company,
        Some("Reilu Perintä Oy"),
        "test",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Two clients with a payment collected for each (40.00 and 60.00); the second's name is
/// `second_name`.
async fn two_clients_paid(app: &App<SqlStore>, second_name: &str) {
    configure_accounts(app).await;
    stored_client(app, "c-good", "Kauppa Oy").await;
    stored_client(app, "c-bad", second_name).await;
    place_claim(app, "c-good", "G-1", "131052-308T").await;
    place_claim(app, "c-bad", "B-1", "010101-123N").await;
    let payments = [
        payment("P-1", 100_000, 4_000),
        payment("P-2", 100_001, 6_000),
    ];
    let summary = app
        .import_payments(reilu_app::payments::source_fn(move |sink| {
            payments.iter().try_for_each(|p| sink(p.clone()))
        }))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.matched, 2, "{summary:?}");
}

async fn liabilities(app: &App<SqlStore>) -> Vec<(String, String, i64)> {
    app.store()
        .balances("client_liability:")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok())
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

async fn assert_ledger_checks(app: &App<SqlStore>, backend: &str) {
    let check = app
        .store()
        .check_ledger()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check.problems, Vec::<String>::new(), "{backend}");
}

#[tokio::test]
async fn a_remittance_that_cannot_be_written_pays_nobody_and_records_nothing() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        // `€` has no place in the SEPA character set and no transliteration.
        two_clients_paid(&app, "Euro € Oy").await;
        let before = liabilities(&app).await;
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let refused = app.remit(day(), out.path()).await;
        let error = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            error.contains('€'),
            "{backend}: the error names the character: {error}"
        );
        assert_eq!(
            liabilities(&app).await,
            before,
            "{backend}: nobody was paid"
        );
        assert_eq!(
            app.store()
                .remittances_on(&day().to_string())
                .await
                .unwrap_or_else(|e| panic!("{e}")),
            Vec::new(),
            "{backend}: no remittance is recorded"
        );
        assert_eq!(files_in(out.path()), Vec::<String>::new(), "{backend}");
        assert_ledger_checks(&app, backend).await;
    }
}

/// The files with their bytes.
fn contents(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    files_in(dir)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap_or_else(|e| panic!("{e}"));
            (name, bytes)
        })
        .collect()
}

#[tokio::test]
async fn an_output_folder_that_cannot_be_written_pays_nobody() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        two_clients_paid(&app, "Mäkinen & Poika Oy").await;
        let before = liabilities(&app).await;
        let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // A folder below a file cannot be made, whoever runs the test (root included).
        let blocker = folder.path().join("not-a-folder");
        std::fs::write(&blocker, b"x").unwrap_or_else(|e| panic!("{e}"));
        let refused = app.remit(day(), &blocker.join("out")).await;
        assert!(refused.is_err(), "{backend}");
        assert_eq!(
            liabilities(&app).await,
            before,
            "{backend}: nobody was paid"
        );
        assert!(
            app.store()
                .remittances_on(&day().to_string())
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_empty()
        );
        // With a folder that can be written, the same date pays both.
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let paid = app
            .remit(day(), out.path())
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(paid.paid_now, 2, "{backend}");
        assert_ledger_checks(&app, backend).await;
    }
}

#[tokio::test]
async fn a_run_killed_before_its_commit_leaves_nothing_and_the_next_run_pays() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        two_clients_paid(&app, "Mäkinen & Poika Oy").await;
        let before = liabilities(&app).await;
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let stopped = app.remit_with(day(), out.path(), StopAfter::Staged).await;
        assert!(stopped.is_err(), "{backend}");
        assert_eq!(
            liabilities(&app).await,
            before,
            "{backend}: nobody was paid"
        );
        // Only a temporary file is left, which no bank ever gets.
        let left = files_in(out.path());
        assert!(
            !left.is_empty() && left.iter().all(|name| name.ends_with(".partial")),
            "{backend}: {left:?}"
        );
        let paid = app
            .remit(day(), out.path())
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(paid.paid_now, 2, "{backend}");
        let names = files_in(out.path());
        assert!(
            names.iter().all(|name| !name.ends_with(".partial")),
            "{backend}: {names:?}"
        );
        assert!(names.contains(&format!("pain001-20261125-EUR-{BANK}.xml")));
        assert_ledger_checks(&app, backend).await;
    }
}

#[tokio::test]
async fn a_run_killed_after_its_commit_gets_its_files_from_the_next_command() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        two_clients_paid(&app, "Mäkinen & Poika Oy").await;
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let stopped = app.remit_with(day(), out.path(), StopAfter::Recorded).await;
        assert!(stopped.is_err(), "{backend}");
        // Paid in the ledger, recorded, and the file not in place yet.
        assert!(
            liabilities(&app)
                .await
                .iter()
                .all(|(_, _, minor)| *minor == 0),
            "{backend}"
        );
        let file = format!("pain001-20261125-EUR-{BANK}.xml");
        assert!(!files_in(out.path()).contains(&file), "{backend}");
        // Any later payout command puts it in place first: here the next day's remittance,
        // which has nothing to pay, into another folder.
        let later = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let next_day = day().succ_opt().unwrap_or_default();
        let next = app
            .remit(next_day, later.path())
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(next.paid_now, 0, "{backend}");
        let recovered = contents(later.path());
        assert!(
            recovered.iter().any(|(name, _)| *name == file),
            "{backend}: {recovered:?}"
        );
        // The date run again pays nothing and writes the very same bytes.
        let again = app
            .remit(day(), out.path())
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!((again.paid_now, again.lines.len()), (0, 2), "{backend}");
        let rewritten = std::fs::read(out.path().join(&file)).unwrap_or_else(|e| panic!("{e}"));
        let first = recovered
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, bytes)| bytes.clone())
            .unwrap_or_default();
        assert_eq!(rewritten, first, "{backend}: the same file, byte for byte");
        assert_ledger_checks(&app, backend).await;
    }
}

#[tokio::test]
async fn money_comes_in_and_leaves_only_through_configured_open_accounts() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        stored_client(&app, "c-good", "Kauppa Oy").await;
        place_claim(&app, "c-good", "G-1", "131052-308T").await;
        let payments = [payment("P-1", 100_000, 4_000)];
        let import = || {
            let payments = payments.clone();
            app.import_payments(reilu_app::payments::source_fn(move |sink| {
                payments.iter().try_for_each(|p| sink(p.clone()))
            }))
        };
        // A statement of an account that is not ours is refused whole.
        let refused = import()
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            refused.contains(&format!("account {BANK} is not one of ours"))
                && refused.contains("nothing from this file was posted"),
            "{backend}: {refused}"
        );
        assert!(
            liabilities(&app).await.is_empty(),
            "{backend}: nothing posted"
        );
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        configure_accounts(&app).await;
        import().await.unwrap_or_else(|e| panic!("{backend}: {e}"));
        // An account holding client money stays open.
        let refused = app.close_bank_account(BANK, "test").await;
        assert!(
            refused
                .err()
                .is_some_and(|e| e.to_string().contains("still holds 40.00 EUR")),
            "{backend}: an account holding client money stays open"
        );
        assert_eq!(liabilities(&app).await[0].2, -4_000, "{backend}");
        let paid = app
            .remit(day(), out.path())
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(paid.paid_now, 1);
        assert_eq!(paid.lines[0].debtor_iban, BANK);
        assert_ledger_checks(&app, backend).await;
    }
}

#[tokio::test]
async fn a_sweep_that_cannot_be_written_moves_nothing_and_one_killed_after_its_commit_is_finished()
{
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        two_clients_paid(&app, "Mäkinen & Poika Oy").await;
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        app.remit(day(), out.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let company_money = || async {
            app.store()
                .balances("company_")
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let before = company_money().await;
        let bad_name = SweepTo {
            iban: None,
            name: Some("Reilu @ Perintä".into()),
        };
        let refused = app.sweep(day(), &bad_name, out.path()).await;
        assert!(
            refused.err().is_some_and(|e| e.to_string().contains('@')),
            "{backend}"
        );
        assert_eq!(company_money().await, before, "{backend}: nothing moved");
        let stopped = app
            .sweep_with(day(), &SweepTo::default(), out.path(), StopAfter::Recorded)
            .await;
        assert!(stopped.is_err(), "{backend}");
        let file = format!("sweep-20261125-EUR-{BANK}.xml");
        assert!(!files_in(out.path()).contains(&file), "{backend}");
        let again = app
            .sweep(day(), &SweepTo::default(), out.path())
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        // 10 % of the 100.00 collected, swept once, and the file in place now.
        assert_eq!(
            again
                .lines
                .iter()
                .map(|line| (line.amount.as_str(), line.to_iban.as_str(), line.swept_now))
                .collect::<Vec<_>>(),
            vec![("10.00 EUR", COMPANY, false)],
            "{backend}"
        );
        assert!(files_in(out.path()).contains(&file), "{backend}");
        let bank = app
            .store()
            .balances("client_money_bank:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            bank,
            vec![(format!("client_money_bank:{BANK}"), "EUR".into(), 0)]
        );
        assert_ledger_checks(&app, backend).await;
    }
}
