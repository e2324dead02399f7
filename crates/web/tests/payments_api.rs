//! The operators' payment import over real HTTP, on every backend under test.

use std::path::Path;

use reilu_core::{Currency, Money, OperatorRole};
use reilu_formats::camt::{BankEntry, Direction, EntryStatus};
use reilu_store::Store;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[path = "web_support.rs"]
mod web_support;

use web_support::{TestApp, spawn_apps, spawn_apps_with_limit};

const IMPORTS: &str = "/api/v1/payments/imports";
/// 8 payments in 6 entries, none naming a case of the test store: 7 credits wait in the
/// unmatched queue (one of them a returned payment), 1 reversal is a debit and is ignored
/// (see examples/payments/README.md).
const SAMPLE: &str = "camt054_001_02_credits.xml";
// Nothing matches (no cases are placed): the credits wait as unmatched, and so do the
// reversal and the returned refund, whose originals were never booked to a case.
const SAMPLE_SUMMARY: [(&str, u64); 6] = [
    ("entries", 8),
    ("matched", 0),
    ("unmatched", 8),
    ("ignored", 0),
    ("corrected", 0),
    ("already_recorded", 0),
];

fn sample(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/payments")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A camt.054 paying `amount_minor` cents to FI case `case_number` by its RF reference.
fn paying_case(case_number: u64, amount_minor: i64) -> Vec<u8> {
    let currency = Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}"));
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 24);
    let entry = BankEntry {
        account_iban: "FI2112345600000785".into(),
        bank_reference: format!("TEST-{case_number}"),
        amount: Money::from_minor(amount_minor, currency),
        direction: Direction::Credit,
        reversal: false,
        status: EntryStatus::Booked,
        booking_date: day,
        value_date: day,
        structured_reference: Some(reilu_formats::reference::for_case("FI", case_number).rf),
        unstructured: Vec::new(),
        end_to_end_id: None,
        return_reason: None,
        debtor_name: None,
        debtor_iban: None,
    };
    let mut file = Vec::new();
    reilu_formats::camt::synth::write_camt054(&mut file, "TEST-1", [entry])
        .unwrap_or_else(|e| panic!("{e}"));
    file
}

fn summary_counts(summary: &Value) -> Vec<(String, u64)> {
    SAMPLE_SUMMARY
        .iter()
        .map(|(field, _)| {
            (
                (*field).to_owned(),
                summary[*field].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect()
}

fn expected(counts: &[(&str, u64)]) -> Vec<(String, u64)> {
    counts
        .iter()
        .map(|(field, count)| ((*field).to_owned(), *count))
        .collect()
}

impl TestApp {
    async fn post_payments(
        &self,
        key: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}{IMPORTS}", self.address))
            .body(body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        request.send().await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// Money that came into the client-money bank accounts: empty while nothing is posted.
    async fn bank_balances(&self) -> Vec<(String, String, i64)> {
        self.app
            .store()
            .balances("client_money_bank:")
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// (actor, kind, subject, payload) of the journal entries whose kind starts with `prefix`.
    async fn journal(&self, prefix: &str) -> Vec<(String, String, String, Value)> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.store_url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT actor, kind, subject, payload FROM journal WHERE kind LIKE $1 ORDER BY seq",
        )
        .bind(format!("{prefix}%"))
        .fetch_all(&pool)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        pool.close().await;
        rows.into_iter()
            .map(|(actor, kind, subject, payload)| {
                let payload = serde_json::from_str(&payload).unwrap_or_else(|e| panic!("{e}"));
                (actor, kind, subject, payload)
            })
            .collect()
    }
}

async fn error_of(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap_or_default();
    body["error"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_finance_operator_imports_a_bank_file_once_and_is_journaled_for_it() {
    for app in spawn_apps().await {
        let (operator, key) = app
            .operator("Aino Kirjanpitäjä", OperatorRole::Finance)
            .await;
        let file = sample(SAMPLE);
        let sha256 = hex::encode(Sha256::digest(&file));

        let first = app
            .post_payments(Some(&key), Some("application/xml"), file.clone())
            .await;
        assert_eq!(first.status(), 200, "{}", app.backend_name);
        let summary: Value = first.json().await.unwrap_or_default();
        assert_eq!(
            summary_counts(&summary),
            expected(&SAMPLE_SUMMARY),
            "{summary}"
        );
        assert_eq!(
            app.bank_balances().await.len(),
            1,
            "the unmatched credits came into the bank account"
        );

        let again = app
            .post_payments(Some(&key), Some("text/xml; charset=utf-8"), file)
            .await;
        assert_eq!(again.status(), 200);
        let again: Value = again.json().await.unwrap_or_default();
        assert_eq!(
            summary_counts(&again),
            expected(&[
                ("entries", 8),
                ("matched", 0),
                ("unmatched", 0),
                ("ignored", 0),
                ("corrected", 0),
                ("already_recorded", 8),
            ]),
            "{again}: each bank entry is recorded once"
        );

        let imports = app.journal("payments.import").await;
        assert_eq!(imports.len(), 2, "{imports:?}");
        for (actor, kind, subject, payload) in &imports {
            assert_eq!(actor, &format!("operator:{operator}"));
            assert_eq!(kind, "payments.imported");
            assert_eq!(subject, &format!("payment-file:{sha256}"));
            assert_eq!(payload["operator"], operator.as_str());
            assert_eq!(payload["sha256"], sha256.as_str());
            assert_eq!(payload["entries"], 8);
        }
        assert_eq!(imports[0].3["unmatched"], 8);
        assert_eq!(imports[1].3["already_recorded"], 8);
        assert!(
            imports
                .iter()
                .all(|(.., p)| !p.to_string().contains("Kirjanpit")),
            "the operator's name stays out of the journal"
        );
        assert!(
            app.leftover_uploads().is_empty(),
            "{:?}",
            app.leftover_uploads()
        );
        assert!(matches!(
            app.app.store().verify_journal().await,
            Ok(reilu_store::JournalVerification::Intact { .. })
        ));
    }
}

#[tokio::test]
async fn a_payment_naming_a_case_is_posted_to_it_and_shows_in_the_clients_statement() {
    for app in spawn_apps().await {
        let (_, key) = app.operator("Aino", OperatorRole::Finance).await;
        let claim = json!({ "claims": [{
            "client_claim_ref": "INV-1", "market": "FI", "customer_type": "consumer",
            "customer_national_id": "131052-308T", "customer_name": "Maija Meikäläinen",
            "customer_address_line1": "Mannerheimintie 1", "customer_postcode": "00100",
            "customer_city": "Helsinki", "currency": "EUR", "principal": "123.45",
            "invoice_date": "2026-09-01", "due_date": "2026-09-15"
        }]});
        let placed: Value = app
            .http
            .post(format!(
                "{}/api/v1/clients/{}/claims",
                app.address, app.client_id
            ))
            .bearer_auth(&app.api_key)
            .header("Idempotency-Key", "claims-1")
            .json(&claim)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default();
        // Case numbers start at 100000 in a fresh store.
        let case_number = 100_000;
        assert_eq!(
            placed["items"][0]["references"]["rf"],
            reilu_formats::reference::for_case("FI", case_number)
                .rf
                .as_str(),
            "{placed}"
        );

        let response = app
            .post_payments(
                Some(&key),
                Some("application/xml"),
                paying_case(case_number, 5_000),
            )
            .await;
        assert_eq!(response.status(), 200);
        let summary: Value = response.json().await.unwrap_or_default();
        assert_eq!(
            (summary["entries"].as_u64(), summary["matched"].as_u64()),
            (Some(1), Some(1)),
            "{summary}"
        );

        let statement: Value = app
            .http
            .get(format!(
                "{}/api/v1/clients/{}/statement?from=2026-11-01&to=2026-11-30",
                app.address, app.client_id
            ))
            .bearer_auth(&app.api_key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default();
        assert_eq!(
            statement["rows"].as_array().map(Vec::len),
            Some(1),
            "{statement}"
        );
    }
}

#[tokio::test]
async fn only_a_live_finance_operator_key_may_import() {
    for app in spawn_apps().await {
        let (admin_id, admin_key) = app.operator("Ari Admin", OperatorRole::Admin).await;
        let (revoked_id, revoked_key) = app.operator("Entinen", OperatorRole::Finance).await;
        let revoked = app.app.revoke_operator(&revoked_id).await;
        assert!(revoked.is_ok_and(|r| !r.before));
        let file = sample(SAMPLE);

        let unknown_op_key = format!("reilu_op_{}", "0".repeat(64));
        for (key, why) in [
            (None, "no key"),
            (Some(app.api_key.as_str()), "a client's key"),
            (Some(unknown_op_key.as_str()), "an unknown operator key"),
            (Some(revoked_key.as_str()), "a revoked operator key"),
        ] {
            let response = app
                .post_payments(key, Some("application/xml"), file.clone())
                .await;
            assert_eq!(response.status(), 401, "{why}");
            assert_eq!(
                response
                    .headers()
                    .get("www-authenticate")
                    .map(|v| v.as_bytes()),
                Some(&b"Bearer"[..]),
                "{why}"
            );
            let error = error_of(response).await;
            assert!(error.contains("operator key"), "{why}: {error}");
        }

        let forbidden = app
            .post_payments(Some(&admin_key), Some("application/xml"), file)
            .await;
        assert_eq!(forbidden.status(), 403);
        let error = error_of(forbidden).await;
        assert!(
            error.contains("'admin' may not import payment files") && error.contains("finance"),
            "{error}"
        );

        assert!(app.bank_balances().await.is_empty(), "nothing was posted");
        assert!(app.journal("payments.").await.is_empty());
        assert!(app.leftover_uploads().is_empty());
        let _ = admin_id;
    }
}

#[tokio::test]
async fn a_file_must_be_sent_as_xml() {
    for app in spawn_apps().await {
        let (_, key) = app.operator("Aino", OperatorRole::Finance).await;
        for content_type in [Some("application/json"), Some("text/plain"), None] {
            let response = app
                .post_payments(Some(&key), content_type, sample(SAMPLE))
                .await;
            assert_eq!(response.status(), 415, "{content_type:?}");
            let error = error_of(response).await;
            assert!(error.contains("application/xml"), "{error}");
        }
        assert!(app.bank_balances().await.is_empty());
    }
}

#[tokio::test]
async fn a_truncated_file_posts_nothing_and_says_why() {
    for app in spawn_apps().await {
        let (operator, key) = app.operator("Aino", OperatorRole::Finance).await;
        let mut file = sample(SAMPLE);
        // Cut after the fourth entry: a reader that posted as it read would post four.
        file.truncate(file.len() * 7 / 10);
        let response = app
            .post_payments(Some(&key), Some("application/xml"), file)
            .await;
        assert_eq!(response.status(), 422);
        let error = error_of(response).await;
        assert!(
            error.contains("truncated") && error.contains("nothing from this file was posted"),
            "{error}"
        );
        let upload_dir = app.upload_dir.display().to_string();
        assert!(
            !error.contains(&upload_dir),
            "the server's paths stay private: {error}"
        );
        assert!(app.bank_balances().await.is_empty(), "nothing was posted");
        assert!(app.journal("payments.recorded").await.is_empty());
        let refused = app.journal("payments.import_refused").await;
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert_eq!(refused[0].0, format!("operator:{operator}"));
        assert!(app.leftover_uploads().is_empty());
    }
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_and_leaves_nothing_behind() {
    // The Dutch statement (4,842 bytes) fits, the credits notification (10,236) does not.
    for app in spawn_apps_with_limit(6_000).await {
        let (_, key) = app.operator("Aino", OperatorRole::Finance).await;
        let declared = app
            .post_payments(Some(&key), Some("application/xml"), sample(SAMPLE))
            .await;
        assert_eq!(declared.status(), 413);
        assert!(error_of(declared).await.contains("6000 bytes"));

        let streamed = post_chunked(&app, &key, &sample(SAMPLE)).await;
        assert!(streamed.starts_with("HTTP/1.1 413"), "{streamed}");

        assert!(app.bank_balances().await.is_empty(), "nothing was posted");
        assert!(
            app.leftover_uploads().is_empty(),
            "{:?}",
            app.leftover_uploads()
        );

        let fits = app
            .post_payments(
                Some(&key),
                Some("application/xml"),
                sample("camt053_001_02_statement.xml"),
            )
            .await;
        assert_eq!(fits.status(), 200);
    }
}

/// Posts `body` in chunks without a Content-Length, so the server must count as it reads;
/// returns the raw answer.
async fn post_chunked(app: &TestApp, key: &str, body: &[u8]) -> String {
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut request = format!(
        "POST {IMPORTS} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/xml\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    for chunk in body.chunks(1000) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    // The server may answer and close before it has read everything; a failed write is
    // then expected, and the answer is still there to read.
    let _ = stream.write_all(&request).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn the_openapi_document_describes_the_import_and_its_answer() {
    let Some(app) = spawn_apps().await.into_iter().next() else {
        panic!("no store under test");
    };
    let document: Value = app
        .http
        .get(format!("{}/api/v1/openapi.json", app.address))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let operation = &document["paths"][IMPORTS]["post"];
    assert_eq!(operation["security"], json!([{ "operatorKey": [] }]));
    let scheme = &document["components"]["securitySchemes"]["operatorKey"];
    assert_eq!(
        (scheme["type"].as_str(), scheme["scheme"].as_str()),
        (Some("http"), Some("bearer"))
    );
    for media_type in ["application/xml", "text/xml"] {
        assert!(
            operation["requestBody"]["content"][media_type].is_object(),
            "{media_type}"
        );
    }
    let statuses: Vec<&str> = operation["responses"]
        .as_object()
        .map(|responses| responses.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        statuses,
        [
            "200", "400", "401", "403", "408", "413", "415", "422", "500"
        ]
    );
    // The documented answer has exactly the fields the server sends.
    let schema = &document["components"]["schemas"]["PaymentSummary"];
    let mut documented: Vec<&str> = schema["properties"]
        .as_object()
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let sent = serde_json::to_value(reilu_app::payments::PaymentSummary::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sent: Vec<&str> = sent
        .as_object()
        .map(|fields| fields.keys().map(String::as_str).collect())
        .unwrap_or_default();
    documented.sort_unstable();
    sent.sort_unstable();
    assert_eq!(documented, sent);
    assert_eq!(
        schema["required"].as_array().map(Vec::len),
        Some(sent.len())
    );
}
