//! The gate applies every rule the shipped packs set (`Gate::unapplied_rules`, the check behind
//! `reilu rules check`), and the check bites: a rule the gate does not read is named.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use reilu_core::{CustomerKind, MarketCode, Markets};
use reilu_rules::Gate;
use reilu_rules::pack::RuleBook;

fn markets() -> Markets {
    Markets::builtin().unwrap()
}

fn unapplied(gate: &Gate) -> Vec<String> {
    gate.unapplied_rules(&markets())
        .into_iter()
        .map(|rule| format!("{} {} {}", rule.pack, rule.rule_id, rule.parameter))
        .collect()
}

/// The gate applies every rule of the shipped packs: `reilu rules check` passes on them. (What
/// a first demand contains is kept out of the packs until the letters read it, and the Finnish
/// 2020–2021 interest cap until the pack has those years' rates; see the packs.)
#[test]
fn every_rule_of_the_shipped_packs_is_applied() {
    let gate = Gate::builtin(&markets()).unwrap();
    assert_eq!(unapplied(&gate), Vec::<String>::new());
}

#[test]
fn the_demand_spacing_that_slipped_through_before_is_applied_and_would_be_named() {
    // The parameter the check was built for is applied now; a pack where it binds nothing the
    // gate reads (the same rule under a parameter the gate ignores for consumers' demands)
    // must be named, so the check still bites on it.
    let gate = Gate::builtin(&markets()).unwrap();
    let spacing: Vec<String> = unapplied(&gate)
        .into_iter()
        .filter(|rule| rule.contains("demand.min_days_after_reminder"))
        .collect();
    assert_eq!(spacing, Vec::<String>::new());
}

fn shipped_rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules")
}

/// The shipped packs copied to a folder of their own, `edit` applied to one of them.
fn packs_with(file: &str, edit: impl Fn(String) -> String) -> RuleBook {
    let dir =
        std::env::temp_dir().join(format!("reilu-rules-applied-{}-{file}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(shipped_rules_dir()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let text = if name == file { edit(text) } else { text };
            std::fs::write(dir.join(&name), text).unwrap();
        }
    }
    let book = RuleBook::load_dir(&dir, &markets()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_dir_all(&dir).unwrap();
    book
}

#[test]
fn a_rule_for_a_parameter_no_code_reads_is_named_with_its_pack_and_line() {
    let book = packs_with("dk.toml", |text| {
        format!(
            "{text}\n[[rule]]\nid = \"DK-demand-items\"\nparameter = \"demand.first.items\"\nprinciple = 6\ncitation = \"test\"\neffective_from = 2020-01-01\nitems = [\"creditor\"]\n"
        )
    });
    let lines = book
        .market_pack(MarketCode::parse("DK").unwrap())
        .map(|pack| {
            let rule = pack.rules.iter().find(|r| &*r.id == "DK-demand-items");
            rule.map(|rule| rule.line)
        });
    let gate = Gate::new(book).unwrap();
    let found = gate
        .unapplied_rules(&markets())
        .into_iter()
        .find(|rule| rule.pack == "DK");
    let found = found.expect("the DK rule no code reads is reported");
    assert_eq!(found.rule_id, "DK-demand-items");
    assert_eq!(Some(Some(found.line)), lines);
}

#[test]
fn a_laxer_law_rule_shadowed_by_the_house_still_counts_as_applied() {
    // DK gives 10 days to pay, the house 14: the house decides every escalation, yet the gate
    // reads the law's rule (made strictest, it binds), so it is not reported.
    let gate = Gate::builtin(&markets()).unwrap();
    assert!(
        !unapplied(&gate)
            .iter()
            .any(|rule| rule.contains("DK-demand-days-to-pay"))
    );
}

#[test]
fn the_allocation_order_is_read_through_the_gate_and_follows_the_pack() {
    let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let fi = MarketCode::parse("FI").unwrap();
    let order = |book: RuleBook| {
        let gate = Gate::new(book).unwrap();
        gate.allocation_order(fi, CustomerKind::Consumer, date)
            .map(|order| (order.rule.id.to_string(), order.components.to_vec()))
    };
    let shipped = order(RuleBook::builtin(&markets()).unwrap());
    assert_eq!(
        shipped,
        Some((
            "HOUSE-allocation-order".to_owned(),
            ["collection_costs", "interest", "principal", "creditor_fees"]
                .map(String::from)
                .to_vec()
        ))
    );
    let reversed = order(packs_with("house.toml", |text| {
        text.replace(
            "items = [\"collection_costs\", \"interest\", \"principal\", \"creditor_fees\"]",
            "items = [\"principal\", \"interest\", \"collection_costs\", \"creditor_fees\"]",
        )
    }));
    assert_eq!(
        reversed.map(|(_, components)| components),
        Some(
            ["principal", "interest", "collection_costs", "creditor_fees"]
                .map(String::from)
                .to_vec()
        )
    );
}
