//! Delivery from the outbox over real channels: e-mail to an SMTP server the test starts
//! (Python's aiosmtpd, writing what arrives to a Maildir), read back with its text and HTML
//! parts and Message-ID; SMS to a local HTTP server that records the request. On SQLite and,
//! when REILU_TEST_DATABASE_URL is set, on PostgreSQL. Without aiosmtpd the e-mail test is
//! skipped with a message, unless REILU_REQUIRE_ORACLES=1 (install: pip install aiosmtpd).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reilu_app::SystemClock;
use reilu_app::outbox::channels::{SmsConfig, SmsSender, SmtpConfig, SmtpSecurity, SmtpSender};
use reilu_app::outbox::deliver::{Channels, Worker, WorkerSettings};
use reilu_app::outbox::{MessageRequest, MessageValues, Templates, build_message};
use reilu_core::{CustomerDetails, CustomerKind, Email, LanguageTag, Phone, PostalAddress, Secret};
use reilu_store::test_support::stores_under_test;
use reilu_store::{OutboxState, SqlStore, Store};
use reilu_vault::{MasterKey, Vault};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
        language: LanguageTag::parse("en").unwrap_or_else(|e| panic!("{e}")),
    }
}

fn request<'a>(decision_id: &'a str, channel: &'a str) -> MessageRequest<'a> {
    MessageRequest {
        case_number: 1_000_001,
        decision_id,
        channel,
        template: "reminder",
        language: "en",
        values: MessageValues {
            creditor: "Shop & Co".into(),
            amount: "120.50 EUR".into(),
            reference: "RF18 5390 0754 7034".into(),
            case_number: "1000001".into(),
            pay_by: "2026-12-31".into(),
            customer_name: "Aino Asiakas".into(),
        },
        not_before_ms: 0,
        signer: None,
    }
}

fn worker(store: &SqlStore, vault: &Vault, channels: Channels) -> Worker<SqlStore> {
    Worker {
        name: "test".into(),
        store: store.clone(),
        vault: vault.clone(),
        channels,
        clock: Arc::new(SystemClock),
        settings: WorkerSettings::default(),
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// aiosmtpd on a free port, storing messages in `maildir`; None when it is not installed.
async fn start_smtp(maildir: &Path) -> Option<(tokio::process::Child, u16)> {
    start_smtp_on(maildir, free_port()).await
}

async fn start_smtp_on(maildir: &Path, port: u16) -> Option<(tokio::process::Child, u16)> {
    let child = tokio::process::Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .kill_on_drop(true)
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some((child, port));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

/// Quoted-printable soft line breaks and `=3D` undone, so the parts can be searched.
fn unfolded(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

#[tokio::test]
async fn email_reaches_a_real_smtp_server_with_both_parts_and_its_message_id() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let maildir = folder.path().join("maildir");
    let Some((mut server, port)) = start_smtp(&maildir).await else {
        if std::env::var("REILU_REQUIRE_ORACLES").is_ok() {
            panic!("aiosmtpd is required (pip install aiosmtpd)");
        }
        eprintln!("skipped: aiosmtpd is not installed (pip install aiosmtpd)");
        return;
    };
    let vault = Vault::new(&MasterKey::generate());
    let templates = Templates::builtin().unwrap_or_else(|e| panic!("{e}"));
    let sender = SmtpSender::new(&SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        credentials: None,
        from: "Reilu <noreply@reilu.test>".into(),
        connections_max: 2,
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let mut expected = 0;
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let name = test.backend_name;
        let decision = format!("decision-{name}");
        let message = build_message(
            &vault,
            &templates,
            &customer(),
            &request(&decision, "email"),
        );
        let message = message.unwrap_or_else(|e| panic!("{e}"));
        test.store
            .enqueue_messages(&[message])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let channels = Channels::default().with("email", Arc::new(sender.clone()));
        let handled = worker(&test.store, &vault, channels).drain().await;
        assert_eq!(handled.unwrap_or_else(|e| panic!("{e}")), 1, "{name}");
        let sent = test
            .store
            .outbox_messages(Some(OutboxState::Sent), 10)
            .await;
        let sent = sent.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent.len(), 1, "{name}");
        expected += 1;
        let arrived = read_maildir(&maildir, expected).await;
        let raw = arrived
            .iter()
            .find(|raw| raw.contains(&format!("<outbox-{}@reilu.test>", sent[0].id)))
            .unwrap_or_else(|| panic!("{name}: no message with the outbox id's Message-ID"));
        let text = unfolded(raw);
        assert!(text.contains("To: aino@example.test"), "{text}");
        assert!(text.contains("Content-Type: text/plain"), "{text}");
        assert!(text.contains("Content-Type: text/html"), "{text}");
        assert!(text.contains("Dear Aino Asiakas,"), "{text}");
        assert!(text.contains("<p>Dear Aino Asiakas,</p>"), "{text}");
        assert!(
            text.contains("Shop &amp; Co"),
            "the HTML part escapes: {text}"
        );
        assert!(text.contains("owed to Shop & Co is still unpaid"), "{text}");
    }
    let _ = server.kill().await;
}

async fn read_maildir(maildir: &Path, expected: usize) -> Vec<String> {
    for _ in 0..100 {
        let mut found = Vec::new();
        if let Ok(entries) = std::fs::read_dir(maildir.join("new")) {
            for entry in entries.flatten() {
                found.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
            }
        }
        if found.len() >= expected {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the SMTP server stored fewer than {expected} messages");
}

/// One request as the provider saw it: head (request line and headers) and body.
type Recorded = Arc<Mutex<Vec<(String, String)>>>;

/// A provider that records every request and answers `{"id": "sms-N"}`, failing the first
/// `failures` requests with 503.
async fn start_provider(failures: usize) -> (u16, Recorded) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let recorded: Recorded = Arc::default();
    let seen = recorded.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (head, body) = read_request(&mut socket).await;
            let count = {
                let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                seen.push((head, body));
                seen.len()
            };
            let answer = if count <= failures {
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_owned()
            } else {
                let body = format!("{{\"id\":\"sms-{count}\"}}");
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    (port, recorded)
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> (String, String) {
    let mut bytes = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        let read = socket.read(&mut buffer).await.unwrap_or(0);
        if read == 0 {
            break;
        }
        bytes.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&bytes).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = text[..end].to_owned();
            let length = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                return (head, text[end + 4..].to_owned());
            }
        }
    }
    (String::from_utf8_lossy(&bytes).to_string(), String::new())
}

#[tokio::test]
async fn sms_is_posted_as_json_with_token_and_idempotency_key_and_retried_after_a_failure() {
    let vault = Vault::new(&MasterKey::generate());
    let templates = Templates::builtin().unwrap_or_else(|e| panic!("{e}"));
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let name = test.backend_name;
        let (port, recorded) = start_provider(1).await;
        let sender = SmsSender::new(SmsConfig {
            url: format!("http://127.0.0.1:{port}/send"),
            token: "secret-token".into(),
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let message = build_message(&vault, &templates, &customer(), &request("d-sms", "sms"));
        let message = message.unwrap_or_else(|e| panic!("{e}"));
        test.store
            .enqueue_messages(&[message])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut settings = WorkerSettings::default();
        settings.policy.backoff_base_ms = 0;
        let channels = Channels::default().with("sms", Arc::new(sender));
        let mut worker = worker(&test.store, &vault, channels);
        worker.settings = settings;
        // The first answer is 503: the attempt fails and, with no backoff, the next batch
        // sends again and succeeds.
        worker.drain().await.unwrap_or_else(|e| panic!("{e}"));
        let stored = test
            .store
            .outbox_messages(None, 10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored[0].state, OutboxState::Sent, "{name}");
        assert_eq!(stored[0].attempts, 2, "{name}");
        assert_eq!(stored[0].provider_id.as_deref(), Some("sms-2"), "{name}");
        let requests = recorded.lock().unwrap_or_else(|e| e.into_inner()).clone();
        assert_eq!(requests.len(), 2, "{name}");
        let key = format!("outbox-{}", stored[0].id);
        for (head, body) in &requests {
            let head = head.to_ascii_lowercase();
            assert!(head.starts_with("post /send "), "{head}");
            assert!(
                head.contains("authorization: bearer secret-token"),
                "{head}"
            );
            assert!(head.contains(&format!("idempotency-key: {key}")), "{head}");
            let json: serde_json::Value =
                serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
            assert_eq!(json["to"], "+358401234567", "{name}");
            assert_eq!(json["reference"], key.as_str(), "{name}");
            let text = json["text"].as_str().unwrap_or_default();
            assert!(text.contains("120.50 EUR owed to Shop & Co"), "{text}");
        }
    }
}

/// A server that dropped the connection the sender kept idle (here: restarted) does not cost
/// the next e-mail a failed attempt and a backoff: it goes out at once on a fresh connection.
#[tokio::test]
async fn an_email_after_the_server_dropped_the_idle_connection_goes_out_at_once() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let maildir = folder.path().join("maildir");
    let Some((mut server, port)) = start_smtp(&maildir).await else {
        assert!(
            std::env::var("REILU_REQUIRE_ORACLES").is_err(),
            "aiosmtpd is required (pip install aiosmtpd)"
        );
        eprintln!("skipped: aiosmtpd is not installed (pip install aiosmtpd)");
        return;
    };
    let vault = Vault::new(&MasterKey::generate());
    let templates = Templates::builtin().unwrap_or_else(|e| panic!("{e}"));
    let sender = SmtpSender::new(&SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        credentials: None,
        from: "Reilu <noreply@reilu.test>".into(),
        connections_max: 1,
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    let store = &stores[0].store;
    let channels = Channels::default().with("email", Arc::new(sender));
    let send = |decision: &'static str| {
        let message = build_message(&vault, &templates, &customer(), &request(decision, "email"))
            .unwrap_or_else(|e| panic!("{e}"));
        let worker = worker(store, &vault, channels.clone());
        async move {
            store
                .enqueue_messages(&[message])
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            worker.drain().await.unwrap_or_else(|e| panic!("{e}"))
        }
    };
    assert_eq!(send("first").await, 1);
    let _ = server.kill().await;
    let _ = server.wait().await;
    let Some((mut server, _)) = start_smtp_on(&maildir, port).await else {
        panic!("aiosmtpd did not start again on port {port}");
    };
    assert_eq!(send("second").await, 1);
    let messages = store
        .outbox_messages(None, 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(messages.len(), 2);
    for message in &messages {
        assert_eq!(message.state, OutboxState::Sent, "{message:?}");
        assert_eq!(
            message.attempts, 1,
            "sent at the first attempt: {message:?}"
        );
    }
    assert_eq!(read_maildir(&maildir, 2).await.len(), 2);
    let _ = server.kill().await;
}
