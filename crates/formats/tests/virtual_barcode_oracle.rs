//! The Finnish virtual barcode against an implementation written by someone else: the npm
//! package `finnish-bank-utils` (1.3.3, `formatFinnishVirtualBarCode`), run with Node over 300
//! generated payments (national and RF references, amounts, due dates). `.ci/run` installs it
//! under `target/oracles`; without it the test is skipped, unless REILU_REQUIRE_ORACLES=1.
//!
//! The package multiplies a float sum by 100, so amounts here end in 00, 25, 50 or 75 cents,
//! which floats hold exactly.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::NaiveDate;
use reilu_formats::reference::{fi_reference, fi_rf_reference};
use reilu_formats::virtual_barcode::fi_virtual_barcode;

fn oracle_dir() -> PathBuf {
    std::env::var("REILU_NODE_ORACLES").map_or_else(
        |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/oracles"),
        PathBuf::from,
    )
}

fn oracle_available(dir: &Path) -> bool {
    let found = dir.join("node_modules/finnish-bank-utils").is_dir()
        && Command::new("node").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var("REILU_REQUIRE_ORACLES").as_deref() != Ok("1"),
            "REILU_REQUIRE_ORACLES=1 but finnish-bank-utils is not installed in {}",
            dir.display()
        );
        println!("skipped: npm install --prefix target/oracles finnish-bank-utils@1.3.3");
    }
    found
}

/// A Finnish IBAN for a 13-digit account: the BBAN's own check digit (Luhn, weights 2, 1, …
/// from the left, as Finnish account numbers have it), then ISO 13616's mod-97 check digits.
fn finnish_iban(account: u64) -> String {
    let account = format!("{account:013}");
    let sum: u32 = account
        .bytes()
        .enumerate()
        .map(|(index, digit)| {
            let product = u32::from(digit - b'0') * if index % 2 == 0 { 2 } else { 1 };
            if product >= 10 { product - 9 } else { product }
        })
        .sum();
    let bban = format!("{account}{}", (10 - sum % 10) % 10);
    let rearranged = format!("{bban}151800");
    let remainder = rearranged.bytes().fold(0_u32, |acc, digit| {
        (acc * 10 + u32::from(digit - b'0')) % 97
    });
    format!("FI{:02}{bban}", 98 - remainder)
}

struct Case {
    iban: String,
    cents: i64,
    reference: String,
    due: NaiveDate,
}

fn cases() -> Vec<Case> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..300)
        .map(|n| {
            let base = 1_000 + next() % 10_000_000_000_000;
            let reference = if n % 2 == 0 {
                fi_reference(base)
            } else {
                fi_rf_reference(base)
            };
            let euros = i64::try_from(next() % 1_000_000).unwrap_or(0);
            let cents = euros * 100 + [0, 25, 50, 75][n % 4];
            let days = i64::try_from(next() % 20_000).unwrap_or(0);
            let due = NaiveDate::from_ymd_opt(2001, 1, 1).unwrap_or_default()
                + chrono::Duration::days(days);
            Case {
                iban: finnish_iban(next() % 10_000_000_000_000),
                cents,
                reference,
                due,
            }
        })
        .collect()
}

#[test]
fn the_barcode_matches_finnish_bank_utils_on_300_payments() {
    let dir = oracle_dir();
    if !oracle_available(&dir) {
        return;
    }
    let cases = cases();
    let input: String = cases
        .iter()
        .map(|case| {
            format!(
                "{}\n",
                serde_json::json!({
                    "iban": case.iban,
                    "sum": case.cents as f64 / 100.0,
                    "reference": case.reference,
                    "date": case.due.format("%-d.%-m.%Y").to_string(),
                })
            )
        })
        .collect();
    let script = "const f = require('finnish-bank-utils');\
        require('fs').readFileSync(0, 'utf8').trim().split('\\n')\
        .forEach(line => console.log(f.formatFinnishVirtualBarCode(JSON.parse(line))));";
    let mut node = Command::new("node")
        .args(["-e", script])
        .env("NODE_PATH", dir.join("node_modules"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    node.stdin
        .take()
        .unwrap_or_else(|| panic!("stdin"))
        .write_all(input.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let output = node.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let theirs: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(theirs.len(), cases.len());
    for (case, theirs) in cases.iter().zip(&theirs) {
        let ours = fi_virtual_barcode(&case.iban, case.cents, &case.reference, Some(case.due))
            .unwrap_or_else(|e| panic!("{}: {e}", case.reference));
        assert_eq!(
            &ours, theirs,
            "{} {} {} {}",
            case.iban, case.cents, case.reference, case.due
        );
    }
}
