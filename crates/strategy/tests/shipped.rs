//! The shipped strategies load and validate against the shipped rule packs.

use reilu_strategy::StrategySet;

#[test]
fn every_shipped_strategy_loads() {
    let set = StrategySet::builtin().unwrap_or_else(|error| panic!("{error}"));
    let own: Vec<String> = set
        .own_markets()
        .iter()
        .map(|code| code.as_str().to_owned())
        .collect();
    assert_eq!(own, ["DE", "DK", "FI", "GB", "NL", "NO", "SE"]);
    assert_eq!(set.house().id, "house-2026-12");
}
