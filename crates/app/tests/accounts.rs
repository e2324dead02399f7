//! The company's configured bank accounts: added once, closed once, journaled; what the
//! payment import asks (is this account ours, which account of a currency) and the client
//! statement that names cases, claim references and the commission.

use std::sync::Arc;

use reilu_app::payments::IncomingPayment;
use reilu_app::{App, FixedClock};
use reilu_store::test_support::stores_under_test;
use reilu_store::{BankAccountKind, BankEntryRecord, SqlStore, Store};
use reilu_vault::{MasterKey, Vault};

const BANK: &str = "FI2112345600000785";
const OTHER_BANK: &str = "FI8940051020304050";
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

fn error_of<T: std::fmt::Debug>(result: reilu_app::AppResult<T>) -> String {
    match result {
        Ok(value) => panic!("expected a refusal, got {value:?}"),
        Err(error) => error.to_string(),
    }
}

#[tokio::test]
async fn accounts_are_added_once_closed_once_and_journaled() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        let journal_before = app
            .store()
            .counts()
            .await
            .map(|c| c.journal_entries)
            .unwrap_or(0);
        let added = app
            .add_bank_account(
                "fi21 1234 5600 0007 85",
                "eur",
                BankAccountKind::ClientMoney,
                None,
                "cli:aino",
            )
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(
            (added.iban.as_str(), added.currency.as_str()),
            (BANK, "EUR")
        );
        app.add_bank_account(OTHER_BANK, "EUR", BankAccountKind::ClientMoney, None, "cli")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        app.add_bank_account(
            COMPANY,
            "EUR",
            BankAccountKind::Company,
            Some("Reilu Oy"),
            "cli",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        for (iban, currency, name, why) in [
            (BANK, "EUR", None, "configured already"),
            ("FI2112345600000786", "EUR", None, "not a valid IBAN"),
            ("DE89370400440532013000", "EURO", None, "currency"),
            ("DE89370400440532013000", "EUR", Some("Reilu € GmbH"), "'€'"),
        ] {
            let refused = error_of(
                app.add_bank_account(iban, currency, BankAccountKind::Company, name, "cli")
                    .await,
            );
            assert!(
                refused.contains(why),
                "{backend}: {iban} {currency}: {refused}"
            );
        }
        // Which account the import and the payouts see.
        let found = app
            .bank_account_by_iban("FI21 1234 5600 0007 85")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.map(|a| a.kind), Some(BankAccountKind::ClientMoney));
        assert_eq!(
            app.bank_account_by_iban("DE89370400440532013000")
                .await
                .unwrap_or_else(|e| panic!("{e}")),
            None,
            "{backend}: not ours"
        );
        let company = app
            .open_account_for("EUR", BankAccountKind::Company)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(company.iban, COMPANY);
        let several = error_of(
            app.open_account_for("EUR", BankAccountKind::ClientMoney)
                .await,
        );
        assert!(
            several.contains("2 open client_money accounts"),
            "{several}"
        );
        let none = error_of(app.open_account_for("SEK", BankAccountKind::Company).await);
        assert!(
            none.contains("no open company account is configured for SEK"),
            "{none}"
        );
        // Closing keeps the account and its history; a second close changes nothing.
        let closed = app
            .close_bank_account(OTHER_BANK, "cli:aino")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(closed.closed_now && !closed.account.is_open(), "{backend}");
        let again = app
            .close_bank_account(OTHER_BANK, "cli:aino")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!again.closed_now, "{backend}");
        let listed = app.bank_accounts().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            listed
                .iter()
                .map(|a| (a.iban.as_str(), a.is_open()))
                .collect::<Vec<_>>(),
            vec![(BANK, true), (COMPANY, true), (OTHER_BANK, false)],
            "{backend}: open ones first"
        );
        let reopened = error_of(
            app.add_bank_account(OTHER_BANK, "EUR", BankAccountKind::ClientMoney, None, "cli")
                .await,
        );
        assert!(reopened.contains("closed"), "{reopened}");
        let open = app
            .open_account_for("EUR", BankAccountKind::ClientMoney)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(open.iban, BANK, "{backend}: a closed account pays nothing");
        let journal_after = app
            .store()
            .counts()
            .await
            .map(|c| c.journal_entries)
            .unwrap_or(0);
        assert_eq!(journal_after - journal_before, 4, "three added, one closed");
        // Append-only: neither the account nor its closure can be changed behind our back.
        for sql in [
            "UPDATE bank_accounts SET currency = 'SEK'",
            "DELETE FROM bank_account_closures",
        ] {
            assert!(test.raw(sql).await.is_err(), "{backend}: {sql}");
        }
    }
}

#[tokio::test]
async fn a_statement_names_the_cases_the_claim_references_and_the_commission() {
    const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,currency,principal,invoice_date,due_date";
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone());
        app.add_bank_account(BANK, "EUR", BankAccountKind::ClientMoney, None, "test")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let client = app
            .add_client_with_terms("Kauppa Oy", "FI", BANK, 1000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Two claims of one customer: one case, two references.
        let rows = "INV-7,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,EUR,60.00,2026-09-01,2026-09-15\n\
                    INV-8,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,EUR,40.00,2026-09-02,2026-09-16\n";
        app.import_claim_file(
            &client.id,
            "t.csv",
            std::io::Cursor::new(format!("{HEADER}\n{rows}").into_bytes()),
            &|_| {},
            &mut |_| Ok(()),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let paid = IncomingPayment {
            payer: None,
            record: BankEntryRecord {
                payer_sealed: None,
                account_iban: BANK.into(),
                bank_reference: "P-1".into(),
                message_id: "CAMT-1".into(),
                direction: "credit".into(),
                reversal: false,
                amount_minor: 10_000,
                currency: "EUR".into(),
                booking_date: Some("2026-11-24".into()),
                structured_reference: Some(reilu_formats::reference::for_case("FI", 100_000).rf),
                unstructured: String::new(),
                unstructured_sealed: None,
                end_to_end_id: None,
            },
            credit: true,
            returned: false,
            return_reason: None,
            unstructured_lines: Vec::new(),
        };
        app.import_payments(reilu_app::payments::source_fn(move |sink| {
            sink(paid.clone())
        }))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        app.remit(day, out.path())
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        let statement = app
            .client_statement(&client.id, day, day)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let rows: Vec<(&str, &str, Option<i64>, String, &str)> = statement
            .rows
            .iter()
            .map(|row| {
                (
                    row.kind.as_str(),
                    row.amount.as_str(),
                    row.case_number,
                    row.claim_refs.join(" "),
                    row.owed_after.as_str(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    "payment_received",
                    "100.00 EUR",
                    Some(100_000),
                    "INV-7 INV-8".into(),
                    "100.00 EUR"
                ),
                ("commission", "-10.00 EUR", None, String::new(), "90.00 EUR"),
                ("remittance", "-90.00 EUR", None, String::new(), "0.00 EUR"),
            ],
            "{backend}"
        );
        let csv = statement.to_csv().unwrap_or_else(|e| panic!("{e}"));
        assert!(csv.contains(",100000,INV-7; INV-8"), "{csv}");
        // The remittance's report itemises the same: the case, its references, the
        // commission as its own line.
        let report = std::fs::read_to_string(
            out.path()
                .join(format!("remittance-2026-11-25-{}.csv", client.id)),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(lines.len(), 4, "{report}");
        assert!(lines[1].contains(",collected,") && lines[1].contains(",100000,INV-7; INV-8,"));
        assert!(lines[2].contains(",commission,") && lines[2].contains("-10.00 EUR"));
        assert!(lines[3].contains(",paid,") && lines[3].contains("-90.00 EUR"));
    }
}
