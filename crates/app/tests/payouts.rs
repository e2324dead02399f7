//! Money out is all or nothing: a remittance or sweep that cannot be written pays nobody and
//! records nothing, and one interrupted between its steps is finished by the next run.

use std::sync::Arc;

use reilu_app::payments::IncomingPayment;
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
        record: BankEntryRecord {
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
    let payments = vec![
        payment("P-1", 100_000, 4_000),
        payment("P-2", 100_001, 6_000),
    ];
    let summary = app
        .import_payments(move |sink| payments.into_iter().try_for_each(sink))
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
