//! Rule packs: `rules/<market>.toml` with the market's law and `rules/house.toml` with the
//! house policy, loaded and validated at start. A broken pack is an error that names file,
//! line and field, and nothing starts on it.

mod load;
pub mod params;
mod published;
pub mod value;
mod variant;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use reilu_core::{Currency, CustomerKind, MarketCode, Markets};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::Principle;
pub use params::{Parameter, ValueKind};
pub use published::{
    PUBLISHED_RATE_BP_MAX, PublishedRate, PublishedRateError, RATE_WARNING_DAYS, RateGap,
    first_day_without_late_rate, is_calendar_half_year, late_rate_gaps, parse_rate_percent,
};
pub use value::{
    Cap, ContractualMode, FactorStep, FactorWhen, LimitationStart, Value, WeeklyHours,
};

/// Whether a rule is law or house policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Law,
    House,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    All,
    Consumer,
    Business,
}

impl AppliesTo {
    fn covers(self, kind: CustomerKind) -> bool {
        match self {
            AppliesTo::All => true,
            AppliesTo::Consumer => kind == CustomerKind::Consumer,
            AppliesTo::Business => kind == CustomerKind::Business,
        }
    }
}

/// How sure the pack's authors are of a figure: `confirm` marks one not checked against the
/// primary source yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    High,
    Confirm,
}

/// One rule: an id, the parameter it sets, its citation and dates, and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Shared with every reason that cites the rule.
    pub id: Arc<str>,
    pub parameter: Parameter,
    pub applies_to: AppliesTo,
    /// The parts of the market (ISO 3166-2, e.g. `GB-SCT`) whose law the rule is; empty for
    /// the whole market.
    pub jurisdictions: Vec<Arc<str>>,
    pub principle: Principle,
    pub citation: Arc<str>,
    pub effective_from: NaiveDate,
    /// Inclusive; None while in force.
    pub effective_to: Option<NaiveDate>,
    pub confidence: Confidence,
    pub source: Source,
    pub value: Value,
    /// Where the rule starts in its file.
    pub line: usize,
}

impl Rule {
    /// Whether the rule covers customers of this kind.
    pub fn applies_to_kind(&self, kind: CustomerKind) -> bool {
        self.applies_to.covers(kind)
    }

    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }

    /// Whether the rule is the law of a case in `jurisdiction`. A rule for the whole market
    /// always is; where the jurisdiction is not known (None), every part's rule may be, so
    /// all are candidates and the gate applies the strictest.
    pub fn applies_in(&self, jurisdiction: Option<&str>) -> bool {
        match jurisdiction {
            None => true,
            Some(code) => {
                self.jurisdictions.is_empty()
                    || self.jurisdictions.iter().any(|own| own.as_ref() == code)
            }
        }
    }
}

/// A pack's identity as stamped on every decision: which version, and a hash of its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackStamp {
    pub pack: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PackStatus {
    /// The market's law is encoded.
    Encoded,
    /// Only the house policy applies until the market's law is encoded.
    HouseOnly,
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub stamp: PackStamp,
    pub title: String,
    pub status: PackStatus,
    pub sources: Vec<String>,
    pub unconfirmed: Vec<String>,
    pub rules: Vec<Arc<Rule>>,
}

/// A pack that cannot be used, and exactly where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PackError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: field `{}`: {}",
            self.file, self.line, self.field, self.message
        )
    }
}

/// Parses one pack. `market` is None for the house pack, which has no currency.
pub fn parse_pack(file: &str, text: &str, markets: &Markets) -> Result<Pack, PackError> {
    let lines = load::Lines { file, text };
    let raw: load::RawPack = toml::from_str(text).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        lines.error(offset, "(syntax)", error.message().to_owned())
    })?;
    let header = &raw.pack;
    let (source, currency) = pack_source(header, &lines, markets)?;
    let status = match header.status.as_str() {
        "encoded" => PackStatus::Encoded,
        "house_only" => PackStatus::HouseOnly,
        other => {
            return Err(lines.error(
                0,
                "pack.status",
                format!("'{other}' is not encoded or house_only"),
            ));
        }
    };
    let mut rules = Vec::with_capacity(raw.rule.len());
    let mut seen_ids = std::collections::HashSet::new();
    for raw_rule in &raw.rule {
        let rule =
            load::convert_rule(raw_rule, &lines, (source, header.market.as_str()), currency)?;
        if !seen_ids.insert(Arc::clone(&rule.id)) {
            return Err(lines.error(
                raw_rule.span().start,
                "id",
                format!("the id {} is used twice", rule.id),
            ));
        }
        rules.push(Arc::new(rule));
    }
    let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
    Ok(Pack {
        stamp: PackStamp {
            pack: header.market.clone(),
            version: header.version.clone(),
            sha256,
        },
        title: header.title.clone(),
        status,
        sources: header.sources.clone(),
        unconfirmed: header.unconfirmed.clone(),
        rules,
    })
}

fn pack_source(
    header: &load::RawHeader,
    lines: &load::Lines<'_>,
    markets: &Markets,
) -> Result<(Source, Option<Currency>), PackError> {
    if header.market == "house" {
        return Ok((Source::House, None));
    }
    let market = markets
        .get(&header.market)
        .map_err(|error| lines.error(0, "pack.market", error.to_string()))?;
    Ok((Source::Law, Some(market.currency)))
}

/// Key of the rule index: a market's law, or the house.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Owner {
    Market(MarketCode),
    House,
}

/// Every pack, indexed for the gate: the rules of one parameter in one market are found in
/// one hash look-up.
#[derive(Debug, Clone)]
pub struct RuleBook {
    house: Pack,
    markets: HashMap<MarketCode, Pack>,
    index: HashMap<(Owner, Parameter), Vec<Arc<Rule>>>,
    /// Per market, the stamps of its pack and the house's, built once.
    stamps: HashMap<MarketCode, Arc<[PackStamp]>>,
}

/// The packs shipped with Reilu, compiled in so that the binary and the tests always have
/// them; `RuleBook::load_dir` reads an edited set from disk instead.
const BUILTIN_PACKS: &[(&str, &str)] = &include!("builtin_list.rs");

impl RuleBook {
    pub fn builtin(markets: &Markets) -> Result<Self, PackError> {
        let texts: Vec<(String, String)> = BUILTIN_PACKS
            .iter()
            .map(|(name, text)| (format!("rules/{name}"), (*text).to_owned()))
            .collect();
        Self::from_texts(&texts, markets)
    }

    /// Reads `house.toml` and one `<market>.toml` per served market from `dir`.
    pub fn load_dir(dir: &Path, markets: &Markets) -> Result<Self, PackError> {
        let mut texts = Vec::new();
        for (name, _) in BUILTIN_PACKS {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path).map_err(|error| PackError {
                file: path.display().to_string(),
                line: 0,
                field: "(file)".into(),
                message: error.to_string(),
            })?;
            texts.push((path.display().to_string(), text));
        }
        Self::from_texts(&texts, markets)
    }

    fn from_texts(texts: &[(String, String)], markets: &Markets) -> Result<Self, PackError> {
        let mut house = None;
        let mut packs = HashMap::new();
        for (file, text) in texts {
            let pack = parse_pack(file, text, markets)?;
            if pack.stamp.pack == "house" {
                house = Some(pack);
            } else {
                let code = MarketCode::parse(&pack.stamp.pack).map_err(|error| PackError {
                    file: file.clone(),
                    line: 1,
                    field: "pack.market".into(),
                    message: error.to_string(),
                })?;
                packs.insert(code, pack);
            }
        }
        let house = house.ok_or_else(|| PackError {
            file: "rules/house.toml".into(),
            line: 0,
            field: "(file)".into(),
            message: "the house pack is missing".into(),
        })?;
        if let Some(missing) = markets
            .iter()
            .find(|market| !packs.contains_key(&market.code))
        {
            return Err(PackError {
                file: format!("rules/{}.toml", missing.code.as_str().to_lowercase()),
                line: 0,
                field: "(file)".into(),
                message: "every served market needs a pack".into(),
            });
        }
        let index = build_index(&house, &packs);
        let stamps = packs
            .iter()
            .map(|(code, pack)| {
                (
                    *code,
                    Arc::from(vec![pack.stamp.clone(), house.stamp.clone()]),
                )
            })
            .collect();
        Ok(RuleBook {
            house,
            markets: packs,
            index,
            stamps,
        })
    }

    /// Law rules first, then house rules, that set `parameter` for this customer on `date`.
    pub fn rules<'a>(
        &'a self,
        market: MarketCode,
        kind: CustomerKind,
        parameter: Parameter,
        date: NaiveDate,
    ) -> impl Iterator<Item = &'a Rule> + 'a {
        let law = self
            .index
            .get(&(Owner::Market(market), parameter))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let house = self
            .index
            .get(&(Owner::House, parameter))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        law.iter()
            .chain(house.iter())
            .map(Arc::as_ref)
            .filter(move |rule| rule.applies_to.covers(kind) && rule.in_force_on(date))
    }

    /// Every rule that sets `parameter` for this customer, whatever its dates: the gate reads
    /// their effective dates to split a period where a rule starts or ends.
    pub fn rules_any_date<'a>(
        &'a self,
        market: MarketCode,
        kind: CustomerKind,
        parameter: Parameter,
    ) -> impl Iterator<Item = &'a Rule> + 'a {
        [Owner::Market(market), Owner::House]
            .into_iter()
            .filter_map(move |owner| self.index.get(&(owner, parameter)))
            .flatten()
            .map(Arc::as_ref)
            .filter(move |rule| rule.applies_to.covers(kind))
    }

    /// The jurisdiction as the market's pack names it, if some rule of the pack is written for
    /// it (compared without case); None for a code the pack does not know, which the gate then
    /// treats as unknown.
    pub fn known_jurisdiction(&self, market: MarketCode, code: &str) -> Option<&str> {
        let code = code.trim();
        self.markets
            .get(&market)?
            .rules
            .iter()
            .flat_map(|rule| rule.jurisdictions.iter())
            .find(|own| own.eq_ignore_ascii_case(code))
            .map(AsRef::as_ref)
    }

    /// Every jurisdiction the market's pack writes a rule for, sorted.
    pub fn jurisdictions(&self, market: MarketCode) -> Vec<&str> {
        let mut codes: Vec<&str> = self
            .markets
            .get(&market)
            .map(|pack| {
                pack.rules
                    .iter()
                    .flat_map(|rule| rule.jurisdictions.iter())
                    .map(AsRef::as_ref)
                    .collect()
            })
            .unwrap_or_default();
        codes.sort_unstable();
        codes.dedup();
        codes
    }

    pub fn market_pack(&self, market: MarketCode) -> Option<&Pack> {
        self.markets.get(&market)
    }

    pub fn house(&self) -> &Pack {
        &self.house
    }

    /// Stamps of the packs in force for a market: its own, then the house's.
    pub fn stamps(&self, market: MarketCode) -> Arc<[PackStamp]> {
        match self.stamps.get(&market) {
            Some(stamps) => Arc::clone(stamps),
            None => Arc::from(vec![self.house.stamp.clone()]),
        }
    }

    pub fn market_packs(&self) -> impl Iterator<Item = (&MarketCode, &Pack)> {
        self.markets.iter()
    }
}

fn build_index(
    house: &Pack,
    packs: &HashMap<MarketCode, Pack>,
) -> HashMap<(Owner, Parameter), Vec<Arc<Rule>>> {
    let mut index: HashMap<(Owner, Parameter), Vec<Arc<Rule>>> = HashMap::new();
    for rule in &house.rules {
        index
            .entry((Owner::House, rule.parameter))
            .or_default()
            .push(Arc::clone(rule));
    }
    for (code, pack) in packs {
        for rule in &pack.rules {
            index
                .entry((Owner::Market(*code), rule.parameter))
                .or_default()
                .push(Arc::clone(rule));
        }
    }
    index
}
