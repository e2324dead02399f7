//! Money out as a user runs it: configured accounts, names a bank file cannot carry refused
//! at onboarding, the demo's flow from payments to remittance, sweep and refunds, and the
//! unmatched queue worked — on every backend under test.

use std::path::Path;
use std::process::{Command, Output};

use reilu_store::test_support::{TEST_MASTER_KEY_HEX, TestStore, stores_under_test};
use serde_json::Value;

const REILU: &str = env!("CARGO_BIN_EXE_reilu");

struct Cli<'a> {
    data: tempfile::TempDir,
    test: &'a TestStore,
}

impl Cli<'_> {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(REILU)
            .arg("--data")
            .arg(self.data.path())
            .arg("--database-url")
            .arg(&self.test.url)
            .args(args)
            // The master key the test stores' journals were keyed under.
            .env("REILU_MASTER_KEY", TEST_MASTER_KEY_HEX)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn json(&self, args: &[&str]) -> Value {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{}: {args:?}: {}{}",
            self.test.backend_name,
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&output.stdout))
        })
    }

    /// `reilu check` finds nothing wrong.
    fn checks(&self) {
        let output = self.run(&["check"]);
        assert!(
            output.status.success(),
            "{}: {}{}",
            self.test.backend_name,
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        );
    }

    fn refused(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(!output.status.success(), "{args:?} was not refused");
        String::from_utf8_lossy(&output.stderr).into_owned()
    }

    fn path(&self, name: &str) -> String {
        self.data.path().join(name).display().to_string()
    }
}

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/payments")
        .join(name)
        .display()
        .to_string()
}

#[tokio::test]
async fn accounts_and_client_names_are_checked_before_anything_is_recorded() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for test in &stores {
        let cli = Cli {
            data: tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
            test,
        };
        let euro = cli.refused(&[
            "client",
            "add",
            "--name",
            "Euro € Oy",
            "--market",
            "FI",
            "--iban",
            "FI2112345600000785",
        ]);
        assert!(euro.contains('€'), "{euro}");
        let clients = cli.json(&["client", "list", "--json"]);
        assert_eq!(clients.as_array().map(Vec::len), Some(0), "{clients}");
        let added = cli.json(&[
            "account",
            "add",
            "--iban",
            "FI21 1234 5600 0007 85",
            "--currency",
            "EUR",
            "--kind",
            "client_money",
            "--json",
        ]);
        assert_eq!(added["iban"], "FI2112345600000785");
        assert_eq!(added["kind"], "client_money");
        let twice = cli.refused(&[
            "account",
            "add",
            "--iban",
            "FI2112345600000785",
            "--currency",
            "EUR",
            "--kind",
            "company",
        ]);
        assert!(twice.contains("configured already"), "{twice}");
        let bad_kind = cli.run(&[
            "account",
            "add",
            "--iban",
            "FI0950000120000026",
            "--currency",
            "EUR",
            "--kind",
            "savings",
        ]);
        assert_eq!(bad_kind.status.code(), Some(2), "a malformed argument");
        let closed = cli.json(&["account", "close", "FI2112345600000785", "--json"]);
        assert_eq!(closed["already"], false);
        let again = cli.json(&["account", "close", "FI2112345600000785", "--json"]);
        assert_eq!(again["already"], true);
        let listed = cli.json(&["account", "list", "--json"]);
        assert!(listed[0]["closed_at"].is_string(), "{listed}");
    }
}

#[tokio::test]
async fn the_demo_pays_out_and_the_queue_is_worked_from_the_command_line() {
    let stores = stores_under_test().await.unwrap_or_else(|e| panic!("{e}"));
    for test in &stores {
        let backend = test.backend_name;
        let cli = Cli {
            data: tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
            test,
        };
        cli.json(&["demo", "--cases", "40", "--seed", "3", "--json"]);
        let payments = cli.path("payments.xml");
        let written = cli.run(&[
            "demo",
            "--cases",
            "40",
            "--seed",
            "3",
            "--payments",
            &payments,
        ]);
        assert!(written.status.success(), "{backend}");
        let imported = cli.json(&["import", "payments", &payments, "--json"]);
        assert_eq!(imported["unmatched"], 0, "{backend}: {imported}");
        // The sample notification pays into one of the demo's accounts; what names no case
        // waits in the queue.
        let sample = cli.json(&[
            "import",
            "payments",
            &sample("camt054_001_02_credits.xml"),
            "--json",
        ]);
        assert!(
            sample["unmatched"].as_u64() > Some(0),
            "{backend}: {sample}"
        );
        let queue = cli.json(&["payments", "unmatched", "--json"]);
        let credit = queue
            .as_array()
            .and_then(|entries| {
                entries.iter().find(|entry| {
                    entry["amount"]
                        .as_str()
                        .is_some_and(|amount| amount.ends_with("EUR") && !amount.starts_with('-'))
                })
            })
            .cloned()
            .unwrap_or_else(|| panic!("{backend}: no euro credit in the queue: {queue}"));
        let reference = credit["bank_reference"].as_str().unwrap_or_default();
        let assigned = cli.json(&[
            "payments",
            "assign",
            reference,
            "--case",
            "100000",
            "--by",
            "agent:aino",
            "--json",
        ]);
        assert_eq!(assigned["case_number"], 100_000, "{backend}: {assigned}");
        let twice = cli.refused(&["payments", "assign", reference, "--case", "100000"]);
        assert!(twice.contains("already"), "{backend}: {twice}");
        cli.checks();
        let out = cli.path("out");
        let remitted = cli.json(&["remit", "--date", "2026-11-25", "--out", &out, "--json"]);
        assert!(
            remitted["paid_now"].as_u64() > Some(0),
            "{backend}: {remitted}"
        );
        let swept = cli.json(&["sweep", "--date", "2026-11-25", "--out", &out, "--json"]);
        assert!(
            swept["lines"]
                .as_array()
                .is_some_and(|lines| !lines.is_empty()),
            "{backend}: {swept}"
        );
        let refunds = cli.json(&[
            "payments",
            "refund-overpayments",
            "--date",
            "2026-11-25",
            "--out",
            &cli.path("refunds"),
            "--json",
        ]);
        // The demo's payments name no payer: every overpayment waits for one.
        assert!(
            refunds["skipped"].as_array().is_some_and(|s| !s.is_empty()),
            "{backend}: {refunds}"
        );
        cli.checks();
        let names: Vec<String> = std::fs::read_dir(&out)
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok())
                    .map(|entry| entry.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            names
                .iter()
                .any(|name| name.starts_with("pain001-20261125-EUR-"))
                && names
                    .iter()
                    .any(|name| name.starts_with("sweep-20261125-EUR-"))
                && names.iter().all(|name| !name.ends_with(".partial")),
            "{backend}: {names:?}"
        );
    }
}
