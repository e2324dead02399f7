//! Every error the API gives is JSON of one shape, `{"error": "…"}`; the key is checked before
//! anything else; a fault of ours is a 500 with an id, never a 4xx.

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[path = "web_support.rs"]
mod web_support;

use web_support::{TestApp, spawn_apps};

/// (status, JSON body) of a response that must be a JSON error.
async fn json_error(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "{status} answered as '{content_type}': {text}"
    );
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|error| !error.is_empty()),
        "{status}: {body}"
    );
    (status, body)
}

impl TestApp {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    fn statement_url(&self, query: &str) -> String {
        self.url(&format!(
            "/api/v1/clients/{}/statement?{query}",
            self.client_id
        ))
    }

    fn claims_url(&self) -> String {
        self.url(&format!("/api/v1/clients/{}/claims", self.client_id))
    }
}

/// Sends the head of a claims request that announces a body over the limit, and no body
/// (the server must answer without reading it): the status and the JSON error.
async fn announcing_too_large_a_body(app: &TestApp, key: Option<&str>) -> (u16, Value) {
    let authorization = key.map_or_else(String::new, |key| {
        format!("Authorization: Bearer {key}\r\n")
    });
    let head = format!(
        "POST /api/v1/clients/{}/claims HTTP/1.1\r\nHost: x\r\n{authorization}Idempotency-Key: big-1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        app.client_id,
        reilu_web::BODY_BYTES_MAX + 1
    );
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    stream
        .write_all(head.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    // Until the whole answer is in: its head, then as many bytes as it says.
    let answer = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            let count = stream.read(&mut buffer).await.unwrap_or(0);
            received.extend_from_slice(&buffer[..count]);
            let text = String::from_utf8_lossy(&received).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|line| {
                        line.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if body.len() >= length || count == 0 {
                    return (head.to_owned(), body.to_owned());
                }
            } else if count == 0 {
                return (text, String::new());
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no answer"));
    let status = answer
        .0
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    assert!(
        answer
            .0
            .to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{}",
        answer.0
    );
    let body = serde_json::from_str(&answer.1).unwrap_or_else(|e| panic!("{e}: {}", answer.1));
    (status, body)
}

#[tokio::test]
async fn framework_answers_are_json_errors_too() {
    for app in spawn_apps().await {
        let (status, _) = json_error(
            app.http
                .get(app.url("/nope"))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .await;
        assert_eq!(status, 404);
        let wrong_method = app
            .http
            .delete(app.url("/healthz"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let allow = wrong_method.headers().get("allow").cloned();
        let (status, _) = json_error(wrong_method).await;
        assert_eq!(status, 405);
        assert_eq!(allow.as_ref().map(|v| v.as_bytes()), Some(&b"GET,HEAD"[..]));

        let bad_query = app
            .http
            .get(app.statement_url("from=2026-13-01&to=2026-11-30"))
            .bearer_auth(&app.api_key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json_error(bad_query).await.0, 400);
        let missing = app
            .http
            .get(app.statement_url("to=2026-11-30"))
            .bearer_auth(&app.api_key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (status, body) = json_error(missing).await;
        assert_eq!(status, 400);
        assert!(
            body["error"].as_str().unwrap_or("").contains("from"),
            "{body}"
        );
        let undecodable = app
            .http
            .get(app.statement_url("from=%FF%FE&to=2026-11-30"))
            .bearer_auth(&app.api_key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json_error(undecodable).await.0, 400);

        let (status, body) = announcing_too_large_a_body(&app, Some(&app.api_key)).await;
        assert_eq!(status, 413, "{body}");
        assert!(
            body["error"].as_str().is_some_and(|e| e.contains("bytes")),
            "{body}"
        );
        let not_json = app
            .http
            .post(app.claims_url())
            .bearer_auth(&app.api_key)
            .header("Idempotency-Key", "form-1")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("claims=1")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json_error(not_json).await.0, 415);
        let too_many = app
            .http
            .post(app.claims_url())
            .bearer_auth(&app.api_key)
            .header("Idempotency-Key", "many-1")
            .json(&json!({ "claims": vec![json!({}); 1001] }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json_error(too_many).await.0, 400);
    }
}

#[tokio::test]
async fn the_key_is_checked_before_anything_about_the_request_is_said() {
    for app in spawn_apps().await {
        for key in [None, Some("reilu_nope")] {
            let mut bad_query = app.http.get(app.statement_url("from=nonsense"));
            let mut no_idempotency_key = app.http.post(app.claims_url()).json(&json!({}));
            if let Some(key) = key {
                bad_query = bad_query.bearer_auth(key);
                no_idempotency_key = no_idempotency_key.bearer_auth(key);
            }
            let (status, body) = announcing_too_large_a_body(&app, key).await;
            assert_eq!(status, 401, "{}: {key:?}: {body}", app.backend_name);
            for request in [bad_query, no_idempotency_key] {
                let (status, _) =
                    json_error(request.send().await.unwrap_or_else(|e| panic!("{e}"))).await;
                assert_eq!(status, 401, "{}: {key:?}", app.backend_name);
            }
        }
        let other_client = app
            .http
            .get(app.statement_url("from=nonsense"))
            .bearer_auth(&app.other_api_key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json_error(other_client).await.0, 403);
    }
}

#[tokio::test]
async fn a_store_failure_is_a_500_with_an_id_never_a_refusal_of_the_input() {
    for app in spawn_apps().await {
        let (_, operator_key) = app
            .operator("Aino Virtanen", reilu_core::OperatorRole::Finance)
            .await;
        app.app.store().close().await;
        let statement = app
            .http
            .get(app.statement_url("from=2026-11-01&to=2026-11-30"))
            .bearer_auth(&app.api_key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let claims = app
            .http
            .post(app.claims_url())
            .bearer_auth(&app.api_key)
            .header("Idempotency-Key", "after-close")
            .json(&json!({ "claims": [] }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let import = app
            .http
            .post(app.url("/api/v1/payments/imports"))
            .bearer_auth(&operator_key)
            .header("Content-Type", "application/xml")
            .body("<Document/>")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut ids = Vec::new();
        for response in [statement, claims, import] {
            let (status, body) = json_error(response).await;
            assert_eq!(status, 500, "{}: {body}", app.backend_name);
            assert_eq!(body["error"], reilu_web::INTERNAL_ERROR, "{body}");
            let id = body["error_id"].as_str().unwrap_or_default().to_owned();
            assert!(id.len() >= 32, "{body}");
            ids.push(id);
        }
        ids.dedup();
        assert_eq!(ids.len(), 3, "every failure has an id of its own");
        let health = app
            .http
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json_error(health).await.0, 503);
    }
}
