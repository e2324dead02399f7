//! Clients that connect and then send slowly or not at all are cut off, and cannot keep the
//! server from answering others. The limits are configured short here (a fraction of a
//! second) and every wait in the tests is long (seconds), so the tests check what happens,
//! never how fast.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "web_support.rs"]
mod web_support;

use web_support::{TestApp, spawn_apps_configured};

/// Generous: a connection the server should close is given this long to be closed.
const PATIENCE: Duration = Duration::from_secs(20);

async fn spawn_short_limits(connections_max: usize) -> Vec<TestApp> {
    spawn_apps_configured(|config| {
        config.header_timeout = Duration::from_millis(300);
        config.body_timeout = Duration::from_millis(500);
        config.connections_max = connections_max;
    })
    .await
}

fn socket_address(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

/// A connection that sends `start` and then nothing more.
async fn stalled(app: &TestApp, start: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(socket_address(app))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    stream
        .write_all(start)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    stream
}

/// Everything the server sends until it closes the connection; panics if it does not close
/// it within [`PATIENCE`].
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buffer = [0_u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(count) => received.extend_from_slice(&buffer[..count]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept a stalled connection open");
    String::from_utf8_lossy(&received).into_owned()
}

/// Whether the server has closed `stream` already (without waiting).
fn is_closed(stream: &TcpStream) -> bool {
    let mut buffer = [0_u8; 1024];
    match stream.try_read(&mut buffer) {
        Ok(_) => true,
        Err(error) => error.kind() != std::io::ErrorKind::WouldBlock,
    }
}

/// The status of `/healthz`, asked on a new connection: a kept-alive one may be closed by the
/// server's short idle limit just as a request goes out on it.
async fn health(app: &TestApp) -> u16 {
    reilu_app::outbox::channels::install_tls_provider();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let answer = tokio::time::timeout(
        PATIENCE,
        http.get(format!("{}/healthz", app.address)).send(),
    )
    .await
    .unwrap_or_else(|_| panic!("{}: /healthz did not answer", app.backend_name));
    answer
        .map(|response| response.status().as_u16())
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn clients_that_never_finish_their_headers_are_closed_and_others_still_served() {
    for app in spawn_short_limits(64).await {
        let mut slow = Vec::new();
        for _ in 0..40 {
            slow.push(stalled(&app, b"GET /healthz HT").await);
        }
        slow.push(stalled(&app, b"").await);
        assert_eq!(health(&app).await, 200, "{}", app.backend_name);
        for stream in &mut slow {
            until_closed(stream).await;
        }
        assert_eq!(health(&app).await, 200, "{}", app.backend_name);
    }
}

#[tokio::test]
async fn beyond_the_connection_cap_a_client_waits_for_a_slot_and_is_then_served() {
    for app in spawn_short_limits(3).await {
        let mut slow = Vec::new();
        for _ in 0..3 {
            slow.push(stalled(&app, b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await);
        }
        // The slots are taken: /healthz is answered only once a stalled client was closed,
        // and by then its connection reads as closed here.
        assert_eq!(health(&app).await, 200, "{}", app.backend_name);
        assert!(
            slow.iter().any(is_closed),
            "{}: answered while every slot was held",
            app.backend_name
        );
        for stream in &mut slow {
            until_closed(stream).await;
        }
    }
}

#[tokio::test]
async fn a_body_sent_too_slowly_is_answered_408_and_the_connection_closed() {
    for app in spawn_short_limits(64).await {
        let start = format!(
            "POST /api/v1/clients/{}/claims HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nIdempotency-Key: slow-1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"claims\": [",
            app.client_id, app.api_key
        );
        let mut stream = stalled(&app, start.as_bytes()).await;
        let answer = until_closed(&mut stream).await;
        assert!(
            answer.starts_with("HTTP/1.1 408"),
            "{}: {answer}",
            app.backend_name
        );
        assert!(answer.contains("\"error\""), "{answer}");
        assert_eq!(health(&app).await, 200);
    }
}

#[tokio::test]
async fn a_payment_upload_that_stalls_is_cut_off_and_leaves_no_file() {
    for app in spawn_short_limits(64).await {
        let (_, key) = app
            .operator("Aino Virtanen", reilu_core::OperatorRole::Finance)
            .await;
        let start = format!(
            "POST /api/v1/payments/imports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n<?xml version=\"1\r\n"
        );
        let mut stream = stalled(&app, start.as_bytes()).await;
        let answer = until_closed(&mut stream).await;
        assert!(
            answer.starts_with("HTTP/1.1 408"),
            "{}: {answer}",
            app.backend_name
        );
        assert_eq!(app.leftover_uploads(), Vec::<std::path::PathBuf>::new());
    }
}
