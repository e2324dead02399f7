//! The markets Reilu serves, read from `data/markets.toml` (data, not code).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::language::LanguageTag;
use crate::money::Currency;

const MARKETS_TOML: &str = include_str!("../data/markets.toml");

/// An ISO 3166-1 alpha-2 code of a market Reilu serves, e.g. `FI`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MarketCode([u8; 2]);

impl MarketCode {
    /// Parses two upper-case ASCII letters. Whether Reilu serves the market is for [`Markets`].
    pub fn parse(text: &str) -> Result<Self, MarketError> {
        let bytes = text.as_bytes();
        let well_formed = bytes.len() == 2 && bytes.iter().all(u8::is_ascii_uppercase);
        if !well_formed {
            return Err(MarketError::NotACode(text.chars().take(8).collect()));
        }
        Ok(MarketCode([bytes[0], bytes[1]]))
    }

    pub fn as_str(&self) -> &str {
        // Built only from two ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for MarketCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for MarketCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for MarketCode {
    type Error = MarketError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        MarketCode::parse(&value)
    }
}

impl From<MarketCode> for String {
    fn from(value: MarketCode) -> Self {
        value.as_str().to_owned()
    }
}

impl FromStr for MarketCode {
    type Err = MarketError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        MarketCode::parse(text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarketError {
    #[error("'{0}' is not a market code: two capital letters, e.g. FI")]
    NotACode(String),
    #[error("Reilu does not serve the market '{0}'")]
    NotServed(String),
    #[error("markets.toml: {0}")]
    BadData(String),
}

/// One market: its currency, languages, time zones and consumer-protection flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Market {
    pub code: MarketCode,
    pub name: String,
    pub currency: Currency,
    /// The first is the market's main language.
    pub languages: Vec<LanguageTag>,
    /// The first is the default zone of the market's customers.
    pub time_zones: Vec<Tz>,
    pub calling_code: String,
    pub flags: MarketFlags,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketFlags {
    pub eu_member: bool,
    pub statutory_fee_caps: bool,
    pub collection_licence_required: bool,
    pub law_encoded: bool,
}

impl Market {
    pub fn main_language(&self) -> &LanguageTag {
        // `Markets::load` refuses a market with no language.
        &self.languages[0]
    }

    pub fn main_time_zone(&self) -> Tz {
        // `Markets::load` refuses a market with no time zone.
        self.time_zones[0]
    }
}

/// Every market Reilu serves, by code.
#[derive(Debug, Clone)]
pub struct Markets {
    by_code: BTreeMap<MarketCode, Market>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarketsFile {
    market: Vec<MarketRecord>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarketRecord {
    code: String,
    name: String,
    currency: String,
    languages: Vec<String>,
    time_zones: Vec<String>,
    calling_code: String,
    #[serde(flatten)]
    flags: MarketFlags,
}

impl Markets {
    /// The markets shipped with Reilu. The data is compiled in and checked by a unit test,
    /// so this fails only if that test was skipped.
    pub fn builtin() -> Result<Self, MarketError> {
        Self::load(MARKETS_TOML)
    }

    pub fn load(text: &str) -> Result<Self, MarketError> {
        let file: MarketsFile =
            toml::from_str(text).map_err(|error| MarketError::BadData(error.to_string()))?;
        let mut by_code = BTreeMap::new();
        for record in file.market {
            let market = market_from_record(record)?;
            let code = market.code;
            if by_code.insert(code, market).is_some() {
                return Err(MarketError::BadData(format!(
                    "market {code} is listed twice"
                )));
            }
        }
        Ok(Markets { by_code })
    }

    /// The market for a code, or an error naming it if Reilu does not serve it.
    pub fn get(&self, code: &str) -> Result<&Market, MarketError> {
        let code = MarketCode::parse(code)?;
        self.by_code
            .get(&code)
            .ok_or_else(|| MarketError::NotServed(code.to_string()))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Market> {
        self.by_code.values()
    }

    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
}

fn market_from_record(record: MarketRecord) -> Result<Market, MarketError> {
    let code = MarketCode::parse(&record.code)?;
    let bad = |what: String| MarketError::BadData(format!("market {code}: {what}"));
    let currency = Currency::parse(&record.currency).map_err(|error| bad(error.to_string()))?;
    let languages = record
        .languages
        .iter()
        .map(|tag| LanguageTag::parse(tag).map_err(|error| bad(error.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let time_zones = record
        .time_zones
        .iter()
        .map(|name| {
            name.parse::<Tz>()
                .map_err(|_| bad(format!("unknown time zone {name}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if languages.is_empty() || time_zones.is_empty() {
        return Err(bad(
            "needs at least one language and one time zone".to_owned()
        ));
    }
    let calling_code_ok = record.calling_code.starts_with('+')
        && record.calling_code.len() <= 4
        && record.calling_code[1..]
            .bytes()
            .all(|byte| byte.is_ascii_digit());
    if !calling_code_ok {
        return Err(bad(format!(
            "calling code {} is not +digits",
            record.calling_code
        )));
    }
    Ok(Market {
        code,
        name: record.name,
        currency,
        languages,
        time_zones,
        calling_code: record.calling_code,
        flags: record.flags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUIRED: [&str; 22] = [
        "AT", "BE", "CH", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HU", "IE", "IT",
        "LT", "LV", "NL", "NO", "PL", "PT", "SE",
    ];

    #[test]
    fn builtin_markets_load_and_cover_every_required_market() {
        let markets = Markets::builtin();
        assert!(markets.is_ok(), "{markets:?}");
        let markets = markets.unwrap_or_else(|_| unreachable!());
        for code in REQUIRED {
            assert!(markets.get(code).is_ok(), "missing market {code}");
        }
        assert!(markets.get("SK").is_ok());
        assert_eq!(markets.len(), 23);
    }

    #[test]
    fn markets_carry_the_right_currency_language_and_zone() {
        let markets = Markets::builtin().unwrap_or_else(|error| panic!("{error}"));
        let finland = markets.get("FI").unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(finland.currency.code(), "EUR");
        assert_eq!(finland.main_language().as_str(), "fi");
        assert_eq!(finland.main_time_zone(), chrono_tz::Europe::Helsinki);
        let sweden = markets.get("SE").unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(sweden.currency.code(), "SEK");
        let britain = markets.get("GB").unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(britain.currency.code(), "GBP");
    }

    #[test]
    fn unknown_or_malformed_codes_are_refused_by_name() {
        let markets = Markets::builtin().unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            markets.get("US").err(),
            Some(MarketError::NotServed("US".to_owned()))
        );
        assert!(matches!(markets.get("fi"), Err(MarketError::NotACode(_))));
        assert!(matches!(markets.get("FIN"), Err(MarketError::NotACode(_))));
    }

    #[test]
    fn bad_market_data_is_a_clear_error() {
        let twice = format!(
            "{MARKETS_TOML}\n{}",
            &MARKETS_TOML[MARKETS_TOML.find("[[market]]").unwrap_or(0)..]
        );
        assert!(matches!(
            Markets::load(&twice),
            Err(MarketError::BadData(_))
        ));
        let bad_zone = MARKETS_TOML.replace("Europe/Helsinki", "Europe/Nowhere");
        let error = Markets::load(&bad_zone)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("Europe/Nowhere"), "{error}");
    }
}
