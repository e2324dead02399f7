//! The EPC QR payload against an implementation written by someone else: Python's `segno`
//! (its `helpers._make_epc_qr_data`, the data `segno.helpers.make_epc_qr` puts in the code,
//! asked for UTF-8), over 200 generated transfers with Nordic names, RF references and free
//! texts. Without segno the test is skipped, unless REILU_REQUIRE_ORACLES=1 (`pip install
//! segno`; `.ci/run` does).

use std::io::Write;
use std::process::{Command, Stdio};

use reilu_formats::epc_qr::{EpcPayment, Remittance, epc_qr_payload};
use reilu_formats::reference::fi_rf_reference;

const NAMES: [&str; 5] = [
    "Kauppa Oy",
    "Åström & Söner AB",
    "Mäkinen Tmi",
    "Ørsted Ejendomme ApS",
    "Þórunn Jónsdóttir",
];
const IBANS: [&str; 3] = [
    "FI2112345600000785",
    "DE89370400440532013000",
    "SE4550000000058398257466",
];

fn payments() -> Vec<EpcPayment> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..200_usize)
        .map(|n| {
            let remittance = if n % 3 == 0 {
                Remittance::Unstructured(format!("Lasku {} / faktura {}", next() % 100_000, n))
            } else {
                Remittance::Structured(fi_rf_reference(1_000 + next() % 1_000_000_000))
            };
            EpcPayment {
                name: NAMES[n % NAMES.len()].into(),
                iban: IBANS[n % IBANS.len()].into(),
                bic: (n % 2 == 0).then(|| "NDEAFIHH".into()),
                amount_cents: 1 + i64::try_from(next() % 100_000_000).unwrap_or(0),
                remittance,
                note: None,
            }
        })
        .collect()
}

fn segno_available() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import segno.helpers"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var("REILU_REQUIRE_ORACLES").as_deref() != Ok("1"),
            "REILU_REQUIRE_ORACLES=1 but segno is not installed (pip install segno)"
        );
        println!("skipped: segno not installed (pip install segno)");
    }
    found
}

#[test]
fn the_payload_matches_segno_on_200_transfers() {
    if !segno_available() {
        return;
    }
    let payments = payments();
    let input: String = payments
        .iter()
        .map(|payment| {
            let (reference, text) = match &payment.remittance {
                Remittance::Structured(reference) => (Some(reference.clone()), None),
                Remittance::Unstructured(text) => (None, Some(text.clone())),
            };
            let amount = format!(
                "{}.{:02}",
                payment.amount_cents / 100,
                payment.amount_cents % 100
            );
            format!(
                "{}\n",
                serde_json::json!({
                    "name": payment.name, "iban": payment.iban, "bic": payment.bic,
                    "amount": amount, "reference": reference, "text": text,
                })
            )
        })
        .collect();
    let script = "import sys, json, base64\n\
        from segno.helpers import _make_epc_qr_data as data\n\
        for line in sys.stdin:\n\
        \x20   p = json.loads(line)\n\
        \x20   out = data(p['name'], p['iban'], p['amount'], text=p['text'], reference=p['reference'], bic=p['bic'], encoding='utf-8')\n\
        \x20   print(base64.b64encode(out).decode())\n";
    let mut python = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    python
        .stdin
        .take()
        .unwrap_or_else(|| panic!("stdin"))
        .write_all(input.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let output = python.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let theirs: Vec<Vec<u8>> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(line)
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    assert_eq!(theirs.len(), payments.len());
    for (payment, theirs) in payments.iter().zip(&theirs) {
        let ours = epc_qr_payload(payment).unwrap_or_else(|e| panic!("{payment:?}: {e}"));
        assert_eq!(ours, String::from_utf8_lossy(theirs), "{payment:?}");
    }
}
