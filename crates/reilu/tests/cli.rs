//! The `reilu` command as a user runs it, on every backend under test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use reilu_store::Store;
use reilu_store::test_support::{TEST_MASTER_KEY_HEX, TestStore, stores_under_test};
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

    /// Runs a command that must succeed.
    fn ok(&self, args: &[&str]) -> Output {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        );
        output
    }

    fn json(&self, args: &[&str]) -> Value {
        let output = self.ok(args);
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&output.stdout))
        })
    }

    /// Runs a command that prints JSON whatever its exit code; the code and the JSON.
    fn json_exit(&self, args: &[&str]) -> (Option<i32>, Value) {
        let output = self.run(args);
        let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: {e}: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        (output.status.code(), value)
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

/// A data folder per store, holding the master key the test stores' journals were keyed
/// under (a command opening a store with another key could not write to it).
fn clis(stores: &[TestStore]) -> Vec<Cli<'_>> {
    use std::os::unix::fs::OpenOptionsExt;
    stores
        .iter()
        .map(|test| {
            let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(data.path().join("master.key"))
                .and_then(|mut file| file.write_all(TEST_MASTER_KEY_HEX.as_bytes()))
                .unwrap_or_else(|e| panic!("{e}"));
            Cli { data, test }
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
async fn operators_are_added_listed_and_revoked_once() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let add = |name: &str, role: &str| {
            cli.json(&["operator", "add", "--name", name, "--role", role, "--json"])
        };
        let finance = add("Aino Kirjanpitäjä", "finance");
        let admin = add("Ari Admin", "admin");
        assert_eq!(finance["role"], "finance");
        assert!(
            finance["api_key"]
                .as_str()
                .is_some_and(|key| key.starts_with("reilu_op_") && key.len() == 73),
            "{finance}"
        );
        let finance_id = finance["id"].as_str().unwrap_or_default();

        let revoked = cli.json(&["operator", "revoke", finance_id, "--json"]);
        assert_eq!(revoked["already"], false, "{revoked}");
        let again = cli.json(&["operator", "revoke", finance_id, "--json"]);
        assert_eq!(again["already"], true, "{again}");
        assert_eq!(again["revoked_at"], revoked["revoked_at"]);

        let listed = cli.json(&["operator", "list", "--json"]);
        let rows: Vec<(&str, &str, bool)> = listed
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|row| {
                        (
                            row["id"].as_str().unwrap_or_default(),
                            row["role"].as_str().unwrap_or_default(),
                            row["revoked_at"].is_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            rows,
            [
                (finance_id, "finance", true),
                (admin["id"].as_str().unwrap_or_default(), "admin", false),
            ]
        );
        let text = cli.run(&["operator", "list"]);
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.contains("Ari Admin") && !text.contains("reilu_op_"),
            "keys are never listed: {text}"
        );

        for (args, expected) in [
            (
                vec!["operator", "add", "--name", "X", "--role", "boss"],
                "'boss' is not an operator role",
            ),
            (
                vec!["operator", "revoke", "01900000-0000-7000-8000-000000000001"],
                "no operator with id",
            ),
            (vec!["operator", "revoke", "nope"], "not an operator id"),
        ] {
            let output = cli.run(&args);
            assert!(!output.status.success(), "{args:?} must fail");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains(expected), "{args:?}: {stderr}");
        }
        let verified = cli.run(&["journal", "verify"]);
        let verified = String::from_utf8_lossy(&verified.stdout);
        // The keyed marker, two additions and a revocation.
        assert!(verified.contains("intact: 4 entries"), "{verified}");
    }
}

#[tokio::test]
async fn a_claim_file_is_imported_once_with_a_json_summary() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let client = cli.add_client();
        let file = write_demo_file(&cli, "40");
        let mut text = std::fs::read_to_string(&file).unwrap_or_default();
        text.push_str("BAD-1,FI,consumer,131052-308U,X,Y,00100,Helsinki,,,,,EUR,1.00,2026-01-01,2026-01-15,,,,,,\n");
        std::fs::write(&file, &text).unwrap_or_else(|e| panic!("{e}"));
        let rows = u64::try_from(text.lines().count() - 1).unwrap_or_default();
        let path = file.to_str().unwrap_or_default();
        let (code, first) =
            cli.json_exit(&["import", "claims", "--client", &client, path, "--json"]);
        assert_eq!(code, Some(1), "a rejected row makes the import exit 1");
        assert_eq!(first["accepted"].as_u64(), Some(rows - 1), "{first}");
        assert_eq!(
            (first["duplicates"].as_u64(), first["rejected"].as_u64()),
            (Some(0), Some(1))
        );
        assert_eq!(first["errors"][0]["row"].as_u64(), Some(rows + 1));
        assert_eq!(first["errors"][0]["column"], "customer_national_id");
        let (code, second) =
            cli.json_exit(&["import", "claims", "--client", &client, path, "--json"]);
        assert_eq!(
            (second["accepted"].as_u64(), second["duplicates"].as_u64()),
            (Some(0), Some(rows - 1))
        );
        assert_eq!(code, Some(1));
        let good: String = text
            .lines()
            .take(rows as usize)
            .collect::<Vec<_>>()
            .join("\n");
        let good_file = cli.data.path().join("good.csv");
        std::fs::write(&good_file, good + "\n").unwrap_or_else(|e| panic!("{e}"));
        let (code, third) = cli.json_exit(&[
            "import",
            "claims",
            "--client",
            &client,
            good_file.to_str().unwrap_or_default(),
            "--json",
        ]);
        assert_eq!(
            (code, third["rejected"].as_u64()),
            (Some(0), Some(0)),
            "only duplicates: exit 0"
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
        cli.ok(&["journal", "verify"]);
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
        assert!(
            printed
                .iter()
                .any(|line| line.contains("finance operator") && line.contains("key reilu_op_")),
            "the demo has a finance operator for the payments API: {printed:?}"
        );
        let response = http_get(&address, "/healthz");
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        // The hint's command reaches this server's store when copied as it is.
        let hint = format!(
            "Try: reilu --data {} --database-url ",
            cli.data.path().display()
        );
        assert!(
            printed
                .iter()
                .any(|line| line.contains(&hint) && line.contains(&cli.test.url)),
            "{hint}: {printed:?}"
        );
        let _ = child.kill();
        let _ = child.wait();
        assert!(logins_file_is_private(
            &cli.data.path().join("demo-logins.txt")
        ));
        assert!(logins_file_is_private(
            &cli.data.path().join("demo-operator.txt")
        ));
    }
}

#[tokio::test]
async fn serve_listens_on_a_host_name_and_refuses_an_address_without_a_port() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    let Some(cli) = clis(&stores).into_iter().next() else {
        panic!("no backend");
    };
    let mut child = cli
        .command(&["serve", "--addr", "localhost:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    // Kept open while the server runs: it prints more lines, and a closed pipe would stop it.
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let address = first
        .strip_prefix("Reilu is running at http://")
        .map(|rest| rest.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"));
    let response = http_get(&address, "/healthz");
    let _ = child.kill();
    let _ = child.wait();
    drop(lines);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let refused = cli.run(&["serve", "--addr", "localhost"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("expected HOST:PORT"), "{stderr}");
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

fn reilu(args: &[&str]) -> Output {
    Command::new(REILU)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn repository_file(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
        .display()
        .to_string()
}

#[test]
fn rules_calendar_prints_the_documented_json() {
    let output = reilu(&[
        "rules", "calendar", "--market", "FI", "--year", "2027", "--json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let calendar: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        calendar["decreed"],
        Value::Null,
        "FI moves no working days by decree"
    );
    let days = &calendar["days"];
    let independence = days
        .as_array()
        .and_then(|days| days.iter().find(|day| day["date"] == "2027-12-06"))
        .cloned();
    assert_eq!(
        independence.map(|day| (day["kind"].clone(), day["name"].clone())),
        Some((
            Value::from("public_holiday"),
            Value::from("Independence Day")
        ))
    );
    let eve = days
        .as_array()
        .and_then(|days| days.iter().find(|day| day["date"] == "2027-12-24"))
        .map(|day| day["kind"].clone());
    assert_eq!(eve, Some(Value::from("no_contact_day")));
    let bad = reilu(&["rules", "calendar", "--market", "XX", "--year", "2027"]);
    assert!(!bad.status.success());
    let out_of_range = reilu(&["rules", "calendar", "--market", "FI", "--year", "1800"]);
    assert!(String::from_utf8_lossy(&out_of_range.stderr).contains("1800"));
}

#[test]
fn rules_calendar_says_up_to_which_year_decreed_days_are_known() {
    let json = |year: &str| -> Value {
        let output = reilu(&[
            "rules", "calendar", "--market", "HU", "--year", year, "--json",
        ]);
        assert!(output.status.success());
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"))
    };
    let known = json("2026");
    assert_eq!(known["decreed"]["known_until"], 2026);
    assert_eq!(known["decreed"]["known"], true);
    assert_eq!(known["decreed"]["rest_days"][0], "2026-01-02");
    assert_eq!(known["decreed"]["working_saturdays"][0], "2026-01-10");
    let bridge = known["days"]
        .as_array()
        .and_then(|days| days.iter().find(|day| day["date"] == "2026-01-02"))
        .map(|day| day["kind"].clone());
    assert_eq!(bridge, Some(Value::from("no_contact_day")));
    let later = json("2027");
    assert_eq!(later["decreed"]["known"], false);
    assert_eq!(later["decreed"]["known_until"], 2026);
    let text = |year: &str| {
        let output = reilu(&["rules", "calendar", "--market", "HU", "--year", year]);
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let words = text("2026");
    assert!(
        words.contains("known for 1991-2026")
            && words.contains("2026-08-21 rest day (no contact), worked on Saturday 2026-08-08"),
        "{words}"
    );
    assert!(
        text("2027").contains("The decreed days for 2027 are not yet known"),
        "{}",
        text("2027")
    );
}

#[test]
fn rules_explain_decides_a_scenario_in_words_and_json() {
    let scenario = repository_file("rules/examples/demand-fee-over-cap.json");
    let words = reilu(&["rules", "explain", &scenario, "--lang", "sv"]);
    let text = String::from_utf8_lossy(&words.stdout);
    assert!(
        words.status.success(),
        "{}",
        String::from_utf8_lossy(&words.stderr)
    );
    assert!(
        text.contains("Verdict:  allow with changes") && text.contains("FI-fee-demand-consumer"),
        "{text}"
    );
    assert!(
        text.contains("Lagen begränsar avgiften"),
        "explained in Swedish: {text}"
    );
    let json = reilu(&["rules", "explain", &scenario, "--json"]);
    let decision: Value = serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(decision["verdict"], "allow_with_changes");
    assert_eq!(decision["reasons"][0]["source"], "law");
    assert_eq!(decision["reasons"][0]["principle"], 5);
    assert_eq!(decision["packs"][0]["pack"], "FI");
    assert_eq!(
        decision["packs"][0]["sha256"].as_str().map(str::len),
        Some(64)
    );
    let broken = reilu(&["rules", "explain", &repository_file("README.md")]);
    assert!(!broken.status.success());
}

#[test]
fn a_broken_rule_pack_stops_the_platform_with_file_line_and_field() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rules = folder.path().join("rules");
    std::fs::create_dir(&rules).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(repository_file("rules"))
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        if entry.path().extension().is_some_and(|ext| ext == "toml") {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let text = if entry.file_name() == "se.toml" {
                text.replacen("amount = \"60.00\"", "amount = \"sixty\"", 1)
            } else {
                text
            };
            std::fs::write(rules.join(entry.file_name()), text).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let rules_arg = rules.display().to_string();
    let check = reilu(&["--rules", &rules_arg, "rules", "check"]);
    assert!(!check.status.success());
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("se.toml:") && stderr.contains("field `amount`"),
        "{stderr}"
    );
    let data = folder.path().join("data").display().to_string();
    let serve = reilu(&[
        "--rules",
        &rules_arg,
        "--data",
        &data,
        "serve",
        "--addr",
        "127.0.0.1:0",
    ]);
    assert!(
        !serve.status.success(),
        "the platform does not start on a broken pack"
    );
    let good = reilu(&["rules", "check", "--json"]);
    let coverage: Value = serde_json::from_slice(&good.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(coverage["FI"]["status"], "encoded");
    assert_eq!(coverage["AT"]["status"], "house_only");
    assert!(
        coverage["FI"]["law"]
            .as_array()
            .is_some_and(|law| law.contains(&Value::from("fee.demand")))
    );
}

#[test]
fn rules_check_fails_naming_each_rule_the_gate_does_not_apply() {
    // The shipped packs: every rule applied, the reminder-to-demand wait among the law.
    let json = reilu(&["rules", "check", "--json"]);
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let coverage: Value = serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{e}"));
    for market in ["FI", "NO"] {
        assert_eq!(
            coverage[market]["unapplied"],
            Value::Array(Vec::new()),
            "{market}"
        );
        let law = coverage[market]["law"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            law.contains(&Value::from("demand.min_days_after_reminder")),
            "{market}"
        );
    }
    // A pack that sets a parameter the gate does not read (what a first demand contains,
    // which the letters will check): the check fails and names the rule with its line.
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rules = folder.path().join("rules");
    std::fs::create_dir(&rules).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(repository_file("rules"))
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        if entry.path().extension().is_some_and(|ext| ext == "toml") {
            let mut text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if entry.file_name() == "dk.toml" {
                text.push_str(
                    "\n[[rule]]\nid = \"DK-demand-items\"\nparameter = \"demand.first.items\"\n\
                     principle = 6\ncitation = \"test\"\neffective_from = 2020-01-01\n\
                     items = [\"the creditor\"]\n",
                );
            }
            std::fs::write(rules.join(entry.file_name()), text).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let rules_arg = rules.display().to_string();
    let words = reilu(&["--rules", &rules_arg, "rules", "check"]);
    assert!(!words.status.success());
    let text = String::from_utf8_lossy(&words.stdout);
    assert!(
        text.contains("NOT APPLIED by the gate: demand.first.items (DK-demand-items, dk.toml:"),
        "{text}"
    );
    let stderr = String::from_utf8_lossy(&words.stderr);
    assert!(
        stderr.contains("the gate does not apply") && stderr.contains("DK-demand-items"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_payment_import_killed_half_way_posts_every_entry_exactly_once_when_run_again() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        // More entries than one transaction of the import holds (6,000).
        cli.ok(&["demo", "--cases", "15000", "--seed", "5"]);
        let file = cli.data.path().join("payments.xml");
        let path = file.to_str().unwrap_or_default();
        cli.ok(&["demo", "--cases", "15000", "--payments", path]);
        let mut child = cli
            .command(&["import", "payments", path])
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        // Wait until the import has committed its first transaction of chunks, and kill it
        // while it still runs.
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut posted = false;
        while Instant::now() < deadline && !posted {
            if child.try_wait().ok().flatten().is_some() {
                break;
            }
            posted = !cli
                .test
                .store
                .balances("client_money_bank:")
                .await
                .unwrap_or_default()
                .is_empty();
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        assert!(posted, "the import was never seen posting a chunk");
        assert!(
            child.try_wait().ok().flatten().is_none(),
            "the import ended before it could be killed: give the test a larger file"
        );
        let _ = child.kill();
        let _ = child.wait();
        // The chunks written before the kill stay, balanced.
        cli.ok(&["check"]);
        let again = cli.json(&["import", "payments", path, "--json"]);
        let total = again["entries"].as_u64().unwrap_or_default();
        let posted_now = again["matched"].as_u64().unwrap_or_default()
            + again["unmatched"].as_u64().unwrap_or_default();
        let kept = again["already_recorded"].as_u64().unwrap_or_default();
        assert!(
            kept > 0 && kept < total,
            "the killed import kept some chunks: {again}"
        );
        assert_eq!(
            posted_now + kept,
            total,
            "the run again posts the rest: {again}"
        );
        assert!(total > 12_000, "{again}");
        let repeat = cli.json(&["import", "payments", path, "--json"]);
        assert_eq!(
            repeat["already_recorded"].as_u64(),
            Some(total),
            "{}: every entry recorded exactly once",
            cli.test.backend_name
        );
        cli.ok(&["check"]);
        // The demo file pays existing cases by their references: nothing waits in the queue.
        let queue = cli.json(&["payments", "unmatched", "--json"]);
        assert_eq!(queue.as_array().map(Vec::len), Some(0), "{queue}");
        let refused = cli.run(&["payments", "unmatched", "--limit", "0"]);
        assert!(!refused.status.success());
    }
}

#[tokio::test]
async fn an_interest_run_killed_half_way_accrues_every_case_once_when_run_again() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        cli.ok(&["demo", "--cases", "3000", "--seed", "7"]);
        let journal_before = cli
            .test
            .store
            .counts()
            .await
            .map(|c| c.journal_entries)
            .unwrap_or_default();
        let mut child = cli
            .command(&["accrue", "--date", "2026-06-01"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let now = cli
                .test
                .store
                .counts()
                .await
                .map(|c| c.journal_entries)
                .unwrap_or_default();
            if now > journal_before {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        let again = cli.json(&["accrue", "--date", "2026-06-01", "--json"]);
        let repeat = cli.json(&["accrue", "--date", "2026-06-01", "--json"]);
        let count = |value: &Value, field: &str| value[field].as_u64().unwrap_or_default();
        assert_eq!(count(&repeat, "accrued"), 0, "{repeat}");
        assert_eq!(
            count(&repeat, "up_to_date"),
            count(&again, "accrued") + count(&again, "up_to_date"),
            "{}: every case accrued exactly once across the killed run and the next: {again}",
            cli.test.backend_name
        );
        assert!(count(&repeat, "up_to_date") > 100, "{repeat}");
        assert_eq!(
            count(&repeat, "cases_considered"),
            count(&again, "cases_considered")
        );
        assert!(
            repeat["denied_by_reason"]["interest.no_rate"].as_u64() > Some(0),
            "house-only markets have no rate: {repeat}"
        );
        cli.ok(&["check"]);
        let text = cli.run(&["accrue", "--date", "2026-06-01"]);
        assert!(String::from_utf8_lossy(&text.stdout).contains("interest run to 2026-06-01"));
    }
}

/// Journal entries of a kind whose payload contains `text`.
async fn journal_entries_with(url: &str, kind: &str, text: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let count: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM journal WHERE kind = $1 AND payload LIKE '%' || $2 || '%'",
    )
    .bind(kind)
    .bind(text)
    .fetch_one(&pool)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    pool.close().await;
    count.0
}

const FI_H2: [&str; 14] = [
    "rules",
    "add-rate",
    "--market",
    "FI",
    "--applies-to",
    "consumer",
    "--from",
    "2026-07-01",
    "--to",
    "2026-12-31",
    "--percent",
    "9.50",
    "--citation",
    "Suomen Pankki: viitekorko 1.7.-31.12.2026",
];

/// A compliance officer records 2026 H2's Finnish consumer rate: the next interest run
/// continues from 1 July with it (its decisions cite it), the record is journaled with who
/// and the citation, `rules rates`, `rules check` and `rules explain` see it, and bad input is
/// refused with exit code 2 (the command line's) or 1 (the rule book's and the store's).
#[tokio::test]
async fn a_published_rate_is_recorded_journaled_and_accrued_with() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let name = cli.test.backend_name;
        cli.ok(&[
            "demo",
            "--cases",
            "200",
            "--seed",
            "7",
            "--as-of",
            "2026-06-01",
        ]);
        let before = cli.json(&["accrue", "--date", "2026-12-01", "--json"]);
        assert!(
            before["stopped_at_missing_rate"].as_u64() > Some(0),
            "{before}"
        );
        let warned = before["rate_warnings"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            warned
                .iter()
                .any(|gap| is_gap(gap, "consumer", "2026-07-01")),
            "{before}"
        );

        let mut add = FI_H2.to_vec();
        add.extend(["--by", "Aino Compliance", "--json"]);
        let added = cli.json(&add);
        assert_eq!(added["rule_id"], "PUB-FI-2026-07-01-consumer", "{added}");
        assert_eq!(added["percent"], "9.50");
        assert!(added["journal_seq"].as_i64() > Some(0), "{added}");
        let url = &cli.test.url;
        // One entry, with who recorded the rate and its citation.
        let journaled = journal_entries_with(url, "rules.rate_published", "Aino Compliance").await;
        let cited = journal_entries_with(url, "rules.rate_published", "1.7.-31.12.2026").await;
        assert_eq!((journaled, cited), (1, 1), "{name}");

        let after = cli.json(&["accrue", "--date", "2026-12-01", "--json"]);
        assert!(after["accrued"].as_u64() > Some(0), "{name}: {after}");
        let cited = journal_entries_with(url, "gate.decided", "PUB-FI-2026-07-01-consumer").await;
        assert!(cited > 0, "{name}: no decision cites the published rate");
        let warned = after["rate_warnings"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            !warned
                .iter()
                .any(|gap| is_gap(gap, "consumer", "2026-07-01")),
            "{after}"
        );
        assert!(
            warned
                .iter()
                .any(|gap| is_gap(gap, "business", "2026-07-01")),
            "{after}"
        );

        published_rate_is_seen_by_rates_check_and_explain(&cli);
        bad_rates_are_refused(&cli);
        // The refused ones wrote nothing.
        let journaled = journal_entries_with(url, "rules.rate_published", "").await;
        assert_eq!(journaled, 1, "{name}");
    }
}

fn is_gap(gap: &Value, kind: &str, day: &str) -> bool {
    gap["market"] == "FI" && gap["customer_kind"] == kind && gap["first_day_without_rate"] == day
}

/// `rules rates`, `rules check` and `rules explain` see the rate recorded by `FI_H2`.
fn published_rate_is_seen_by_rates_check_and_explain(cli: &Cli<'_>) {
    let listed = cli.json(&["rules", "rates", "--market", "FI", "--json"]);
    let published: Vec<&Value> = listed
        .as_array()
        .map(|rates| {
            rates
                .iter()
                .filter(|rate| rate["source"] == "published")
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(published.len(), 1, "{listed}");
    assert_eq!(published[0]["recorded_by"], "Aino Compliance");
    let check = cli.json(&["rules", "check", "--json"]);
    let fi_gaps = check["FI"]["late_rate_gaps"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        !fi_gaps
            .iter()
            .any(|gap| is_gap(gap, "consumer", "2026-07-01")),
        "{check}"
    );
    assert!(
        fi_gaps
            .iter()
            .any(|gap| is_gap(gap, "business", "2026-07-01")),
        "{check}"
    );
    let scenario = cli.data.path().join("h2.json");
    let text = r#"{"case": {"market": "FI", "customer_kind": "consumer",
        "original_principal": {"amount_minor": 100000, "currency": "EUR"}, "due_date": "2026-05-31"},
        "proposal": {"kind": "accrue_interest", "from": "2026-07-01", "to": "2026-08-01"},
        "context": {"now": "2026-11-25T10:00:00Z", "actor": {"kind": "system"}}}"#;
    std::fs::write(&scenario, text).unwrap_or_else(|e| panic!("{e}"));
    let explained = cli.json(&[
        "rules",
        "explain",
        scenario.to_str().unwrap_or_default(),
        "--json",
    ]);
    assert_eq!(explained["verdict"], "allow", "{explained}");
    assert_eq!(
        explained["reasons"][0]["rule_id"],
        "PUB-FI-2026-07-01-consumer"
    );
}

/// Malformed arguments exit 2 (clap's); a rate the rule book or the store refuses exits 1.
fn bad_rates_are_refused(cli: &Cli<'_>) {
    let mut twice = FI_H2.to_vec();
    twice.extend(["--by", "Aino Compliance"]);
    let mut bad_percent = twice.clone();
    bad_percent[11] = "9.505";
    let mut misaligned = twice.clone();
    misaligned[7] = "2027-01-02";
    misaligned[9] = "2027-06-30";
    let mut unknown = twice.clone();
    unknown[3] = "XX";
    let mut bad_kind = twice.clone();
    bad_kind[5] = "nobody";
    let mut bad_date = twice.clone();
    bad_date[9] = "2026-12-32";
    for (args, code, expected) in [
        (twice, 1, "may not overlap"),
        (bad_percent, 1, "at most two decimals"),
        (misaligned, 1, "half-year"),
        (unknown, 1, "XX"),
        (bad_kind, 2, "possible values: consumer, business, all"),
        (bad_date, 2, "--to"),
    ] {
        let output = cli.run(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn an_operator_holds_releases_and_proposes_through_the_one_door() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        cli.ok(&["demo", "--cases", "10", "--seed", "1"]);
        let show = |cli: &Cli<'_>| {
            cli.json(&[
                "case",
                "show",
                "100000",
                "--reader",
                "ops",
                "--purpose",
                "test",
                "--json",
            ])
        };
        assert_eq!(
            show(&cli)["market"],
            "FI",
            "the demo's first case is Finnish"
        );
        let hold = cli.json(&[
            "case",
            "hold",
            "100000",
            "--kind",
            "dispute",
            "--reason",
            "disputes the invoice",
            "--by",
            "agent-7",
            "--json",
        ]);
        let hold_id = hold["hold_id"].as_i64().unwrap_or_default().to_string();
        let proposal = cli.data.path().join("reminder.json");
        std::fs::write(
            &proposal,
            r#"{"kind": "charge_fee", "fee": "reminder", "amount": {"amount_minor": 500, "currency": "EUR"}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let path = proposal.to_str().unwrap_or_default();
        let propose = |cli: &Cli<'_>| cli.run(&["case", "propose", "100000", path, "--json"]);
        let denied = propose(&cli);
        assert_eq!(denied.status.code(), Some(1), "a denial is not carried out");
        let denied: Value =
            serde_json::from_slice(&denied.stdout).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(denied["verdict"], "deny");
        assert_eq!(denied["posting_id"], Value::Null);
        cli.ok(&[
            "case",
            "release-hold",
            "100000",
            "--hold",
            &hold_id,
            "--reason",
            "claim confirmed",
        ]);
        let charged = propose(&cli);
        assert!(
            charged.status.success(),
            "{}",
            String::from_utf8_lossy(&charged.stdout)
        );
        let charged: Value =
            serde_json::from_slice(&charged.stdout).unwrap_or_else(|e| panic!("{e}"));
        assert!(charged["posting_id"].is_i64(), "{charged}");
        // The next reminder fee only 14 days later (perintälaki § 10 b), from the stored history.
        assert_eq!(propose(&cli).status.code(), Some(1));
        let refused = ["case", "refuse-channel", "100000", "sms", "--json"];
        assert_eq!(cli.json(&refused)["changed"], true);
        assert_eq!(
            cli.json(&refused)["changed"],
            false,
            "refusing twice changes nothing"
        );
        cli.ok(&["case", "vulnerable", "100000", "--review-on", "2099-01-01"]);
        let past = cli.run(&["case", "vulnerable", "100000", "--review-on", "2000-01-01"]);
        assert!(!past.status.success());
        let wrong = cli.run(&["case", "jurisdiction", "100000", "GB-SCT"]);
        assert!(String::from_utf8_lossy(&wrong.stderr).contains("not a jurisdiction of FI"));
        let shown = show(&cli);
        assert!(shown["holds"][0]["released_by"].is_string(), "{shown}");
        assert_eq!(shown["fees"].as_array().map(Vec::len), Some(1), "{shown}");
        assert_eq!(shown["balance"]["collection_costs_minor"], 500);
        assert_eq!(shown["channels_refused"], serde_json::json!(["sms"]));
        assert_eq!(shown["vulnerable"], true);
        let verdicts: Vec<&str> = shown["decisions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d["decision"]["verdict"].as_str())
            .collect();
        assert_eq!(verdicts, ["deny", "allow", "deny"]);
        let text = cli.ok(&[
            "case",
            "show",
            "100000",
            "--reader",
            "ops",
            "--purpose",
            "test",
        ]);
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("denied by FI-dispute-suspends"), "{text}");
        assert!(text.contains("collection costs"), "{text}");
        cli.ok(&["check"]);
    }
}

#[test]
fn the_embedded_store_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = folder.path().join("data");
    let data_arg = data.display().to_string();
    let demo = reilu(&["--data", &data_arg, "demo", "--cases", "5", "--seed", "1"]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let mode = |name: &str| {
        std::fs::metadata(data.join(name))
            .map(|meta| meta.permissions().mode() & 0o777)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    assert_eq!(mode("reilu.db"), 0o600);
    assert_eq!(mode("master.key"), 0o600);
    // A file an older version left readable to others is tightened when next opened.
    std::fs::set_permissions(
        data.join("reilu.db"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let check = reilu(&["--data", &data_arg, "check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(mode("reilu.db"), 0o600);
}

/// Checkpoints signed by `journal checkpoint` hold until the journal's tail is cut off (the
/// head set back consistently, which the chain alone cannot tell); the public key is
/// printable; a store opened with another master key says so.
#[tokio::test]
async fn journal_checkpoints_catch_a_cut_tail_and_another_key_is_named() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        // Two operators: the admin chain.
        cli.ok(&["operator", "add", "--name", "Aino", "--role", "admin"]);
        cli.ok(&["operator", "add", "--name", "Eero", "--role", "finance"]);
        let public = cli.ok(&["journal", "public-key"]);
        let public = String::from_utf8_lossy(&public.stdout).trim().to_owned();
        assert_eq!(public.len(), 64, "{public}");
        let key_mode = std::fs::metadata(cli.data.path().join("journal-signing.key"))
            .map(|meta| std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777)
            .unwrap_or_default();
        assert_eq!(key_mode, 0o600);

        let file = cli.data.path().join("checkpoint.json");
        let file_arg = file.to_str().unwrap_or_default();
        let summary = cli.json(&["journal", "checkpoint", "--out", file_arg, "--json"]);
        assert_eq!(summary["entries"].as_i64(), Some(3), "{summary}");
        assert_eq!(summary["public_key"].as_str(), Some(public.as_str()));
        let document: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap_or_default())
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(document["format"], "reilu-journal-checkpoint/1");
        let held = cli.ok(&["journal", "verify", "--checkpoint", file_arg]);
        let held = String::from_utf8_lossy(&held.stdout);
        assert!(held.contains("holds"), "{held}");

        // A third operator, then the admin chain cut back to the first and its head set to
        // it.
        cli.ok(&["operator", "add", "--name", "Ilona", "--role", "admin"]);
        let drop_trigger = if cli.test.backend_name == "sqlite" {
            "DROP TRIGGER journal_is_append_only_delete"
        } else {
            "DROP TRIGGER journal_is_append_only ON journal"
        };
        for sql in [
            drop_trigger,
            "DELETE FROM journal WHERE chain = 'admin' AND chain_seq > 1",
            "UPDATE journal_heads SET seq = 1, hash = (SELECT hash FROM journal WHERE chain = 'admin' AND chain_seq = 1) WHERE chain = 'admin'",
        ] {
            cli.test
                .raw(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        cli.ok(&["journal", "verify"]);
        let caught = cli.run(&["journal", "verify", "--checkpoint", file_arg]);
        let text = String::from_utf8_lossy(&caught.stdout);
        assert!(!caught.status.success(), "{text}");
        assert!(
            text.contains("checkpoint.json")
                && text.contains("FAILED")
                && text.contains("entries were removed"),
            "{text}"
        );

        let not_a_checkpoint = cli.data.path().join("master.key");
        let refused = cli.run(&[
            "journal",
            "verify",
            "--checkpoint",
            not_a_checkpoint.to_str().unwrap_or_default(),
        ]);
        assert!(!refused.status.success());
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("is not a journal checkpoint"),
            "{}",
            String::from_utf8_lossy(&refused.stderr)
        );

        let other_key = "77".repeat(32);
        let other = cli
            .command(&["journal", "verify"])
            .env("REILU_MASTER_KEY", &other_key)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&other.stdout);
        assert!(!other.status.success(), "{text}");
        assert!(text.contains("the journal key does not match"), "{text}");
    }
}

#[test]
fn a_command_that_reads_a_folder_without_a_store_says_so_and_creates_nothing() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = folder.path().join("mistyped");
    let data_arg = data.to_str().unwrap_or_default();
    for args in [
        vec!["check"],
        vec!["journal", "verify"],
        vec!["client", "list"],
        vec!["payments", "unmatched"],
        vec![
            "case",
            "show",
            "100000",
            "--reader",
            "me",
            "--purpose",
            "test",
        ],
        vec!["accrue", "--date", "2026-11-01"],
    ] {
        let output = Command::new(REILU)
            .arg("--data")
            .arg(data_arg)
            .args(&args)
            .env_remove("REILU_DATABASE_URL")
            .env_remove("REILU_MASTER_KEY")
            .env("RUST_LOG", "warn")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("there is no Reilu store"),
            "{args:?}: {stderr}"
        );
        assert!(!data.exists(), "{args:?} created {}", data.display());
    }
}

#[tokio::test]
async fn output_into_a_closed_pipe_ends_the_command_quietly() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        cli.add_client();
        for args in [["journal", "verify"], ["client", "list"]] {
            // The reading end is closed before the command writes anything, as `| head`
            // does once it has read its lines.
            let (reader, writer) = std::io::pipe().unwrap_or_else(|e| panic!("{e}"));
            drop(reader);
            let output = cli
                .command(&args)
                .stdout(writer)
                .stderr(Stdio::piped())
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
                "{args:?}: {stderr}"
            );
        }
    }
}

#[tokio::test]
async fn a_second_client_of_the_same_name_needs_force() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let first = cli.add_client();
        let again = [
            "client",
            "add",
            "--name",
            "  kauppa   OY ",
            "--market",
            "FI",
            "--iban",
            "FI2112345600000785",
            "--json",
        ];
        let refused = cli.run(&again);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("exists already") && stderr.contains(&first),
            "{stderr}"
        );
        assert!(
            stderr.contains("the same IBAN") && stderr.contains("--force"),
            "{stderr}"
        );
        let listed = cli.json(&["client", "list", "--json"]);
        assert_eq!(listed.as_array().map(Vec::len), Some(1), "nothing added");
        let forced = cli.json(&[&again[..], &["--force"]].concat());
        assert_ne!(forced["id"], first.as_str());
        let bad_iban = cli.run(&[
            "client",
            "add",
            "--name",
            "Other Oy",
            "--market",
            "FI",
            "--iban",
            "FI2112345600000786",
        ]);
        let stderr = String::from_utf8_lossy(&bad_iban.stderr);
        assert!(stderr.contains("check digits do not match"), "{stderr}");
    }
}

#[tokio::test]
async fn reconcile_exits_1_while_a_statement_differs_from_the_ledger() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        cli.ok(&["reconcile"]);
        // The sample statement opens with a balance from before Reilu and books a bank fee the
        // import leaves unposted: its closing balance is not what the ledger holds.
        let sample = repository_file("examples/payments/camt053_001_08_statement.xml");
        // A statement of an account that is not ours is refused; once configured, it imports.
        let refused = cli.run(&["import", "payments", &sample]);
        assert!(
            !refused.status.success()
                && String::from_utf8_lossy(&refused.stderr).contains("is not one of ours"),
            "{}",
            String::from_utf8_lossy(&refused.stderr)
        );
        cli.ok(&[
            "account",
            "add",
            "--iban",
            "DE33700202700654321098",
            "--currency",
            "EUR",
            "--kind",
            "client_money",
        ]);
        let imported = cli.json(&["import", "payments", &sample, "--json"]);
        let statements = imported["statements"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(statements.len(), 1, "{imported}");
        assert_eq!(
            statements[0]["statement_difference_minor"].as_i64(),
            Some(0)
        );
        let report = cli.run(&["reconcile", "--json"]);
        assert!(!report.status.success());
        let report: Value = serde_json::from_slice(&report.stdout).unwrap_or_default();
        assert_eq!(report["differs"].as_bool(), Some(true), "{report}");
        let kinds: Vec<&str> = report["accounts"][0]["open_differences"]
            .as_array()
            .map(|list| list.iter().filter_map(|d| d["kind"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(kinds, ["ledger"], "{report}");
        // Before the statement's date nothing is reconciled, so nothing differs.
        cli.ok(&["reconcile", "--date", "2020-01-01"]);
        // The remittance texts of the queue are masked unless read by someone, for a reason.
        let masked = cli.json(&["payments", "unmatched", "--json"]);
        let texts: Vec<&str> = masked
            .as_array()
            .map(|list| list.iter().filter_map(|p| p["text"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            texts.iter().all(|text| text.is_empty() || *text == "***"),
            "{masked}"
        );
        cli.ok(&[
            "payments",
            "unmatched",
            "--reader",
            "aino",
            "--purpose",
            "audit",
        ]);
        let refused = cli.run(&["payments", "unmatched", "--reader", "aino"]);
        assert!(!refused.status.success(), "a reader needs a purpose");
    }
}

/// A count from the store under test.
async fn count_of(url: &str, sql: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let count: (i64,) = sqlx::query_as(sql)
        .fetch_one(&pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    pool.close().await;
    count.0
}

/// The daily run killed with SIGKILL at several points and started again finishes the day
/// with every step done once — the same steps and fees as a run never interrupted (a twin
/// store with the same portfolio) — and the same date a third time does nothing.
#[tokio::test]
async fn a_day_run_killed_at_random_points_does_every_step_once_when_run_again() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    let twin_stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    let twin = clis(&twin_stores[..1])
        .pop()
        .unwrap_or_else(|| panic!("a store"));
    twin.ok(&["demo", "--cases", "5000", "--seed", "7"]);
    twin.ok(&["run-day", "--date", "2026-12-01"]);
    let steps_sql = "SELECT COUNT(*) FROM case_steps";
    let fees_sql = "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM case_charges";
    let twin_steps = count_of(&twin.test.url, steps_sql).await;
    let twin_fees = count_of(&twin.test.url, fees_sql).await;
    let messages_sql = "SELECT COUNT(*) FROM outbox_messages";
    let twin_messages = count_of(&twin.test.url, messages_sql).await;
    assert!(twin_steps > 1000, "{twin_steps} steps");
    // Every step of the first day is a contact, and every contact's message is in the outbox.
    assert_eq!(twin_messages, twin_steps);
    for cli in clis(&stores) {
        cli.ok(&["demo", "--cases", "5000", "--seed", "7"]);
        // Killed once early (opening, interest) and then each time a page of steps has
        // just been committed, so the next start resumes in the middle of the day.
        let mut child = cli
            .command(&["run-day", "--date", "2026-12-01"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        tokio::time::sleep(Duration::from_millis(100)).await;
        let _ = child.kill();
        let _ = child.wait();
        for _ in 0..2 {
            let before = count_of(&cli.test.url, steps_sql).await;
            let mut child = cli
                .command(&["run-day", "--date", "2026-12-01"])
                .stdout(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("{e}"));
            let deadline = Instant::now() + Duration::from_secs(120);
            while Instant::now() < deadline && count_of(&cli.test.url, steps_sql).await == before {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let interrupted = count_of(&cli.test.url, steps_sql).await;
        assert!(
            interrupted > 0 && interrupted < twin_steps,
            "{}: the kills fell inside the day ({interrupted} of {twin_steps} steps)",
            cli.test.backend_name
        );
        cli.ok(&["run-day", "--date", "2026-12-01"]);
        let name = cli.test.backend_name;
        assert_eq!(
            count_of(&cli.test.url, steps_sql).await,
            twin_steps,
            "{name}"
        );
        assert_eq!(count_of(&cli.test.url, fees_sql).await, twin_fees, "{name}");
        assert_eq!(
            count_of(&cli.test.url, messages_sql).await,
            twin_messages,
            "{name}"
        );
        let doubled = "SELECT COUNT(*) FROM (SELECT case_number FROM case_contacts \
                       GROUP BY case_number HAVING COUNT(*) > 1) twice";
        assert_eq!(count_of(&cli.test.url, doubled).await, 0, "{name}");
        let again = cli.ok(&["run-day", "--date", "2026-12-01"]);
        assert!(
            String::from_utf8_lossy(&again.stdout).contains("finished before"),
            "{name}"
        );
        assert_eq!(
            count_of(&cli.test.url, steps_sql).await,
            twin_steps,
            "{name}"
        );
        cli.ok(&["check"]);
    }
}

/// A strategy naming a template Reilu has no text for stops the run before it decides
/// anything, naming the file and line; the date is then run as if never tried.
#[test]
fn a_run_with_a_misnamed_template_stops_before_it_starts() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let strategies = data.path().join("strategies");
    std::fs::create_dir(&strategies).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../strategies"))
        .unwrap_or_else(|e| panic!("{e}"))
    {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
            let text = text.replacen("template = \"reminder\"", "template = \"reminderr\"", 1);
            let name = path.file_name().unwrap_or_default();
            std::fs::write(strategies.join(name), text).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let folder = data.path().join("store");
    let with_store = |args: &[&str]| {
        Command::new(REILU)
            .arg("--data")
            .arg(&folder)
            .args(args)
            .env_remove("REILU_MASTER_KEY")
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert!(with_store(&["demo", "--cases", "50"]).status.success());
    let refused = with_store(&[
        "run-day",
        "--date",
        "2026-12-01",
        "--strategies",
        strategies.to_str().unwrap_or_default(),
    ]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(".toml:") && stderr.contains("'reminderr'"),
        "{stderr}"
    );
    let ran = with_store(&["run-day", "--date", "2026-12-01"]);
    assert!(
        String::from_utf8_lossy(&ran.stdout).contains("(started)"),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
}

/// As a user runs it from the README: two days run, then the delivery workers write every
/// message into the sinks, where the letters, e-mails and SMS can be opened; each message is
/// delivered once, and the store checks out.
#[tokio::test]
async fn days_run_and_their_messages_land_in_the_sinks_once() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let name = cli.test.backend_name;
        cli.ok(&["demo", "--cases", "300", "--seed", "7"]);
        cli.ok(&["run-day", "--date", "2026-11-15"]);
        cli.ok(&["run-day", "--date", "2026-12-01"]);
        // Call tasks are for agents, not the sinks.
        let steps = count_of(
            &cli.test.url,
            "SELECT COUNT(*) FROM outbox_messages WHERE channel <> 'phone'",
        )
        .await;
        let delivered = cli.ok(&["deliver", "--once", "--sink"]);
        assert!(
            String::from_utf8_lossy(&delivered.stdout).contains(&format!("sent     {steps}")),
            "{name}: {}",
            String::from_utf8_lossy(&delivered.stdout)
        );
        let again = cli.ok(&["deliver", "--once", "--sink"]);
        assert!(
            String::from_utf8_lossy(&again.stdout).contains("0 messages handled"),
            "{name}: nothing is sent twice"
        );
        let sinks = cli.data.path().join("outbox");
        let files = |folder: &str| {
            std::fs::read_dir(sinks.join(folder))
                .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
                .unwrap_or_else(|_| Vec::<std::path::PathBuf>::new())
        };
        let letters = files("letters");
        let emails = files("email");
        let sms = files("sms");
        let written = letters.len() + emails.len() + sms.len();
        assert_eq!(i64::try_from(written).ok(), Some(steps), "{name}");
        let email = std::fs::read_to_string(&emails[0]).unwrap_or_else(|e| panic!("{e}"));
        assert!(email.contains("Message-ID: <outbox-"), "{email}");
        assert!(email.contains("text/html"), "{email}");
        let letter = std::fs::read_to_string(&letters[0]).unwrap_or_else(|e| panic!("{e}"));
        assert!(letter.contains("Reilu"), "{letter}");
        cli.ok(&["check"]);
    }
}

/// Two days run, some cases paid, one disputed and one complained about: the report shows both
/// variants of the Finnish strategy, its case counts add up to the cases with steps, and its
/// contacts, payments and holds to what the store holds for those cases.
#[tokio::test]
async fn the_strategy_report_compares_the_variants_after_two_days() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let name = cli.test.backend_name;
        let url = &cli.test.url;
        cli.ok(&["demo", "--cases", "300", "--seed", "7"]);
        cli.ok(&["run-day", "--date", "2026-11-15"]);
        cli.ok(&["run-day", "--date", "2026-12-01"]);
        let file = cli.data.path().join("payments.xml");
        let path = file.to_str().unwrap_or_default();
        cli.ok(&["demo", "--cases", "40", "--payments", path]);
        cli.ok(&["import", "payments", path]);
        let first = count_of(url, "SELECT MIN(case_number) FROM case_steps").await;
        for (case, kind) in [(first, "dispute"), (first + 1, "complaint")] {
            let case = case.to_string();
            let args = [
                "case", "hold", &case, "--kind", kind, "--reason", "r", "--by", "a",
            ];
            cli.ok(&args);
        }
        let report = cli.json(&["strategy", "report", "--json"]);
        let shipped = std::fs::read_to_string(repository_file("strategies/fi.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            shipped.contains("[[variant]]"),
            "the shipped FI strategy has variants"
        );
        let sum = |field: &str| -> i64 {
            report["paths"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|path| path["variants"].as_array().into_iter().flatten())
                .map(|variant| variant[field].as_i64().unwrap_or_default())
                .sum()
        };
        let with_steps = "(SELECT case_number FROM case_steps)";
        let cases = count_of(url, "SELECT COUNT(DISTINCT case_number) FROM case_steps").await;
        assert_eq!(sum("cases"), cases, "{name}: {report}");
        let contacts = format!(
            "SELECT COUNT(*) FROM case_contacts WHERE decision_id IS NOT NULL \
             AND case_number IN {with_steps}"
        );
        assert_eq!(sum("contacts"), count_of(url, &contacts).await, "{name}");
        let messages = count_of(url, "SELECT COUNT(*) FROM outbox_messages").await;
        assert_eq!(sum("contacts"), messages, "{name}: one message per contact");
        let paid = format!(
            "SELECT COUNT(DISTINCT case_number) FROM bank_entries WHERE outcome = 'matched' \
             AND case_number IN {with_steps}"
        );
        let paid = count_of(url, &paid).await;
        assert!(paid > 0, "{name}: some paid cases had steps");
        assert_eq!(sum("paid_cases"), paid, "{name}");
        assert_eq!((sum("disputes"), sum("complaints")), (1, 1), "{name}");
        let fi: Vec<&Value> = report["paths"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|path| path["strategy"] == "fi-2026-12")
            .flat_map(|path| path["variants"].as_array().into_iter().flatten())
            .filter(|variant| variant["cases"].as_i64().unwrap_or_default() > 0)
            .collect();
        for variant in ["champion", "email-reminder"] {
            assert!(
                fi.iter().any(|row| row["variant"] == variant),
                "{name}: {variant} has cases: {report}"
            );
        }
        assert!(fi.iter().all(|row| row["plans_broken"].is_null()));
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../strategies");
        let dir = dir.to_str().unwrap_or_default();
        let same = cli.json(&["strategy", "report", "--strategies", dir, "--json"]);
        assert_eq!(same, report, "{name}: the shipped files, given as a folder");
        let text = cli.ok(&["strategy", "report"]);
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("fi-2026-12 / path "), "{name}: {text}");
        assert!(text.contains("email-reminder"), "{name}: {text}");
        assert!(text.contains("plans broken: n/a"), "{name}: {text}");
    }
}

/// A second client's claim for the same person with a new address and e-mail: the day's
/// messages on both clients' cases go to the new ones, none to the old.
#[tokio::test]
async fn the_run_writes_to_the_contact_data_of_the_latest_claim() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    let header = "client_claim_ref,market,customer_type,customer_national_id,customer_name,\
                  customer_address_line1,customer_postcode,customer_city,customer_country,\
                  customer_email,customer_phone,customer_language,currency,principal,\
                  invoice_date,due_date,interest_rate_pct,creditor_fees,description";
    let first = "A-1,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,,\
                 maija.old@example.fi,+358401234567,fi,EUR,120.00,2026-09-01,2026-09-15,,,Power";
    let later = "B-1,FI,consumer,131052-308T,Maija Meikäläinen,Hämeenkatu 9,33100,Tampere,,\
                 maija.new@example.fi,,,EUR,80.00,2026-09-01,2026-09-15,,,Water";
    for cli in clis(&stores) {
        let name = cli.test.backend_name;
        let shop = cli.add_client();
        let utility = cli.json(&[
            "client",
            "add",
            "--name",
            "Vesi Oy",
            "--market",
            "FI",
            "--iban",
            "FI21 1234 5600 0007 85",
            "--json",
        ]);
        let utility = utility["id"].as_str().unwrap_or_default().to_owned();
        for (client, row, file) in [(&shop, first, "a.csv"), (&utility, later, "b.csv")] {
            let path = cli.data.path().join(file);
            std::fs::write(&path, format!("{header}\n{row}\n")).unwrap_or_else(|e| panic!("{e}"));
            let path = path.to_str().unwrap_or_default();
            cli.ok(&["import", "claims", "--client", client, path]);
        }
        cli.ok(&["run-day", "--date", "2026-12-01"]);
        cli.ok(&["deliver", "--once", "--sink"]);
        let mut sent = Vec::new();
        let sinks = cli.data.path().join("outbox");
        for folder in ["letters", "email", "sms"] {
            for entry in std::fs::read_dir(sinks.join(folder))
                .into_iter()
                .flatten()
                .flatten()
            {
                sent.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
            }
        }
        let messages = count_of(&cli.test.url, "SELECT COUNT(*) FROM outbox_messages").await;
        assert_eq!(messages, 2, "{name}: a step on each client's case");
        let all = sent.join("\n");
        assert!(
            all.contains("Hämeenkatu 9") || all.contains("maija.new@example.fi"),
            "{name}: {all}"
        );
        for old in ["Mannerheimintie", "maija.old@example.fi"] {
            assert!(!all.contains(old), "{name}: a message went to {old}");
        }
    }
}

/// The delivery workers killed with SIGKILL at random points and started again deliver every
/// message: each is recorded sent once, and the sinks (one file per message, replaced whole
/// by a send repeated after a crash) hold each message once, complete.
#[tokio::test]
async fn delivery_killed_at_random_points_loses_and_doubles_nothing() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let name = cli.test.backend_name;
        cli.ok(&["demo", "--cases", "2000", "--seed", "11"]);
        cli.ok(&["run-day", "--date", "2026-12-01"]);
        let queued_sql = "SELECT COUNT(*) FROM outbox_messages WHERE channel <> 'phone'";
        let messages = count_of(&cli.test.url, queued_sql).await;
        assert!(messages > 500, "{name}: {messages} messages");
        let sent_sql = "SELECT COUNT(*) FROM outbox_messages WHERE state = 'sent'";
        let mut rng_state = 0x9e37_79b9_u64;
        for _ in 0..4 {
            let before = count_of(&cli.test.url, sent_sql).await;
            let mut child = cli
                .command(&[
                    "deliver",
                    "--once",
                    "--sink",
                    "--workers",
                    "2",
                    "--lease-secs",
                    "1",
                ])
                .stdout(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("{e}"));
            // Until some messages went out, then a little longer, by a pseudo-random amount.
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline && count_of(&cli.test.url, sent_sql).await == before {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            rng_state ^= rng_state << 13;
            rng_state ^= rng_state >> 7;
            rng_state ^= rng_state << 17;
            tokio::time::sleep(Duration::from_millis(rng_state % 40)).await;
            let _ = child.kill();
            let _ = child.wait();
        }
        let interrupted = count_of(&cli.test.url, sent_sql).await;
        assert!(
            interrupted > 0 && interrupted < messages,
            "{name}: the kills fell inside the delivery ({interrupted} of {messages} sent)"
        );
        // Leases of the killed workers expire before their messages are taken again.
        let deadline = Instant::now() + Duration::from_secs(120);
        while count_of(&cli.test.url, sent_sql).await < messages && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1_100)).await;
            cli.ok(&["deliver", "--once", "--sink", "--lease-secs", "1"]);
        }
        assert_eq!(count_of(&cli.test.url, sent_sql).await, messages, "{name}");
        let sinks = cli.data.path().join("outbox");
        let mut files = 0;
        for folder in ["email", "letters", "sms"] {
            for entry in std::fs::read_dir(sinks.join(folder)).unwrap_or_else(|e| panic!("{e}")) {
                let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
                assert_ne!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("partial"),
                    "{name}: a half-written file is left: {}",
                    path.display()
                );
                files += 1;
            }
        }
        assert_eq!(files, messages, "{name}: one file per message");
        cli.ok(&["check"]);
    }
}

/// The rule packs of the repository with one FI parameter changed: a consumer's reminder fee
/// only 400 days after the due date instead of 14, so some reminders go without their fee.
fn rules_with_a_later_reminder_fee(folder: &Path) -> std::path::PathBuf {
    let rules = folder.join("proposed-rules");
    std::fs::create_dir(&rules).unwrap_or_else(|e| panic!("{e}"));
    let timing =
        "a reminder fee only 14 days after the due date\"\neffective_from = 2013-03-16\ndays = 14";
    for entry in std::fs::read_dir(repository_file("rules"))
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        if entry.path().extension().is_some_and(|ext| ext == "toml") {
            let mut text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if entry.file_name() == "fi.toml" {
                assert!(text.contains(timing), "fi.toml still has the 14 days");
                text = text.replacen(timing, &timing.replace("days = 14", "days = 400"), 1);
            }
            std::fs::write(rules.join(entry.file_name()), text).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    rules
}

/// What the simulation must leave alone: the journal, the steps, the fees, the outbox and
/// the runs on record.
async fn live_counts(url: &str) -> Vec<i64> {
    // The simulation's one write on the live store: its read of personal data, journaled.
    let mut counts = vec![
        count_of(
            url,
            "SELECT COUNT(*) FROM journal WHERE kind <> 'personal_data.read'",
        )
        .await,
    ];
    for table in [
        "case_steps",
        "case_charges",
        "case_decisions",
        "outbox_messages",
        "run_days",
    ] {
        counts.push(count_of(url, &format!("SELECT COUNT(*) FROM {table}")).await);
    }
    counts
}

/// `reilu simulate` with a changed rule pack shows the change under its rule id, beside the
/// baseline, and the live store is exactly as before (nothing run; journaled only that the
/// simulation read personal data); a day
/// the live store ran already is reported, not run again.
#[tokio::test]
async fn a_simulated_rule_change_shows_its_denials_by_rule_and_changes_nothing_live() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let name = cli.test.backend_name;
        cli.ok(&["demo", "--cases", "300", "--seed", "7"]);
        let rules = rules_with_a_later_reminder_fee(cli.data.path());
        let rules_arg = rules.display().to_string();
        let before = live_counts(&cli.test.url).await;
        let simulated = cli.json(&[
            "simulate",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-02",
            "--rules",
            &rules_arg,
            "--json",
        ]);
        assert_eq!(
            live_counts(&cli.test.url).await,
            before,
            "{name}: live unchanged"
        );
        let read = "SELECT COUNT(*) FROM journal WHERE kind = 'personal_data.read' \
                    AND subject LIKE 'simulation:%'";
        assert_eq!(
            count_of(&cli.test.url, read).await,
            1,
            "{name}: the read journaled"
        );
        if name == "postgres" {
            let left = "SELECT COUNT(*) FROM pg_namespace WHERE nspname LIKE 'reilu\\_sim\\_%'";
            assert_eq!(
                count_of(&cli.test.url, left).await,
                0,
                "the copies' schemas dropped"
            );
        }
        assert_eq!(simulated["baseline"]["days_run"], 2, "{name}");
        let rule = &simulated["differences"]["by_rule"]["FI-fee-reminder-timing-consumer"];
        assert_eq!(rule["baseline"], 0, "{name}: {simulated}");
        assert!(
            rule["proposed"].as_u64().is_some_and(|n| n > 0),
            "{name}: {rule}"
        );
        let fi = &simulated["differences"]["markets"]["FI"];
        assert_eq!(
            fi["fees_count"]["EUR"].as_i64(),
            rule["difference"].as_i64().map(|n| -n),
            "{name}: each denied fee is a fee not charged: {fi}"
        );
        let others = simulated["differences"]["markets"]
            .as_object()
            .map(|m| m.len());
        assert_eq!(others, Some(1), "{name}: only FI differs");
        // The same strategies proposed from a folder: two runs of the same days on two
        // copies come out the same (the runs are deterministic), so nothing differs.
        let strategies = cli.data.path().join("same-strategies");
        std::fs::create_dir(&strategies).unwrap_or_else(|e| panic!("{e}"));
        for entry in std::fs::read_dir(repository_file("strategies"))
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "toml"))
        {
            std::fs::copy(entry.path(), strategies.join(entry.file_name()))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let same = cli.json(&[
            "simulate",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-02",
            "--strategies",
            &strategies.display().to_string(),
            "--json",
        ]);
        assert_eq!(same["proposed"]["days_run"], 2, "{name}");
        assert_eq!(
            same["differences"]["by_rule"],
            serde_json::json!({}),
            "{name}"
        );
        assert_eq!(
            same["differences"]["markets"],
            serde_json::json!({}),
            "{name}"
        );
        // A proposal that fails (a strategy naming a template Reilu has no text for) fails
        // the command with the reason, and its copy is thrown away all the same.
        let reminder = "template = \"reminder\"";
        for entry in std::fs::read_dir(&strategies)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let text = text.replacen(reminder, "template = \"reminderr\"", 1);
            std::fs::write(entry.path(), text).unwrap_or_else(|e| panic!("{e}"));
        }
        let failed = cli.run(&[
            "simulate",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-01",
            "--strategies",
            &strategies.display().to_string(),
        ]);
        let stderr = String::from_utf8_lossy(&failed.stderr);
        assert_eq!(failed.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("'reminderr'"), "{name}: {stderr}");
        assert_eq!(live_counts(&cli.test.url).await, before, "{name}");
        if name == "postgres" {
            let left = "SELECT COUNT(*) FROM pg_namespace WHERE nspname LIKE 'reilu\\_sim\\_%'";
            assert_eq!(
                count_of(&cli.test.url, left).await,
                0,
                "dropped on failure too"
            );
        }
        // The text: the same difference, side by side.
        let text = cli.ok(&[
            "simulate",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-02",
            "--rules",
            &rules_arg,
        ]);
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.lines().any(
                |line| line.contains("denied by FI-fee-reminder-timing-consumer")
                    && line.ends_with('*')
            ),
            "{name}: {text}"
        );
        // A day the live store ran is counted as such; without a proposal only the baseline.
        cli.ok(&["run-day", "--date", "2026-12-01"]);
        let ran = live_counts(&cli.test.url).await;
        let baseline_only = cli.json(&[
            "simulate",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-01",
            "--json",
        ]);
        assert_eq!(
            baseline_only["baseline"]["days_finished_before"][0],
            "2026-12-01"
        );
        assert!(baseline_only.get("proposed").is_none(), "{name}");
        assert_eq!(live_counts(&cli.test.url).await, ran, "{name}");
        let backwards = cli.run(&["simulate", "--from", "2026-12-02", "--to", "2026-12-01"]);
        assert!(
            String::from_utf8_lossy(&backwards.stderr).contains("before --from"),
            "{name}"
        );
        cli.ok(&["check"]);
    }
}

/// As the README has a person try it: `serve --demo` on a clean folder, days run beside it,
/// and the server's delivery workers write every message of the days into the sinks (call
/// tasks stay for agents); `check` is green — on both stores.
#[tokio::test]
async fn serve_demo_delivers_the_days_run_beside_it_into_the_sinks() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for cli in clis(&stores) {
        let name = cli.test.backend_name;
        let mut server = cli
            .command(&[
                "serve",
                "--demo",
                "--demo-cases",
                "300",
                "--addr",
                "127.0.0.1:0",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let stdout = server.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let first = BufReader::new(stdout)
            .lines()
            .next()
            .and_then(Result::ok)
            .unwrap_or_default();
        assert!(first.starts_with("Reilu is running at"), "{name}: {first}");
        cli.ok(&["run-day", "--date", "2026-11-15"]);
        cli.ok(&["run-day", "--date", "2026-12-01"]);
        let to_sinks = "SELECT COUNT(*) FROM outbox_messages WHERE channel <> 'phone'";
        let sent = "SELECT COUNT(*) FROM outbox_messages WHERE state = 'sent'";
        let messages = count_of(&cli.test.url, to_sinks).await;
        assert!(messages > 100, "{name}: {messages}");
        let deadline = Instant::now() + Duration::from_secs(120);
        while count_of(&cli.test.url, sent).await < messages && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let _ = server.kill();
        let _ = server.wait();
        assert_eq!(count_of(&cli.test.url, sent).await, messages, "{name}");
        let sinks = cli.data.path().join("outbox");
        let files: usize = ["email", "letters", "sms"]
            .iter()
            .map(|folder| {
                std::fs::read_dir(sinks.join(folder))
                    .map(|entries| entries.count())
                    .unwrap_or(0)
            })
            .sum();
        assert_eq!(i64::try_from(files).ok(), Some(messages), "{name}");
        cli.ok(&["check"]);
    }
}

/// Two runs of one date started at once (two operators, a scheduled job beside a person)
/// both end well, and together they do every step once: the same steps and messages as one
/// run on a twin store.
#[tokio::test]
async fn two_runs_of_one_date_at_once_do_every_step_once() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    let twin_stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    let twin = clis(&twin_stores[..1])
        .pop()
        .unwrap_or_else(|| panic!("a store"));
    twin.ok(&["demo", "--cases", "2000", "--seed", "5"]);
    twin.ok(&["run-day", "--date", "2026-12-01"]);
    let steps_sql = "SELECT COUNT(*) FROM case_steps";
    let messages_sql = "SELECT COUNT(*) FROM outbox_messages";
    let twin_steps = count_of(&twin.test.url, steps_sql).await;
    let twin_messages = count_of(&twin.test.url, messages_sql).await;
    for cli in clis(&stores) {
        let name = cli.test.backend_name;
        cli.ok(&["demo", "--cases", "2000", "--seed", "5"]);
        let runs: Vec<_> = (0..2)
            .map(|_| {
                cli.command(&["run-day", "--date", "2026-12-01"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        for run in runs {
            let output = run.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
            assert!(
                output.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        assert_eq!(
            count_of(&cli.test.url, steps_sql).await,
            twin_steps,
            "{name}"
        );
        assert_eq!(
            count_of(&cli.test.url, messages_sql).await,
            twin_messages,
            "{name}"
        );
        let finished = "SELECT COUNT(*) FROM run_day_completions";
        assert_eq!(count_of(&cli.test.url, finished).await, 1, "{name}");
        cli.ok(&["check"]);
        cli.ok(&["log", "verify"]);
    }
}
