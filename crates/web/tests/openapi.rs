//! The OpenAPI document served at /api/v1/openapi.json is the truth about the server: the
//! same endpoints as the router, the same values as the intake accepts.

use std::collections::BTreeSet;

use reilu_core::Markets;
use reilu_web::{Endpoint, OPENAPI_JSON};
use serde_json::Value;

#[path = "web_support.rs"]
mod web_support;

use web_support::spawn_apps;

fn document() -> Value {
    serde_json::from_str(OPENAPI_JSON).unwrap_or_else(|e| panic!("{e}"))
}

/// (METHOD, path) of every operation the document describes.
fn documented_operations(document: &Value) -> BTreeSet<(String, String)> {
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
            operations.insert((method.to_ascii_uppercase(), path.clone()));
        }
    }
    operations
}

#[test]
fn the_document_describes_exactly_the_routers_endpoints() {
    let routed: BTreeSet<(String, String)> = Endpoint::ALL
        .iter()
        .map(|endpoint| (endpoint.method().to_string(), endpoint.path().to_owned()))
        .collect();
    assert_eq!(documented_operations(&document()), routed);
}

#[test]
fn every_answer_refers_to_what_exists_and_errors_are_json() {
    let document = document();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let responses = operation["responses"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            let secured = operation.get("security").is_some();
            if secured {
                for status in ["401", "403", "500"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} must say {status}"
                    );
                }
            }
            for (status, response) in &responses {
                let response = match response["$ref"].as_str() {
                    Some(reference) => {
                        let name = reference.trim_start_matches("#/components/responses/");
                        document["components"]["responses"][name].clone()
                    }
                    None => response.clone(),
                };
                assert!(response.is_object(), "{method} {path} {status}: {response}");
                // A page for people (its answer is HTML) may refuse with a page too: the
                // verification form's "too many checks".
                let is_page = response["content"]["text/html"].is_object();
                if (status.starts_with('4') || status.starts_with('5')) && !is_page {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/Error",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_claim_schema_names_the_markets_and_currencies_served() {
    let markets = Markets::builtin().unwrap_or_else(|e| panic!("{e}"));
    let claim = &document()["components"]["schemas"]["Claim"]["properties"];
    let listed = |field: &str| -> BTreeSet<String> {
        claim[field]["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let served: BTreeSet<String> = markets
        .iter()
        .map(|market| market.code.as_str().to_owned())
        .collect();
    let currencies: BTreeSet<String> = markets
        .iter()
        .map(|market| market.currency.code().to_owned())
        .collect();
    assert_eq!(listed("market"), served);
    assert_eq!(listed("currency"), currencies);
}

#[tokio::test]
async fn each_endpoint_answers_its_method_and_refuses_others_with_405() {
    let Some(app) = spawn_apps().await.into_iter().next() else {
        panic!("no backend");
    };
    for endpoint in Endpoint::ALL {
        let path = endpoint
            .path()
            .replace("{client_id}", &app.client_id)
            .to_owned();
        let url = format!("{}{path}", app.address);
        let answer = app
            .http
            .request(endpoint.method(), &url)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            ![404, 405].contains(&answer.status().as_u16()),
            "{endpoint:?}: {}",
            answer.status()
        );
        let other = app
            .http
            .patch(&url)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(other.status(), 405, "{endpoint:?}");
        let allow = other
            .headers()
            .get("allow")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            allow.contains(endpoint.method().as_str()),
            "{endpoint:?}: {allow}"
        );
    }
}
