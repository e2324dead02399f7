//! The shipped strategies load and validate against the shipped rule packs.

use reilu_strategy::StrategySet;

#[test]
fn every_shipped_strategy_loads() {
    let set = StrategySet::builtin().unwrap_or_else(|error| panic!("{error}"));
    let own: Vec<&str> = set.own_markets().iter().map(|code| code.as_str()).collect::<Vec<_>>().into_iter().map(|s| s.to_owned()).collect::<Vec<_>>().leak().iter().map(String::as_str).collect();
    assert_eq!(own, ["DE", "DK", "FI", "GB", "NL", "NO", "SE"]);
}
