//! The `reilu` command as a user runs it, on every backend under test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use reilu_store::Store;
use reilu_store::test_support::{TestStore, stores_under_test};
use serde_json::Value;

const REILU: &str = env!("CARGO_BIN_EXE_reilu");

struct Cli<'a> {
    data: tempfile::TempDir,
    test: &'a TestStore,
}

impl Cli<'_> {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(REILU);
        command
            .arg("--data")
            .arg(self.data.path())
            .arg("--database-url")
            .arg(&self.test.url)
            .args(args);
        command
            .env_remove("REILU_MASTER_KEY")
            .env("RUST_LOG", "warn");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn json(&self, args: &[&str]) -> Value {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&output.stdout))
        })
    }

    fn add_client(&self) -> String {
        let created = self.json(&[
            "client",
            "add",
            "--name",
            "Kauppa Oy",
            "--market",
            "FI",
            "--iban",
            "FI21 1234 5600 0007 85",
            "--json",
        ]);
        assert!(
            created["api_key"]
                .as_str()
                .is_some_and(|key| key.starts_with("reilu_"))
        );
        created["id"].as_str().unwrap_or_default().to_owned()
    }
}

fn clis(stores: &[TestStore]) -> Vec<Cli<'_>> {
    stores
        .iter()
        .map(|test| Cli {
            data: tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
            test,
        })
        .collect()
}

fn write_demo_file(cli: &Cli<'_>, cases: &str) -> std::path::PathBuf {
    let path = cli.data.path().join(format!("claims-{cases}.csv"));
    let output = cli.run(&[
        "demo",
        "--cases",
        cases,
        "--seed",
        "3",
        "--csv",
        path.to_str().unwrap_or_default(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    path
}

#[tokio::test]
async fn clients_are_added_and_listed_and_bad_input_is_refused() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let id = cli.add_client();
        let listed = cli.json(&["client", "list", "--json"]);
        assert_eq!(listed[0]["id"], id.as_str());
        assert_eq!(listed[0]["iban"], "FI2112345600000785");
        let key_mode = std::fs::metadata(cli.data.path().join("master.key"))
            .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777);
        assert_eq!(key_mode.ok(), Some(0o600));
        for (args, expected) in [
            (
                vec![
                    "client",
                    "add",
                    "--name",
                    "X",
                    "--market",
                    "US",
                    "--iban",
                    "FI2112345600000785",
                ],
                "does not serve the market 'US'",
            ),
            (
                vec![
                    "client",
                    "add",
                    "--name",
                    "X",
                    "--market",
                    "FI",
                    "--iban",
                    "FI2112345600000786",
                ],
                "not a valid IBAN",
            ),
            (
                vec!["import", "claims", "--client", "nobody", "missing.csv"],
                "cannot open missing.csv",
            ),
        ] {
            let output = cli.run(&args);
            assert!(!output.status.success(), "{args:?} must fail");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains(expected), "{args:?}: {stderr}");
        }
    }
}

#[tokio::test]
async fn a_claim_file_is_imported_once_with_a_json_summary() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let client = cli.add_client();
        let file = write_demo_file(&cli, "40");
        let mut text = std::fs::read_to_string(&file).unwrap_or_default();
        text.push_str("BAD-1,FI,consumer,131052-308U,X,Y,00100,Helsinki,,,,,EUR,1.00,2026-01-01,2026-01-15,,,\n");
        std::fs::write(&file, &text).unwrap_or_else(|e| panic!("{e}"));
        let rows = u64::try_from(text.lines().count() - 1).unwrap_or_default();
        let path = file.to_str().unwrap_or_default();
        let first = cli.json(&["import", "claims", "--client", &client, path, "--json"]);
        assert_eq!(first["accepted"].as_u64(), Some(rows - 1), "{first}");
        assert_eq!(
            (first["duplicates"].as_u64(), first["rejected"].as_u64()),
            (Some(0), Some(1))
        );
        assert_eq!(first["errors"][0]["row"].as_u64(), Some(rows + 1));
        assert_eq!(first["errors"][0]["column"], "customer_national_id");
        let second = cli.json(&["import", "claims", "--client", &client, path, "--json"]);
        assert_eq!(
            (second["accepted"].as_u64(), second["duplicates"].as_u64()),
            (Some(0), Some(rows - 1))
        );
        let bad_header = cli.data.path().join("bad.csv");
        std::fs::write(&bad_header, "client_claim_ref,market\nA,FI\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let output = cli.run(&[
            "import",
            "claims",
            "--client",
            &client,
            bad_header.to_str().unwrap_or_default(),
        ]);
        assert!(!output.status.success());
        assert!(String::from_utf8_lossy(&output.stderr).contains("lacks the required column"));
        let verified = cli.run(&["journal", "verify"]);
        assert!(
            verified.status.success(),
            "{}",
            String::from_utf8_lossy(&verified.stdout)
        );
    }
}

#[tokio::test]
async fn an_import_killed_half_way_completes_exactly_when_run_again() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let client = cli.add_client();
        let file = write_demo_file(&cli, "12000");
        let rows = u64::try_from(
            std::fs::read_to_string(&file)
                .unwrap_or_default()
                .lines()
                .count()
                - 1,
        )
        .unwrap_or_default();
        let mut child = cli
            .command(&[
                "import",
                "claims",
                "--client",
                &client,
                file.to_str().unwrap_or_default(),
            ])
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let placed_before_kill = wait_for_some_claims(&cli.test.store, rows).await;
        child.kill().unwrap_or_else(|e| panic!("{e}"));
        let _ = child.wait();
        let placed = cli
            .test
            .store
            .counts()
            .await
            .map(|c| c.claims)
            .unwrap_or_default();
        assert!(placed >= placed_before_kill);
        let again = cli.json(&[
            "import",
            "claims",
            "--client",
            &client,
            file.to_str().unwrap_or_default(),
            "--json",
        ]);
        let accepted = again["accepted"].as_u64().unwrap_or_default();
        let duplicates = again["duplicates"].as_u64().unwrap_or_default();
        assert_eq!(accepted + duplicates, rows, "{again}");
        assert_eq!(
            duplicates,
            u64::try_from(placed).unwrap_or_default(),
            "what was placed before the kill is recognised"
        );
        let total = cli
            .test
            .store
            .counts()
            .await
            .map(|c| c.claims)
            .unwrap_or_default();
        assert_eq!(
            u64::try_from(total).unwrap_or_default(),
            rows,
            "{}: every row placed exactly once",
            cli.test.backend_name
        );
        assert!(cli.run(&["journal", "verify"]).status.success());
    }
}

/// Waits until the import has placed some claims but (if the machine is fast) not all.
async fn wait_for_some_claims(store: &reilu_store::SqlStore, rows: u64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let placed = store.counts().await.map(|c| c.claims).unwrap_or_default();
        if placed > 0 || Instant::now() > deadline {
            assert!(
                u64::try_from(placed).unwrap_or_default() < rows || rows == 0,
                "the import finished before it could be killed"
            );
            return placed;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn serve_answers_health_and_prints_where_to_open_it() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let mut child = cli
            .command(&[
                "serve",
                "--demo",
                "--demo-cases",
                "30",
                "--addr",
                "127.0.0.1:0",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let address = first
            .strip_prefix("Reilu is running at http://")
            .map(|rest| rest.trim_end_matches('/').to_owned());
        let address = address.unwrap_or_else(|| panic!("unexpected first line: {first}"));
        let printed: Vec<String> = lines
            .take_while(|line| line.as_ref().is_ok_and(|l| !l.starts_with("Stop with")))
            .filter_map(Result::ok)
            .collect();
        assert!(
            printed.iter().any(|line| line.contains("Demo logins")),
            "{printed:?}"
        );
        let response = http_get(&address, "/healthz");
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        let _ = child.kill();
        let _ = child.wait();
        assert!(logins_file_is_private(
            &cli.data.path().join("demo-logins.txt")
        ));
    }
}

fn logins_file_is_private(path: &Path) -> bool {
    std::fs::metadata(path)
        .is_ok_and(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777 == 0o600)
}

fn http_get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap_or_else(|e| panic!("{e}"));
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}
