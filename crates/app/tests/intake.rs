//! Claim intake from files, end to end through the store, on every backend under test.

use std::sync::Arc;

use reilu_app::intake::{IntakeSummary, RowError};
use reilu_app::{App, FixedClock};
use reilu_store::test_support::{TestStore, stores_under_test};
use reilu_store::{JournalVerification, SqlStore, Store};
use reilu_vault::{MasterKey, Vault};

const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,customer_country,customer_email,customer_phone,customer_language,currency,principal,invoice_date,due_date,interest_rate_pct,creditor_fees,description";

/// Published example numbers: FI 131052-308T (DVV), SE 811228-9874 (Skatteverket's
/// example used by python-stdnum), NO 15108695088 (python-stdnum), Y-tunnus 0737546-2.
const ROWS: &str = "\
INV-1,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,,maija.secret@example.fi,+358401234567,,EUR,123.45,2026-09-01,2026-09-15,,5.00,Electricity
INV-2,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,,maija.secret@example.fi,,,EUR,10.00,2026-09-01,2026-09-15,8.5,,Gas
INV-3,SE,consumer,811228-9874,Sven Svensson,Storgatan 1,111 22,Stockholm,,,,,SEK,1000,2026-08-01,2026-08-31,,,Phone
INV-4,NO,consumer,15108695088,Ola Nordmann,Storgata 1,0150,Oslo,,,,nb,EUR,1000,2026-08-01,2026-08-31,,,Wrong currency
INV-5,FI,business,0737546-2,Yritys Oy,Kauppakatu 2,33100,Tampere,,,,,EUR,5000.00,2026-06-01,2026-06-30,,,Goods
";

async fn app_on(test: &TestStore) -> App<SqlStore> {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"));
    App::new(
        test.store.clone(),
        Vault::new(&MasterKey::generate()),
        Arc::new(FixedClock(now.to_utc())),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

async fn import(
    app: &App<SqlStore>,
    client_id: &str,
    text: String,
) -> (IntakeSummary, Vec<RowError>) {
    let mut all_errors = Vec::new();
    let mut collect = |errors: &[RowError]| {
        all_errors.extend_from_slice(errors);
        Ok(())
    };
    let summary = app
        .import_claim_file(
            client_id,
            "test.csv",
            std::io::Cursor::new(text.into_bytes()),
            &|_| {},
            &mut collect,
        )
        .await;
    (summary.unwrap_or_else(|e| panic!("{e}")), all_errors)
}

#[tokio::test]
async fn good_rows_are_placed_bad_rows_named_and_a_second_import_adds_nothing() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(&test).await;
        let client = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (summary, errors) = import(&app, &client.id, format!("{HEADER}\n{ROWS}")).await;
        assert_eq!(
            (summary.accepted, summary.duplicates, summary.rejected),
            (4, 0, 1),
            "{}: {summary:?}",
            test.backend_name
        );
        assert_eq!(summary.errors, errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].row, errors[0].column.as_str()),
            (5, "currency"),
            "rows count from the header as row 1"
        );
        let counts = app.store().counts().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (counts.customers, counts.cases, counts.claims),
            (3, 3, 4),
            "{}",
            test.backend_name
        );

        let (again, _) = import(&app, &client.id, format!("{HEADER}\n{ROWS}")).await;
        assert_eq!(
            (again.accepted, again.duplicates, again.rejected),
            (0, 4, 1)
        );
        let counts = app.store().counts().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            counts.claims, 4,
            "importing the same file again creates nothing"
        );
        assert!(matches!(
            app.store().verify_journal().await,
            Ok(JournalVerification::Intact { .. })
        ));
    }
}

#[tokio::test]
async fn a_file_larger_than_one_chunk_is_placed_completely() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(&test).await;
        let client = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let portfolio = reilu_app::demo::DemoPortfolio::new(9, 11_000, None);
        let mut text = format!("{HEADER}\n");
        let mut rows = 0;
        for (_, claim) in portfolio.claims() {
            let fields = [
                &claim.client_claim_ref,
                &claim.market,
                &claim.customer_type,
                &claim.customer_national_id,
                &claim.customer_name,
                &claim.customer_address_line1,
                &claim.customer_postcode,
                &claim.customer_city,
                &claim.customer_country,
                &claim.customer_email,
                &claim.customer_phone,
                &claim.customer_language,
                &claim.currency,
                &claim.principal,
                &claim.invoice_date,
                &claim.due_date,
                &claim.interest_rate_pct,
                &claim.creditor_fees,
                &claim.description,
            ];
            let line: Vec<String> = fields
                .iter()
                .map(|f| format!("\"{}\"", f.as_deref().unwrap_or("")))
                .collect();
            text.push_str(&line.join(","));
            text.push('\n');
            rows += 1;
        }
        let (summary, _) = import(&app, &client.id, text).await;
        assert_eq!(summary.rejected, 0, "{:?}", summary.errors.first());
        assert_eq!(summary.accepted, rows, "{}", test.backend_name);
        assert!(
            rows > reilu_app::intake::ROWS_PER_CHUNK as u64,
            "the file spans several chunks"
        );
    }
}

#[tokio::test]
async fn the_database_file_holds_no_personal_data_in_plain_text() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let Some(folder) = test.folder().cloned() else {
            continue;
        };
        let app = app_on(&test).await;
        let client = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        import(&app, &client.id, format!("{HEADER}\n{ROWS}")).await;
        let mut bytes = Vec::new();
        for name in ["reilu.db", "reilu.db-wal"] {
            if let Ok(content) = std::fs::read(folder.join(name)) {
                bytes.extend(content);
            }
        }
        assert!(bytes.len() > 10_000, "the database files were read");
        let haystack = String::from_utf8_lossy(&bytes);
        for personal in [
            "131052-308T",
            "811228-9874",
            "maija.secret@example.fi",
            "Meikäläinen",
            "Mannerheimintie",
            "+358401234567",
            "Svensson",
        ] {
            assert!(
                !haystack.contains(personal),
                "'{personal}' is stored in plain text"
            );
        }
        assert!(
            haystack.contains("INV-1"),
            "the claim reference is not personal data and is stored as is"
        );
    }
}

#[tokio::test]
async fn reading_personal_data_is_journaled_with_who_and_why() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(&test).await;
        let client = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        import(&app, &client.id, format!("{HEADER}\n{ROWS}")).await;
        let before = app
            .store()
            .counts()
            .await
            .map(|c| c.journal_entries)
            .unwrap_or_default();
        let shown = app
            .read_case_customer(100_000, "agent-7", "customer called")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(shown.customer.national_id.peek(), "131052-308T");
        assert_eq!(shown.case.claim_count, 2);
        let after = app
            .store()
            .counts()
            .await
            .map(|c| c.journal_entries)
            .unwrap_or_default();
        assert_eq!(after, before + 1, "{}", test.backend_name);
        assert!(
            app.read_case_customer(100_000, "agent-7", " ")
                .await
                .is_err(),
            "a read needs a purpose"
        );
        assert!(
            app.read_case_customer(999_999, "agent-7", "x")
                .await
                .is_err()
        );
    }
}

/// The largest amount one claim may carry, as a claim file writes it (EUR, two decimals).
fn claim_limit_text() -> String {
    format!("{}.00", reilu_core::limits::CLAIM_AMOUNT_MAX_MINOR / 100)
}

#[tokio::test]
async fn no_client_can_overflow_a_balance_through_the_api() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(&test).await;
        let created = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let client = app
            .client(&created.id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let portfolio = reilu_app::demo::DemoPortfolio::new(5, 4_000, None);
        let mut claims = portfolio.claims().map(|(_, raw)| raw);
        // The largest amount any field takes (10^15 minor units) had been the only limit: six
        // batches of such claims summed past i64 and broke the store for everyone. Three
        // batches at it, then three at the claim limit, which the client limit stops.
        let field_max = format!("{}.00", reilu_core::money::AMOUNT_MINOR_MAX / 100);
        let mut rejected = 0;
        let mut reasons = std::collections::BTreeSet::new();
        for batch_index in 0..6 {
            let amount = if batch_index < 3 {
                field_max.clone()
            } else {
                claim_limit_text()
            };
            let batch: Vec<_> = claims
                .by_ref()
                .take(1_000)
                .map(|mut raw| {
                    raw.principal = Some(amount.clone());
                    raw.creditor_fees = Some(amount.clone());
                    Ok(raw)
                })
                .collect();
            let answer = app
                .place_api_claims(&client, batch, None)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
            let reilu_app::api_batch::ApiBatchOutcome::Answered { body, .. } = answer else {
                panic!("no answer");
            };
            let report: serde_json::Value =
                serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}"));
            rejected += report["rejected"].as_u64().unwrap_or(0);
            for item in report["items"].as_array().into_iter().flatten() {
                for error in item["errors"].as_array().into_iter().flatten() {
                    let reason = error["reason"].as_str().unwrap_or("");
                    if reason.contains("more than one claim may carry") {
                        reasons.insert("claim");
                    } else if reason.contains("more than a client may") {
                        reasons.insert("client");
                    }
                }
            }
        }
        assert!(
            rejected > 3_000,
            "{}: {rejected} refused",
            test.backend_name
        );
        assert_eq!(
            reasons.into_iter().collect::<Vec<_>>(),
            ["claim", "client"],
            "{}",
            test.backend_name
        );
        let check = app
            .store()
            .check_ledger()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        assert_eq!(
            check.problems,
            Vec::<String>::new(),
            "{}",
            test.backend_name
        );
        let balances = app
            .store()
            .balances("client_claims:")
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        assert!(!balances.is_empty());
        for (account, currency, balance_minor) in balances {
            assert!(
                balance_minor >= -reilu_core::limits::CLIENT_OUTSTANDING_MAX_MINOR,
                "{account} {currency} {balance_minor}"
            );
        }
        app.store()
            .balances("receivable:")
            .await
            .unwrap_or_else(|e| panic!("{}: receivables read back: {e}", test.backend_name));
    }
}

/// A claim file of `claims` for one Finnish customer (or one each), each with the given
/// principal and fees.
fn one_customer_rows(refs: std::ops::Range<u32>, principal: &str, fees: &str) -> String {
    let mut text = format!("{HEADER}\n");
    for n in refs {
        text.push_str(&format!(
            "BIG-{n},FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,,,,,EUR,{principal},2026-09-01,2026-09-15,,{fees},Big\n"
        ));
    }
    text
}

#[tokio::test]
async fn a_claim_over_a_limit_is_refused_and_its_chunk_placed() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(&test).await;
        let client = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Over the claim limit: refused by its field, the other rows of the chunk placed.
        let mut text = format!("{HEADER}\n{ROWS}");
        text.push_str("HUGE-1,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,,,,,EUR,9000000000000000.00,2026-09-01,2026-09-15,,,Huge\n");
        let (summary, errors) = import(&app, &client.id, text).await;
        assert_eq!(
            (summary.accepted, summary.rejected),
            (4, 2),
            "{}: {errors:?}",
            test.backend_name
        );
        // Five claims at the limit (principal and fees) fill a case; the sixth is refused
        // with its row, and the rows around it placed.
        let limit = claim_limit_text();
        let (summary, errors) =
            import(&app, &client.id, one_customer_rows(0..6, &limit, &limit)).await;
        assert_eq!(
            (summary.accepted, summary.rejected),
            (4, 2),
            "{}: the case already owed 138.45 EUR: {errors:?}",
            test.backend_name
        );
        let refused: Vec<(u64, String)> = errors
            .iter()
            .map(|error| (error.row, error.column.clone()))
            .collect();
        assert_eq!(
            refused,
            [(6, "principal".to_owned()), (7, "principal".to_owned())]
        );
        assert!(
            errors[0].reason.contains("more than a case may"),
            "{}",
            errors[0].reason
        );
        // The stored balance counts in a later file too.
        let (summary, errors) =
            import(&app, &client.id, one_customer_rows(10..11, &limit, &limit)).await;
        assert_eq!((summary.accepted, summary.rejected), (0, 1), "{errors:?}");
        let check = app
            .store()
            .check_ledger()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check.problems, Vec::<String>::new());
    }
}

#[tokio::test]
async fn every_row_of_a_file_is_counted_even_after_an_unclosed_quote() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(&test).await;
        let client = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let broken = ROWS.replacen(
            "Maija Meikäläinen,Mannerheimintie",
            "\"Maija Meikäläinen,Mannerheimintie",
            1,
        );
        let text = format!(
            "{HEADER}\n{broken}INV-6,FI,business,0737546-2,\"Yritys, Oy\",Katu 2,33100,Tampere,,,,,EUR,50.00,2026-06-01,2026-06-30,,,Goods\n"
        );
        let data_rows = text.lines().count() as u64 - 1;
        let (summary, errors) = import(&app, &client.id, text).await;
        assert_eq!(
            summary.accepted + summary.duplicates + summary.rejected,
            data_rows,
            "{}: {summary:?}",
            test.backend_name
        );
        assert_eq!((summary.accepted, summary.rejected), (4, 2), "{errors:?}");
        assert_eq!(
            (errors[0].row, errors[0].column.as_str()),
            (2, "customer_name")
        );
    }
}

#[tokio::test]
async fn two_batches_at_once_cannot_pass_the_client_limit_together() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(&test).await;
        let created = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let client = app
            .client(&created.id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Euro claims at the claim limit, principal and fees: 300 of them are 60 % of the
        // client limit, so each batch fits alone and the two together do not.
        let portfolio = reilu_app::demo::DemoPortfolio::new(7, 3_000, None);
        let mut euro = portfolio
            .claims()
            .map(|(_, raw)| raw)
            .filter(|raw| raw.currency.as_deref() == Some("EUR"))
            .map(|mut raw| {
                raw.principal = Some(claim_limit_text());
                raw.creditor_fees = Some(claim_limit_text());
                Ok(raw)
            });
        let first: Vec<_> = euro.by_ref().take(300).collect();
        let second: Vec<_> = euro.by_ref().take(300).collect();
        assert_eq!(second.len(), 300, "enough euro claims");
        let (one, two) = tokio::join!(
            app.place_api_claims(&client, first, None),
            app.place_api_claims(&client, second, None)
        );
        let mut accepted = 0;
        for answer in [one, two] {
            let answer = answer.unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
            let reilu_app::api_batch::ApiBatchOutcome::Answered { body, .. } = answer else {
                panic!("no answer");
            };
            let report: serde_json::Value =
                serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}"));
            accepted += report["accepted"].as_u64().unwrap_or(0);
        }
        let per_claim = 2 * reilu_core::limits::CLAIM_AMOUNT_MAX_MINOR;
        let fits = reilu_core::limits::CLIENT_OUTSTANDING_MAX_MINOR / per_claim;
        assert_eq!(
            accepted,
            u64::try_from(fits).unwrap_or(0),
            "{}: the second batch saw the first one's balance",
            test.backend_name
        );
    }
}

/// Maija again, from another client: a new address and e-mail, no phone, Swedish stated.
const LATER_ROW: &str = "\
OTHER-1,FI,consumer,131052-308T,Maija Meikäläinen,Hämeenkatu 9,33100,Tampere,,maija.new@example.fi,,sv,EUR,50.00,2026-10-01,2026-10-15,,,Water
";

#[tokio::test]
async fn a_later_claim_updates_the_customers_contact_data_and_journals_the_fields() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let name = test.backend_name;
        let app = app_on(&test).await;
        let first = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let second = app
            .add_client("Vesi Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        import(&app, &first.id, format!("{HEADER}\n{ROWS}")).await;
        let (summary, _) = import(&app, &second.id, format!("{HEADER}\n{LATER_ROW}")).await;
        assert_eq!(summary.accepted, 1, "{name}");
        let counts = app.store().counts().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            counts.customers, 3,
            "{name}: the same customer, not a new one"
        );

        // Case 100000 is the first client's: it sees what the second client sent.
        let shown = app
            .read_case_customer(100_000, "agent-7", "check the address")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let customer = &shown.customer;
        assert_eq!(customer.address.line1.peek(), "Hämeenkatu 9", "{name}");
        assert_eq!(customer.address.city.peek(), "Tampere", "{name}");
        let email = customer.email.as_ref().map(|email| email.peek());
        assert_eq!(email, Some("maija.new@example.fi"), "{name}");
        let phone = customer.phone.as_ref().map(|phone| phone.peek());
        assert_eq!(
            phone,
            Some("+358401234567"),
            "{name}: no phone given, the old kept"
        );
        assert_eq!(customer.language.as_str(), "sv", "{name}");

        let events = test
            .journal_of_kind("customer.contact_updated")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(events.len(), 1, "{name}: {events:?}");
        let (subject, payload) = &events[0];
        assert_eq!(subject, &format!("customer:{}", shown.case.customer_id));
        let payload: serde_json::Value =
            serde_json::from_str(payload).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            payload["fields"],
            serde_json::json!(["address", "email", "language"]),
            "{name}"
        );
        assert_eq!(payload["client_id"], serde_json::json!(second.id));
        assert_eq!(payload["client_claim_refs"], serde_json::json!(["OTHER-1"]));
        let text = payload.to_string();
        for secret in ["Hämeenkatu", "Tampere", "maija.new", "example.fi", "+358"] {
            assert!(!text.contains(secret), "{name}: the journal names {secret}");
        }
        let reads = test
            .journal_of_kind("personal_data.read")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            reads
                .iter()
                .any(|(_, payload)| payload.contains("later claims")),
            "{name}: opening the stored record for the merge is journaled: {reads:?}"
        );
        assert_eq!(
            app.store()
                .verify_journal()
                .await
                .ok()
                .map(|v| matches!(v, JournalVerification::Intact { .. })),
            Some(true),
            "{name}"
        );
    }
}

#[tokio::test]
async fn an_identical_later_claim_changes_nothing_and_journals_no_update() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let name = test.backend_name;
        let app = app_on(&test).await;
        let first = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let second = app
            .add_client("Vesi Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        import(&app, &first.id, format!("{HEADER}\n{ROWS}")).await;
        let before = app
            .store()
            .case_by_number(100_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|case| case.customer_personal_data);
        // The same person with the same data (the phone left out keeps the stored one).
        let same = ROWS
            .lines()
            .next()
            .unwrap_or_default()
            .replacen("INV-1", "OTHER-1", 1);
        let (summary, _) = import(&app, &second.id, format!("{HEADER}\n{same}\n")).await;
        assert_eq!(summary.accepted, 1, "{name}");
        let after = app
            .store()
            .case_by_number(100_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|case| case.customer_personal_data);
        assert_eq!(before, after, "{name}: the sealed record was not rewritten");
        let events = test
            .journal_of_kind("customer.contact_updated")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(events.is_empty(), "{name}: {events:?}");
    }
}

#[tokio::test]
async fn the_last_claim_of_a_batch_wins_for_the_same_customer() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let name = test.backend_name;
        let app = app_on(&test).await;
        let client = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        import(&app, &client.id, format!("{HEADER}\n{ROWS}")).await;
        let later = LATER_ROW.replacen("OTHER-1", "INV-9", 1);
        let last =
            LATER_ROW
                .replacen("OTHER-1", "INV-10", 1)
                .replacen("Hämeenkatu 9", "Kauppakatu 5", 1);
        // Sven has neither e-mail nor phone: his update writes no index for them.
        let sven = "INV-11,SE,consumer,811228-9874,Sven Svensson,Drottninggatan 5,111 51,\
                    Stockholm,,,,,SEK,500,2026-08-01,2026-08-31,,,Phone\n";
        let file = format!("{HEADER}\n{later}{sven}{last}");
        let (summary, _) = import(&app, &client.id, file).await;
        assert_eq!(summary.accepted, 3, "{name}");
        let shown = app
            .read_case_customer(100_000, "agent-7", "check the address")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            shown.customer.address.line1.peek(),
            "Kauppakatu 5",
            "{name}"
        );
        let events = test
            .journal_of_kind("customer.contact_updated")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(events.len(), 2, "{name}: one event per customer and batch");
        assert!(
            events
                .iter()
                .any(|(_, payload)| payload.contains(r#""client_claim_refs":["INV-9","INV-10"]"#)),
            "{name}: {events:?}"
        );
        let sven = app
            .read_case_customer(100_001, "agent-7", "check the address")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            sven.customer.address.line1.peek(),
            "Drottninggatan 5",
            "{name}"
        );
        assert!(sven.customer.email.is_none() && sven.customer.phone.is_none());
    }
}

#[tokio::test]
async fn a_new_customer_named_twice_in_one_file_gets_the_last_claims_data_without_a_read() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let name = test.backend_name;
        let app = app_on(&test).await;
        let client = app
            .add_client("Kauppa Oy", "FI", "FI2112345600000785")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let moved = LATER_ROW.replacen("OTHER-1", "INV-2", 1);
        let first = ROWS.lines().next().unwrap_or_default();
        let (summary, _) = import(&app, &client.id, format!("{HEADER}\n{first}\n{moved}")).await;
        assert_eq!(summary.accepted, 2, "{name}");
        let events = test
            .journal_of_kind("customer.contact_updated")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(events.len(), 1, "{name}: {events:?}");
        let reads = test
            .journal_of_kind("personal_data.read")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(reads.is_empty(), "{name}: nothing stored before was read");
        let shown = app
            .read_case_customer(100_000, "agent-7", "check the address")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            shown.customer.address.line1.peek(),
            "Hämeenkatu 9",
            "{name}"
        );
        let phone = shown.customer.phone.as_ref().map(|phone| phone.peek());
        assert_eq!(phone, Some("+358401234567"), "{name}");
    }
}
