//! The public verification of messages: a code printed on a message the app signed is
//! genuine on the page (fi/sv/en) and through the API, an unknown one gets advice, a row
//! altered in the store is not genuine, and checks are limited per address and in total so
//! codes cannot be enumerated. On SQLite and (with REILU_TEST_DATABASE_URL) PostgreSQL.

#[path = "web_support.rs"]
mod web_support;

use reilu_app::outbox::{MessageRequest, MessageValues, Templates, build_message};
use reilu_core::{CustomerDetails, CustomerKind, Email, LanguageTag, Phone, PostalAddress, Secret};
use reilu_store::Store;
use serde_json::Value;
use web_support::{TestApp, spawn_apps_configured};

fn customer() -> CustomerDetails {
    CustomerDetails {
        kind: CustomerKind::Consumer,
        national_id: Secret::new("010190-123A".into()),
        name: Secret::new("Aino Asiakas".into()),
        address: PostalAddress {
            line1: Secret::new("Katu 1".into()),
            postcode: Secret::new("00100".into()),
            city: Secret::new("Helsinki".into()),
            country: "FI".into(),
        },
        email: Some(Email::parse("aino@example.test").unwrap_or_else(|e| panic!("{e}"))),
        phone: Some(Phone::parse("+358401234567").unwrap_or_else(|e| panic!("{e}"))),
        language: LanguageTag::parse("fi").unwrap_or_else(|e| panic!("{e}")),
    }
}

/// An SMS the app signed, in the outbox; its code as printed.
async fn signed_sms(test: &TestApp) -> String {
    let templates = Templates::builtin().unwrap_or_else(|e| panic!("{e}"));
    let message = build_message(
        &test.app.vault,
        &templates,
        &customer(),
        &MessageRequest {
            case_number: 1_000_001,
            decision_id: "decision-verify",
            channel: "sms",
            template: "reminder",
            language: "fi",
            values: MessageValues {
                creditor: "Kauppa Oy".into(),
                amount: "120.50 EUR".into(),
                reference: "RF18 5390 0754 7034".into(),
                case_number: "1000001".into(),
                pay_by: "2026-12-09".into(),
                customer_name: "Aino Asiakas".into(),
            },
            not_before_ms: 1_795_000_000_000,
            signer: Some(&test.app.signer),
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    test.app
        .store()
        .enqueue_messages(&[message])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let opened = test
        .app
        .read_outbox_message(1, "test", "read the printed code")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let text = opened.content.text;
    let code = text
        .split_whitespace()
        .map(|word| word.trim_end_matches(['.', ',']))
        .find(|word| word.len() == 12 && word.matches('-').count() == 2)
        .unwrap_or_else(|| panic!("no code in: {text}"));
    assert!(text.contains("reilu.example/verify"), "{text}");
    code.to_owned()
}

async fn check(test: &TestApp, http: &reqwest::Client, code: &str) -> (u16, Value) {
    let response = http
        .post(format!("{}/api/v1/verify", test.address))
        .json(&serde_json::json!({ "code": code }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_signed_code_is_genuine_an_unknown_one_gets_advice_and_guessing_is_limited() {
    let apps = spawn_apps_configured(|config| {
        config.verify_checks_per_address = 4;
        config.verify_checks_total = 7;
    })
    .await;
    for test in &apps {
        let name = test.backend_name;
        let code = signed_sms(test).await;
        let (status, answer) = check(test, &test.http, &code.to_lowercase()).await;
        assert_eq!(status, 200, "{name}: {answer}");
        assert_eq!(answer["result"], "genuine", "{name}: {answer}");
        assert_eq!(answer["channel"], "sms");
        assert_eq!(answer["reference_end"], "7034");
        assert_eq!(answer["amount"], "120.50 EUR");
        assert!(
            answer.get("creditor").is_none(),
            "nothing a stranger could use"
        );
        let (_, unknown) = check(test, &test.http, "ABCD-EFGH-JK").await;
        assert_eq!(unknown["result"], "unknown", "{name}");

        let page = test
            .http
            .get(format!("{}/verify?lang=fi", test.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().await.unwrap_or_default();
        assert!(
            html.contains("<html lang=\"fi\">") && html.contains("Tarkistuskoodi"),
            "{html}"
        );
        assert!(
            html.contains("<label for=\"code\">"),
            "the field has its label"
        );
        let form = |code: &str, lang: &str| {
            test.http
                .post(format!("{}/verify?lang={lang}", test.address))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("code={code}"))
                .send()
        };
        let genuine = form(&code, "sv").await.unwrap_or_else(|e| panic!("{e}"));
        let html = genuine.text().await.unwrap_or_default();
        assert!(html.contains("Äkta") && html.contains("7034"), "{html}");
        let unknown = form("ZZZZ-ZZZZ-ZZ", "en")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let html = unknown.text().await.unwrap_or_default();
        assert!(
            html.contains("Do not pay") && html.contains("report it to the police"),
            "{html}"
        );

        // Four checks from this address were made (the page itself is not a check): the
        // fifth is refused, on the page too.
        let (status, _) = check(test, &test.http, &code).await;
        assert_eq!(status, 429, "{name}");
        let limited = form(&code, "fi").await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(limited.status().as_u16(), 429, "{name}");
        assert!(
            limited
                .text()
                .await
                .unwrap_or_default()
                .contains("Liian monta")
        );
        // Another address gets its own allowance, until all addresses together reach theirs.
        let elsewhere = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let allowed: Vec<u16> = {
            let mut statuses = Vec::new();
            for _ in 0..4 {
                statuses.push(check(test, &elsewhere, &code).await.0);
            }
            statuses
        };
        assert_eq!(allowed, vec![200, 200, 200, 429], "{name}: seven in total");
    }
}

/// A commitment altered in the store (its amount) no longer verifies: the code is not
/// genuine, whatever the row now says.
#[tokio::test]
async fn an_altered_commitment_is_not_genuine() {
    for test in &spawn_apps_configured(|_| {}).await {
        let code = signed_sms(test).await;
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(&test.store_url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // A tamperer with the database drops the append-only guard first.
        let unguard = if test.backend_name == "postgres" {
            "ALTER TABLE message_commitments DISABLE TRIGGER USER"
        } else {
            "DROP TRIGGER message_commitments_are_append_only_update"
        };
        sqlx::query(unguard)
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sqlx::query(
            "UPDATE message_commitments SET commitment = REPLACE(commitment, '120.50', '20.50')",
        )
        .execute(&pool)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let (status, answer) = check(test, &test.http, &code).await;
        assert_eq!(status, 200);
        assert_eq!(
            answer["result"], "unknown",
            "{}: {answer}",
            test.backend_name
        );
    }
}

/// The log over HTTP, as an independent verifier uses it: the checkpoint opens with the
/// published key, a leaf's data hashes into the tree, and its inclusion proof checks out.
#[tokio::test]
async fn the_log_serves_a_checkpoint_and_proofs_a_verifier_can_check() {
    use base64::Engine;
    for test in &spawn_apps_configured(|_| {}).await {
        let name = test.backend_name;
        signed_sms(test).await;
        let get = |path: String| async move {
            let response = test
                .http
                .get(format!("{}{path}", test.address))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            (
                response.status().as_u16(),
                response.text().await.unwrap_or_default(),
            )
        };
        let (status, note) = get("/api/v1/log/checkpoint".into()).await;
        assert_eq!(status, 200, "{name}: {note}");
        let key = reilu_tlog::VerifierKey::parse(
            &test
                .app
                .log_verifier_key()
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let checkpoint =
            reilu_tlog::open_checkpoint(&note, &key).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(checkpoint.size(), 1, "{name}");
        let (_, leaf) = get("/api/v1/log/leaves/0".into()).await;
        let leaf: Value = serde_json::from_str(&leaf).unwrap_or_else(|e| panic!("{e}"));
        let data = leaf["data"].as_str().unwrap_or_default();
        assert!(data.starts_with("reilu-message-commitment/v1\n"), "{data}");
        // The public leaf must not let anyone test a guessed phone number against it.
        let plain = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"+358401234567"));
        assert!(!data.contains(&plain) && !data.contains("+358"), "{data}");
        let (status, proof) = get("/api/v1/log/proof/inclusion?index=0&size=1".into()).await;
        assert_eq!(status, 200, "{name}: {proof}");
        let proof: Value = serde_json::from_str(&proof).unwrap_or_else(|e| panic!("{e}"));
        let hashes: Vec<[u8; 32]> = proof["proof"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|hash| {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(hash.as_str().unwrap_or_default())
                    .unwrap_or_default();
                <[u8; 32]>::try_from(bytes.as_slice()).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        reilu_tlog::verify_inclusion(
            0,
            1,
            &reilu_tlog::leaf_hash(data.as_bytes()),
            &hashes,
            checkpoint.root(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (status, _) = get("/api/v1/log/proof/inclusion?index=5&size=9".into()).await;
        assert_eq!(status, 404, "{name}: beyond the log");
        let (status, _) = get("/api/v1/log/leaves/18446744073709551615".into()).await;
        assert_eq!(status, 404, "{name}");
    }
}
