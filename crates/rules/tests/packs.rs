//! The shipped rule packs load, and broken packs are refused with file, line and field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reilu_core::Markets;
use reilu_rules::pack::{PackStatus, RuleBook, parse_pack};

fn markets() -> Markets {
    Markets::builtin().unwrap()
}

#[test]
fn the_shipped_packs_load_for_every_market() {
    let book = RuleBook::builtin(&markets());
    let book = book.unwrap_or_else(|error| panic!("{error}"));
    for market in markets().iter() {
        let pack = book.market_pack(market.code).unwrap();
        assert_eq!(pack.stamp.sha256.len(), 64);
        if market.flags.law_encoded {
            assert_eq!(
                pack.status,
                PackStatus::Encoded,
                "{} is law-encoded in markets.toml",
                market.code
            );
        }
    }
}

const GOOD_HEADER: &str =
    "[pack]\nmarket = \"FI\"\nversion = \"1\"\ntitle = \"t\"\nstatus = \"encoded\"\n";

fn error_of(rules: &str) -> String {
    let text = format!("{GOOD_HEADER}{rules}");
    parse_pack("rules/fi.toml", &text, &markets())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

#[test]
fn a_broken_pack_is_an_error_naming_file_line_and_field() {
    let rule = |extra: &str| {
        format!(
            "\n[[rule]]\nid = \"X\"\nparameter = \"fee.reminder\"\nprinciple = 5\ncitation = \"c\"\neffective_from = 2020-01-01\n{extra}\n"
        )
    };
    assert_eq!(
        error_of(&rule("amount = \"5.001\"")),
        "rules/fi.toml:13: field `amount`: an amount in EUR written as a quoted decimal, e.g. \"14.00\""
    );
    assert!(
        error_of(&rule("days = 3"))
            .contains("field `days`: `days` does not belong to parameter fee.reminder")
    );
    assert!(error_of(&rule("")).contains("needs the field `amount`"));
    let unknown = error_of(
        "\n[[rule]]\nid = \"X\"\nparameter = \"fee.nonsense\"\nprinciple = 5\ncitation = \"c\"\neffective_from = 2020-01-01\namount = \"1\"\n",
    );
    assert!(
        unknown.starts_with("rules/fi.toml:9: field `parameter`: unknown parameter 'fee.nonsense'"),
        "{unknown}"
    );
    let brackets = rule(
        "brackets = [ { up_to = \"100\", amount = \"1\" }, { up_to = \"50\", amount = \"2\" }, { amount = \"3\" } ]",
    );
    assert!(error_of(&brackets).contains("must rise"));
    let unknown_field = error_of(&rule("amount = \"1\"\ncolour = \"red\""));
    assert!(
        unknown_field.contains("colour") && unknown_field.starts_with("rules/fi.toml:"),
        "{unknown_field}"
    );
    let syntax = error_of("\n[[rule]\n");
    assert!(
        syntax.starts_with("rules/fi.toml:7: field `(syntax)`"),
        "{syntax}"
    );
    let principle = error_of(
        "\n[[rule]]\nid = \"X\"\nparameter = \"fee.reminder\"\nprinciple = 11\ncitation = \"c\"\neffective_from = 2020-01-01\namount = \"1\"\n",
    );
    assert!(principle.contains("field `principle`"), "{principle}");
    let twice = format!("{}{}", rule("amount = \"1\""), rule("amount = \"2\""));
    assert!(error_of(&twice).contains("used twice"));
}

fn rule_of(parameter: &str, extra: &str) -> String {
    format!(
        "\n[[rule]]\nid = \"X\"\nparameter = \"{parameter}\"\nprinciple = 5\ncitation = \"c\"\neffective_from = 2020-01-01\n{extra}\n"
    )
}

#[test]
fn jurisdictions_factors_and_bracket_percentages_are_checked_at_load() {
    // A rule for a part of the market names it in ISO 3166-2, of the pack's own market.
    let limitation = |jurisdictions: &str| {
        rule_of(
            "limitation",
            &format!("years = 3\njurisdictions = {jurisdictions}"),
        )
    };
    assert_eq!(error_of(&limitation("[\"FI-01\"]")), "");
    for wrong in ["[\"GB-SCT\"]", "[\"FI\"]", "[\"FI-abc\"]", "[]"] {
        let error = error_of(&limitation(wrong));
        assert!(error.contains("field `jurisdictions`"), "{wrong}: {error}");
    }
    let house = "[pack]\nmarket = \"house\"\nversion = \"1\"\ntitle = \"t\"\nstatus = \"encoded\"\n"
        .to_owned() + &limitation("[\"FI-01\"]");
    let error = parse_pack("rules/house.toml", &house, &markets()).err();
    assert!(
        error.is_some_and(|e| e.field == "jurisdictions"),
        "the house policy holds everywhere"
    );
    // Factors: the first step has no condition, later ones one of the known conditions.
    let factors = |steps: &str| {
        rule_of(
            "fee.collection_costs.factors",
            &format!("factors = [{steps}]"),
        )
    };
    assert_eq!(
        error_of(&factors(
            "{ factor = \"0.5\" }, { factor = \"0.9\", when = \"further_demand\" }"
        )),
        ""
    );
    assert_eq!(
        error_of(&factors(
            "{ factor = \"1\" }, { factor = \"2\", when = \"demand_overdue\", days = 28 }"
        )),
        ""
    );
    for wrong in [
        "{ factor = \"0.5\", when = \"further_demand\" }",
        "{ factor = \"1\" }, { factor = \"2\" }",
        "{ factor = \"1\" }, { factor = \"2\", when = \"demand_overdue\" }",
        "{ factor = \"1\" }, { factor = \"2\", when = \"tuesday\" }",
        "{ factor = \"0\" }",
        "{ factor = \"0.12345\" }",
        "",
    ] {
        let error = error_of(&factors(wrong));
        assert!(error.contains("field `factors"), "{wrong}: {error}");
    }
    // A bracket's added percentage is a percentage.
    let plus = |percent: &str| {
        rule_of(
            "fee.collection_costs",
            &format!(
                "brackets = [ {{ up_to = \"100\", amount = \"1\" }}, {{ amount = \"1\", plus_percent = \"{percent}\" }} ]"
            ),
        )
    };
    assert_eq!(error_of(&plus("1")), "");
    assert!(error_of(&plus("one")).contains("field `brackets.plus_percent`"));
    // The limitation may start when the claim arose.
    assert_eq!(
        error_of(&rule_of("limitation", "years = 3\nfrom = \"arose_on\"")),
        ""
    );
    assert!(
        error_of(&rule_of("limitation", "years = 3\nfrom = \"tillkomst\"")).contains("arose_on")
    );
}

#[test]
fn a_frequency_of_no_contact_at_all_is_refused_at_load() {
    let frequency = |count: u32| {
        rule_of(
            "contact.frequency",
            &format!("count = {count}\nwindow_days = 7"),
        )
    };
    assert_eq!(error_of(&frequency(1)), "");
    let error = error_of(&frequency(0));
    assert!(error.contains("field `count`"), "{error}");
}
