//! Each kind of mistake in a strategy file is refused at load with its file, line and field.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use reilu_core::Markets;
use reilu_rules::pack::RuleBook;
use reilu_strategy::{StrategyError, StrategySet};

const HOUSE: &str = include_str!("../../../strategies/house.toml");

/// A valid Finnish strategy: one path for every case, a reminder and a demand 15 days later.
const VALID: &str = r#"[strategy]
id = "test"
market = "FI"
title = "test"

[[path]]
id = "all"

[[path.step]]
id = "reminder"
kind = "reminder"
after_days = 14
channel = "letter"
template = "t-reminder"
purpose = "payment"
fee = { kind = "reminder", amount_minor = { EUR = 500 } }
send_hour = 9

[[path.step]]
id = "demand"
kind = "demand"
after_days = 15
channel = "letter"
template = "t-demand"
purpose = "payment"
send_hour = 9
"#;

fn load(text: &str) -> Result<StrategySet, StrategyError> {
    let markets = Markets::builtin().unwrap();
    let book = RuleBook::builtin(&markets).unwrap();
    let texts = vec![
        ("strategies/house.toml".to_owned(), HOUSE.to_owned()),
        ("strategies/fi.toml".to_owned(), text.to_owned()),
    ];
    StrategySet::from_texts(&texts, &book, &markets)
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|line| line.contains(needle)).unwrap() + 1
}

/// Loads `text`, which must fail in fi.toml on `line` and field `field`; returns the message.
fn refused(text: &str, line: usize, field: &str) -> String {
    let error = load(text).expect_err("the file must be refused");
    assert_eq!(error.file, "strategies/fi.toml", "{error}");
    assert_eq!(error.line, line, "{error}");
    assert_eq!(error.field, field, "{error}");
    error.message
}

#[test]
fn the_valid_file_loads() {
    load(VALID).unwrap_or_else(|error| panic!("{error}"));
}

#[test]
fn an_unknown_key_is_refused() {
    let text = VALID.replace("send_hour = 9\n\n", "send_hour = 9\ncolour = \"red\"\n\n");
    let message = refused(&text, line_of(&text, "colour"), "(syntax)");
    assert!(message.contains("colour"), "{message}");
}

#[test]
fn an_unknown_channel_is_refused() {
    let text = VALID.replacen("channel = \"letter\"", "channel = \"pigeon\"", 1);
    let message = refused(
        &text,
        line_of(&text, "pigeon"),
        "path[all].step[reminder].channel",
    );
    assert!(message.contains("pigeon"), "{message}");
}

#[test]
fn an_unknown_step_kind_is_refused() {
    let text = VALID.replacen("kind = \"demand\"", "kind = \"threat\"", 1);
    let message = refused(
        &text,
        line_of(&text, "threat"),
        "path[all].step[demand].kind",
    );
    assert!(message.contains("not a step kind"), "{message}");
}

#[test]
fn an_unknown_fee_kind_is_refused() {
    let text = VALID.replace("kind = \"reminder\", amount", "kind = \"late_fee\", amount");
    let message = refused(
        &text,
        line_of(&text, "late_fee"),
        "path[all].step[reminder].fee.kind",
    );
    assert!(message.contains("not a fee kind"), "{message}");
}

#[test]
fn a_fee_in_another_currency_is_refused() {
    let text = VALID.replace("{ EUR = 500 }", "{ SEK = 500 }");
    refused(
        &text,
        line_of(&text, "SEK"),
        "path[all].step[reminder].fee.amount_minor.SEK",
    );
}

#[test]
fn a_channel_that_does_not_fit_the_kind_is_refused() {
    let text = VALID.replacen("kind = \"demand\"", "kind = \"sms\"", 1);
    let message = refused(
        &text,
        line_of(&text, "id = \"demand\"") - 1,
        "path[all].step[demand].channel",
    );
    assert!(message.contains("goes by sms"), "{message}");
}

#[test]
fn shares_that_do_not_add_up_to_100_are_refused() {
    let variants = "[[variant]]\nname = \"a\"\nshare = 60\n\n[[variant]]\nname = \"b\"\nshare = 30\n\n[[path]]";
    let text = VALID.replacen("[[path]]", variants, 1);
    let message = refused(&text, line_of(&text, "[[variant]]"), "variant.share");
    assert!(message.contains("90 %"), "{message}");
}

#[test]
fn a_path_variant_naming_no_strategy_variant_is_refused() {
    let text = format!("{VALID}\n[[path.variant]]\nname = \"ghost\"\n");
    refused(&text, line_of(&text, "ghost"), "path[all].variant.name");
}

#[test]
fn an_override_of_a_missing_step_is_refused() {
    let variants = "[[variant]]\nname = \"a\"\nshare = 100\n\n[[path]]";
    let text = VALID.replacen("[[path]]", variants, 1)
        + "\n[[path.variant]]\nname = \"a\"\n[[path.variant.override]]\nstep = \"nothing\"\nchannel = \"email\"\n";
    refused(
        &text,
        line_of(&text, "\"nothing\""),
        "path[all].variant[a].override[nothing].step",
    );
}

#[test]
fn overlapping_segments_are_refused() {
    let second = VALID.split("[[path]]").nth(1).unwrap().replace(
        "id = \"all\"",
        "id = \"consumers\"\ncustomer = \"consumer\"",
    );
    let text = format!("{VALID}\n[[path]]{second}");
    let line = line_of(&text, "id = \"consumers\"") - 1;
    let message = refused(&text, line, "path[consumers]");
    assert!(message.contains("overlaps path `all`"), "{message}");
}

#[test]
fn a_missing_segment_is_refused() {
    let text = VALID.replace("id = \"all\"", "id = \"small\"\nprincipal_to_minor = 10000");
    let message = refused(&text, 1, "path");
    assert!(message.contains("principal 10001 minor units"), "{message}");
}

#[test]
fn a_demand_too_soon_after_the_reminder_names_the_pack_rule() {
    let text = VALID.replace("after_days = 15", "after_days = 10");
    let line = line_of(&text, "id = \"demand\"") - 1;
    let message = refused(&text, line, "path[all].step[demand].after_days");
    assert!(
        message.contains("FI-demand-after-reminder-consumer"),
        "{message}"
    );
    assert!(message.contains("at least 15"), "{message}");
}

#[test]
fn a_demand_without_a_reminder_before_it_is_refused() {
    let text = VALID
        .replacen("kind = \"reminder\"\n", "kind = \"email\"\n", 1)
        .replacen("channel = \"letter\"", "channel = \"email\"", 1);
    let line = line_of(&text, "id = \"demand\"") - 1;
    let message = refused(&text, line, "path[all].step[demand].kind");
    assert!(message.contains("needs a reminder"), "{message}");
}

#[test]
fn a_reminder_fee_before_the_law_allows_it_is_refused() {
    let text = VALID.replacen("after_days = 14", "after_days = 7", 1);
    let line = line_of(&text, "id = \"reminder\"") - 1;
    let message = refused(&text, line, "path[all].step[reminder].after_days");
    assert!(
        message.contains("FI-fee-reminder-timing-consumer"),
        "{message}"
    );
}

#[test]
fn a_step_inside_the_demands_time_to_pay_is_refused() {
    let call = "\n[[path.step]]\nid = \"call\"\nkind = \"call\"\nafter_days = 7\nchannel = \"phone\"\ntemplate = \"t-call\"\npurpose = \"payment\"\nsend_hour = 11\n";
    let text = format!("{VALID}{call}");
    let line = line_of(&text, "id = \"call\"") - 1;
    let message = refused(&text, line, "path[all].step[call].after_days");
    assert!(message.contains("time to pay"), "{message}");
}

#[test]
fn a_fee_without_a_legal_basis_is_refused() {
    let text = VALID.replace(
        "template = \"t-demand\"",
        "template = \"t-demand\"\nfee = { kind = \"collection_costs\", amount_minor = { EUR = 1000 } }",
    );
    let line = line_of(&text, "id = \"demand\"") - 1;
    let message = refused(&text, line, "path[all].step[demand].fee.kind");
    assert!(message.contains("no law rule"), "{message}");
}

#[test]
fn a_syntax_error_names_its_line() {
    let text = VALID.replace("send_hour = 9\n\n", "send_hour = = 9\n\n");
    refused(&text, line_of(&text, "= = 9"), "(syntax)");
}

#[test]
fn a_set_without_the_house_strategy_is_refused() {
    let markets = Markets::builtin().unwrap();
    let book = RuleBook::builtin(&markets).unwrap();
    let texts = vec![("strategies/fi.toml".to_owned(), VALID.to_owned())];
    let error = StrategySet::from_texts(&texts, &book, &markets).expect_err("no house file");
    assert_eq!(error.file, "strategies/house.toml");
}

#[test]
fn load_dir_reads_the_shipped_directory() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../strategies");
    let set = StrategySet::load_dir(&dir).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(set.own_markets().len(), 7);
}

#[test]
fn a_fee_above_what_the_law_allows_on_any_claim_is_refused() {
    let text = VALID.replace("{ EUR = 500 }", "{ EUR = 5000 }");
    let line = line_of(&text, "id = \"reminder\"") - 1;
    let message = refused(&text, line, "path[all].step[reminder].fee.amount_minor");
    assert!(message.contains("FI-fee-reminder-consumer"), "{message}");
}

#[test]
fn fee_bands_whose_tops_do_not_rise_are_refused() {
    let bands = "{ EUR = [\n  { up_to_principal_minor = 20000, amount = 500 },\n  { up_to_principal_minor = 10000, amount = 500 },\n  { amount = 500 },\n] }";
    let text = VALID.replace("{ EUR = 500 }", bands);
    let message = refused(
        &text,
        line_of(&text, "EUR = ["),
        "path[all].step[reminder].fee.amount_minor.EUR",
    );
    assert!(message.contains("rise"), "{message}");
}

#[test]
fn a_band_above_the_law_for_its_smallest_claim_is_refused() {
    // EUR 24 for a demand is the cap only above EUR 100 (§ 10 a): a band from 0 may not ask it.
    let bands = "{ EUR = [\n  { up_to_principal_minor = 100000, amount = 2400 },\n  { amount = 5000 },\n] }";
    let text = VALID.replace(
        "template = \"t-demand\"",
        &format!("template = \"t-demand\"\nfee = {{ kind = \"demand\", amount_minor = {bands} }}"),
    );
    let line = line_of(&text, "id = \"demand\"") - 1;
    let message = refused(&text, line, "path[all].step[demand].fee.amount_minor");
    assert!(message.contains("FI-fee-demand-consumer"), "{message}");
    assert!(message.contains("for a claim of 0"), "{message}");
}
