//! `reilu strategy check`: the shipped strategies validate; a broken file fails with its line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

const REILU: &str = env!("CARGO_BIN_EXE_reilu");

fn strategies_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../strategies")
}

#[test]
fn the_shipped_strategies_check_and_print_their_paths() {
    let output = Command::new(REILU)
        .args(["strategy", "check"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    for market in ["DE", "DK", "FI", "GB", "NL", "NO", "SE"] {
        assert!(
            text.contains(&format!("\n{market}: ")) || text.starts_with(&format!("{market}: ")),
            "{market}: {text}"
        );
    }
    assert!(
        text.contains("variants: champion 80 %, email-reminder 20 %"),
        "{text}"
    );
    assert!(text.contains("house (AT, "), "{text}");
}

#[test]
fn a_demand_too_soon_fails_with_file_line_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(strategies_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let fi = dir.path().join("fi.toml");
    let text = std::fs::read_to_string(&fi).unwrap();
    let broken = text.replacen(
        "after_days = 15\nchannel = \"letter\"\ntemplate = \"demand\"",
        "after_days = 10\nchannel = \"letter\"\ntemplate = \"demand\"",
        1,
    );
    assert_ne!(broken, text);
    std::fs::write(&fi, &broken).unwrap();
    let line = broken
        .lines()
        .position(|l| l.contains("after_days = 10"))
        .unwrap()
        + 1;
    let step_line = (1..line)
        .rev()
        .find(|&n| {
            broken
                .lines()
                .nth(n - 1)
                .unwrap()
                .starts_with("[[path.step]]")
        })
        .unwrap();
    let output = Command::new(REILU)
        .args(["strategy", "check", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(
        error.contains(&format!(
            "fi.toml:{step_line}: field `path[consumer-small].step[demand].after_days`"
        )),
        "{error}"
    );
    assert!(
        error.contains("FI-demand-after-reminder-consumer"),
        "{error}"
    );
}
