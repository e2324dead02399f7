//! The client API over real HTTP, on every backend under test.

use reilu_formats::claim_row::CLAIM_COLUMNS;
use reilu_store::Store;
use serde_json::{Value, json};

#[path = "web_support.rs"]
mod web_support;

use web_support::{TestApp, spawn_apps};

fn good_claim(reference: &str) -> Value {
    json!({
        "client_claim_ref": reference,
        "market": "FI",
        "customer_type": "consumer",
        "customer_national_id": "131052-308T",
        "customer_name": "Maija Meikäläinen",
        "customer_address_line1": "Mannerheimintie 1",
        "customer_postcode": "00100",
        "customer_city": "Helsinki",
        "customer_email": "maija@example.fi",
        "currency": "EUR",
        "principal": "123.45",
        "invoice_date": "2026-09-01",
        "due_date": "2026-09-15"
    })
}

impl TestApp {
    async fn post_claims(
        &self,
        key: Option<&str>,
        idempotency_key: Option<&str>,
        body: &Value,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!(
                "{}/api/v1/clients/{}/claims",
                self.address, self.client_id
            ))
            .json(body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(idempotency_key) = idempotency_key {
            request = request.header("Idempotency-Key", idempotency_key);
        }
        request.send().await.unwrap_or_else(|e| panic!("{e}"))
    }
}

#[tokio::test]
async fn health_and_openapi_are_served() {
    for app in spawn_apps().await {
        let health = app
            .http
            .get(format!("{}/healthz", app.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(health.status(), 200);
        let home = app
            .http
            .get(format!("{}/", app.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(home.status(), 200);
        let page = home.text().await.unwrap_or_default();
        assert!(page.contains("<dt>Clients</dt><dd>2</dd>"), "{page}");
        let document: Value = app
            .http
            .get(format!("{}/api/v1/openapi.json", app.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(document["openapi"], "3.1.0");
        let claim = &document["components"]["schemas"]["Claim"];
        let documented: Vec<&str> = claim["properties"]
            .as_object()
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut columns: Vec<&str> = CLAIM_COLUMNS.iter().map(|(column, _)| *column).collect();
        let mut documented_sorted = documented.clone();
        documented_sorted.sort_unstable();
        columns.sort_unstable();
        assert_eq!(
            documented_sorted, columns,
            "the OpenAPI claim schema must list exactly the claim columns"
        );
        let required: Vec<&str> = claim["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let expected: Vec<&str> = CLAIM_COLUMNS
            .iter()
            .filter(|(_, required)| *required)
            .map(|(column, _)| *column)
            .collect();
        assert_eq!(required, expected);
    }
}

#[tokio::test]
async fn requests_without_the_right_key_or_idempotency_key_are_refused() {
    for app in spawn_apps().await {
        let body = json!({ "claims": [good_claim("A-1")] });
        assert_eq!(app.post_claims(None, Some("k"), &body).await.status(), 401);
        assert_eq!(
            app.post_claims(Some("reilu_nope"), Some("k"), &body)
                .await
                .status(),
            401
        );
        assert_eq!(
            app.post_claims(Some(&app.other_api_key), Some("k"), &body)
                .await
                .status(),
            403
        );
        let missing = app.post_claims(Some(&app.api_key), None, &body).await;
        assert_eq!(missing.status(), 400);
        let reason: Value = missing.json().await.unwrap_or_default();
        assert!(
            reason["error"]
                .as_str()
                .unwrap_or("")
                .contains("Idempotency-Key"),
            "{reason}"
        );
        assert_eq!(
            app.post_claims(Some(&app.api_key), Some("k"), &json!({"nope": 1}))
                .await
                .status(),
            400
        );
    }
}

#[tokio::test]
async fn a_batch_places_good_claims_reports_bad_ones_and_replays_by_key() {
    for app in spawn_apps().await {
        let mut bad = good_claim("A-2");
        bad["principal"] = json!("12.345");
        bad["customer_national_id"] = json!("131052-308U");
        let body = json!({ "claims": [good_claim("A-1"), bad, good_claim("A-3")] });
        let first = app
            .post_claims(Some(&app.api_key), Some("batch-1"), &body)
            .await;
        assert_eq!(first.status(), 200);
        assert!(first.headers().get("idempotency-replayed").is_none());
        let report: Value = first.json().await.unwrap_or_default();
        assert_eq!(
            (report["accepted"].as_u64(), report["rejected"].as_u64()),
            (Some(2), Some(1)),
            "{report}"
        );
        assert_eq!(report["items"][1]["status"], "rejected");
        let columns: Vec<&str> = report["items"][1]["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|x| x["column"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(columns, ["customer_national_id", "principal"]);
        assert_eq!(
            report["items"][0]["case_id"], report["items"][2]["case_id"],
            "one customer, one case"
        );
        let rf = report["items"][0]["references"]["rf"]
            .as_str()
            .unwrap_or("");
        assert!(rf.starts_with("RF"), "{report}");
        assert_eq!(
            report["items"][0]["references"]["national_kind"],
            "fi_viitenumero"
        );

        let replay = app
            .post_claims(Some(&app.api_key), Some("batch-1"), &body)
            .await;
        assert_eq!(
            replay
                .headers()
                .get("idempotency-replayed")
                .map(|v| v.as_bytes()),
            Some(&b"true"[..])
        );
        let replayed: Value = replay.json().await.unwrap_or_default();
        assert_eq!(replayed, report, "a replay returns the first answer");

        let changed = json!({ "claims": [good_claim("A-9")] });
        assert_eq!(
            app.post_claims(Some(&app.api_key), Some("batch-1"), &changed)
                .await
                .status(),
            422
        );

        let again = app
            .post_claims(Some(&app.api_key), Some("batch-2"), &body)
            .await;
        let again: Value = again.json().await.unwrap_or_default();
        assert_eq!(
            (again["accepted"].as_u64(), again["duplicates"].as_u64()),
            (Some(0), Some(2)),
            "{again}"
        );
    }
}

#[tokio::test]
async fn a_client_reads_its_own_statement_as_json_or_csv() {
    for app in spawn_apps().await {
        let url = |query: &str| {
            format!(
                "{}/api/v1/clients/{}/statement?{query}",
                app.address, app.client_id
            )
        };
        let get = |url: String, key: &str| app.http.get(url).bearer_auth(key).send();
        let json = get(url("from=2026-11-01&to=2026-11-30"), &app.api_key)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json.status(), 200);
        let body: Value = json.json().await.unwrap_or_default();
        assert_eq!(body["client_id"], app.client_id.as_str());
        assert_eq!(
            body["rows"].as_array().map(Vec::len),
            Some(0),
            "nothing collected yet"
        );
        let csv = get(
            url("from=2026-11-01&to=2026-11-30&format=csv"),
            &app.api_key,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            csv.headers().get("content-type").map(|v| v.as_bytes()),
            Some(&b"text/csv; charset=utf-8"[..])
        );
        assert!(
            csv.text()
                .await
                .unwrap_or_default()
                .starts_with("booked_at,posting_id")
        );
        assert_eq!(
            get(url("from=2026-11-01&to=2026-11-30"), &app.other_api_key)
                .await
                .map(|r| r.status().as_u16())
                .ok(),
            Some(403)
        );
        assert_eq!(
            get(url("from=2026-13-01&to=2026-11-30"), &app.api_key)
                .await
                .map(|r| r.status().as_u16())
                .ok(),
            Some(400)
        );
        assert_eq!(
            get(url("from=2026-11-30&to=2026-11-01"), &app.api_key)
                .await
                .map(|r| r.status().as_u16())
                .ok(),
            Some(400)
        );
    }
}

#[tokio::test]
async fn the_claim_terms_travel_over_the_api_and_are_judged_like_the_file() {
    for app in spawn_apps().await {
        let backend = app.backend_name;
        let mut agreed = good_claim("T-1");
        agreed["arose_on"] = json!("2026-08-20");
        agreed["reminder_fee_agreed"] = json!("Yes");
        let mut elsewhere = good_claim("T-2");
        elsewhere["customer_national_id"] = json!("061257-783H");
        elsewhere["jurisdiction"] = json!("GB-SCT");
        let mut late = good_claim("T-3");
        late["arose_on"] = json!("2026-09-16");
        late["reminder_fee_agreed"] = json!("maybe");
        let body = json!({ "claims": [agreed, elsewhere, late] });
        let answer = app
            .post_claims(Some(&app.api_key), Some("terms-1"), &body)
            .await;
        assert_eq!(answer.status(), 200, "{backend}");
        let report: Value = answer.json().await.unwrap_or_default();
        let columns = |index: usize| -> Vec<String> {
            report["items"][index]["errors"]
                .as_array()
                .map(|e| {
                    e.iter()
                        .filter_map(|x| x["column"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(report["items"][0]["status"], "accepted", "{report}");
        assert_eq!(columns(1), ["jurisdiction"], "{backend}: {report}");
        assert_eq!(
            columns(2),
            ["arose_on", "reminder_fee_agreed"],
            "{backend}: {report}"
        );
        let case = app
            .app
            .store()
            .case_by_number(100_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("{backend}: no case"));
        assert_eq!(case.earliest_arose_on.as_deref(), Some("2026-08-20"));
        assert!(case.reminder_fee_agreed, "{backend}");
        assert_eq!(case.jurisdiction, None, "{backend}");
    }
}
