//! Treatment strategies as data: per market (and a house default), paths selected by the
//! case's segment, each an ordered list of steps — when, on which channel, with which
//! template, proposing which fee. The planner is pure: it reads a case, what was done and a
//! date, and says what comes next; the daily run proposes that to the gate. The format is
//! documented in `strategies/README.md`.

mod law;
mod load;
mod model;
mod plan;
mod segments;
mod variant;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use reilu_core::{MarketCode, Markets};
use reilu_rules::pack::{PackError, RuleBook};

pub use model::{
    FeeBand, FeeProposal, Segment, SegmentFacts, Step, StepKind, Strategy, TreatmentPath, Variant,
};
pub use plan::{
    CaseProgress, DoneStep, PROMISE_FOLLOWUP_TEMPLATE, Plan, PlannedStep, PromiseToPay,
};
pub use variant::{VARIANT_BUCKETS, variant_bucket};

/// A strategy file that cannot be used, and exactly where (like a rule pack's error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct StrategyError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for StrategyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: field `{}`: {}",
            self.file, self.line, self.field, self.message
        )
    }
}

impl From<PackError> for StrategyError {
    fn from(error: PackError) -> Self {
        StrategyError {
            file: error.file,
            line: error.line,
            field: error.field,
            message: format!("(rule pack) {}", error.message),
        }
    }
}

/// The shipped strategy files, compiled in like the rule packs.
const BUILTIN_STRATEGIES: &[(&str, &str)] = &include!("builtin_list.rs");

/// Every strategy: the house default and one per market that has its own file.
#[derive(Debug, Clone)]
pub struct StrategySet {
    house: Strategy,
    markets: HashMap<MarketCode, Strategy>,
}

impl StrategySet {
    /// The shipped strategies, validated against the shipped rule packs.
    pub fn builtin() -> Result<Self, StrategyError> {
        let (markets, book) = builtin_law()?;
        Self::builtin_with(&book, &markets)
    }

    /// The shipped strategies, validated against the given rule packs.
    pub fn builtin_with(book: &RuleBook, markets: &Markets) -> Result<Self, StrategyError> {
        let texts: Vec<(String, String)> = BUILTIN_STRATEGIES
            .iter()
            .map(|(name, text)| (format!("strategies/{name}"), (*text).to_owned()))
            .collect();
        Self::from_texts(&texts, book, markets)
    }

    /// Reads every `*.toml` in `dir` (one must be `house.toml`), validated against the
    /// shipped rule packs.
    pub fn load_dir(dir: &Path) -> Result<Self, StrategyError> {
        let (markets, book) = builtin_law()?;
        Self::load_dir_with(dir, &book, &markets)
    }

    /// Reads every `*.toml` in `dir`, validated against the given rule packs.
    pub fn load_dir_with(
        dir: &Path,
        book: &RuleBook,
        markets: &Markets,
    ) -> Result<Self, StrategyError> {
        let file_error = |path: &Path, error: std::io::Error| StrategyError {
            file: path.display().to_string(),
            line: 0,
            field: "(file)".into(),
            message: error.to_string(),
        };
        let entries = std::fs::read_dir(dir).map_err(|error| file_error(dir, error))?;
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry.map_err(|error| file_error(dir, error))?.path();
            if path.extension().is_some_and(|ext| ext == "toml") {
                paths.push(path);
            }
        }
        // Sorted, so that the first error reported does not depend on the directory order.
        paths.sort();
        let mut texts = Vec::with_capacity(paths.len());
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|error| file_error(&path, error))?;
            texts.push((path.display().to_string(), text));
        }
        Self::from_texts(&texts, book, markets)
    }

    /// Parses and validates a set of files given as (file name, text).
    pub fn from_texts(
        texts: &[(String, String)],
        book: &RuleBook,
        markets: &Markets,
    ) -> Result<Self, StrategyError> {
        let mut house = None;
        let mut own: HashMap<MarketCode, Strategy> = HashMap::new();
        for (file, text) in texts {
            let strategy = load::parse_strategy(file, text, markets)?;
            match strategy.market {
                None if house.is_some() => {
                    return Err(duplicate(&strategy, "a second house strategy"));
                }
                None => house = Some(strategy),
                Some(code) if own.contains_key(&code) => {
                    return Err(duplicate(&strategy, "a second strategy for the market"));
                }
                Some(code) => {
                    own.insert(code, strategy);
                }
            }
        }
        let house = house.ok_or_else(|| StrategyError {
            file: "strategies/house.toml".into(),
            line: 0,
            field: "(file)".into(),
            message: "the house strategy is missing".into(),
        })?;
        for (code, strategy) in &own {
            law::check(strategy, &[*code], book, markets)?;
        }
        // The house strategy works every market without its own file.
        let house_served: Vec<MarketCode> = markets
            .iter()
            .map(|market| market.code)
            .filter(|code| !own.contains_key(code))
            .collect();
        law::check(&house, &house_served, book, markets)?;
        Ok(StrategySet {
            house,
            markets: own,
        })
    }

    /// The strategy that works a market's cases: its own, else the house's.
    pub fn for_market(&self, market: MarketCode) -> &Strategy {
        self.markets.get(&market).unwrap_or(&self.house)
    }

    pub fn house(&self) -> &Strategy {
        &self.house
    }

    /// The markets with their own strategy, sorted by code.
    pub fn own_markets(&self) -> Vec<MarketCode> {
        let mut codes: Vec<MarketCode> = self.markets.keys().copied().collect();
        codes.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        codes
    }

    /// The variant a case of the market is assigned to, if the market's strategy has
    /// variants; None for an unknown market code with a house strategy without variants.
    pub fn variant_of(&self, market: &str, case_number: i64) -> Option<&str> {
        let strategy = match MarketCode::parse(market) {
            Ok(code) => self.for_market(code),
            Err(_) => &self.house,
        };
        strategy.variant_of(case_number)
    }
}

fn duplicate(strategy: &Strategy, what: &str) -> StrategyError {
    StrategyError {
        file: strategy.file.clone(),
        line: strategy.line,
        field: "strategy.market".into(),
        message: format!("{what}: each market has one strategy file"),
    }
}

fn builtin_law() -> Result<(Markets, RuleBook), StrategyError> {
    let markets = Markets::builtin().map_err(|error| StrategyError {
        file: "(markets)".into(),
        line: 0,
        field: "(markets)".into(),
        message: error.to_string(),
    })?;
    let book = RuleBook::builtin(&markets)?;
    Ok((markets, book))
}
