//! Reading a rule pack from TOML. Every error names the file, the line and the field, so a
//! compliance officer can fix a pack without reading code.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use reilu_core::{Currency, Money};
use serde::Deserialize;
use toml::Spanned;

use super::params::{Parameter, ValueKind};
use super::value::{
    Bracket, Cap, ContractualMode, FactorStep, FactorWhen, LimitationStart, Tier, Value,
    WeeklyHours,
};
use super::{AppliesTo, Confidence, PackError, Rule, Source};
use crate::model::{Channel, HoldKind, Principle};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPack {
    pub pack: RawHeader,
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHeader {
    pub market: String,
    pub version: String,
    pub title: String,
    /// `encoded` (the market's law is encoded) or `house_only`.
    pub status: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub unconfirmed: Vec<String>,
}

/// A date written as TOML's own date or as a quoted string.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum DateText {
    Native(toml::value::Datetime),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBracket {
    #[serde(default)]
    up_to: Option<String>,
    amount: String,
    /// A percentage of the part of the principal above the bracket's floor, added.
    #[serde(default)]
    plus_percent: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFactor {
    factor: String,
    #[serde(default)]
    when: Option<String>,
    #[serde(default)]
    days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTier {
    #[serde(default)]
    up_to: Option<String>,
    percent: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    id: Spanned<String>,
    parameter: Spanned<String>,
    #[serde(default)]
    applies_to: Option<Spanned<String>>,
    #[serde(default)]
    jurisdictions: Option<Spanned<Vec<String>>>,
    principle: Spanned<u8>,
    citation: Spanned<String>,
    effective_from: Spanned<DateText>,
    #[serde(default)]
    effective_to: Option<Spanned<DateText>>,
    #[serde(default)]
    confidence: Option<Spanned<String>>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
    // Value fields: which ones a rule needs depends on its parameter (see `allowed_fields`).
    #[serde(default)]
    amount: Option<Spanned<toml::Value>>,
    #[serde(default)]
    brackets: Option<Spanned<toml::Value>>,
    #[serde(default)]
    tiers: Option<Spanned<toml::Value>>,
    #[serde(default)]
    minimum: Option<Spanned<toml::Value>>,
    #[serde(default)]
    maximum: Option<Spanned<toml::Value>>,
    #[serde(default)]
    days: Option<Spanned<toml::Value>>,
    #[serde(default)]
    count: Option<Spanned<toml::Value>>,
    #[serde(default)]
    window_days: Option<Spanned<toml::Value>>,
    #[serde(default)]
    channels: Option<Spanned<toml::Value>>,
    #[serde(default)]
    hours: Option<Spanned<toml::Value>>,
    #[serde(default)]
    flag: Option<Spanned<toml::Value>>,
    #[serde(default)]
    percent: Option<Spanned<toml::Value>>,
    #[serde(default)]
    years: Option<Spanned<toml::Value>>,
    #[serde(default)]
    from: Option<Spanned<toml::Value>>,
    #[serde(default)]
    final_years: Option<Spanned<toml::Value>>,
    #[serde(default)]
    items: Option<Spanned<toml::Value>>,
    #[serde(default)]
    body: Option<Spanned<toml::Value>>,
    #[serde(default)]
    url: Option<Spanned<toml::Value>>,
    #[serde(default)]
    holds: Option<Spanned<toml::Value>>,
    #[serde(default)]
    mode: Option<Spanned<toml::Value>>,
    #[serde(default)]
    max_days_after_due: Option<Spanned<toml::Value>>,
    #[serde(default)]
    factors: Option<Spanned<toml::Value>>,
}

impl RawRule {
    /// The value fields present in the rule, by name.
    fn values(&self) -> Vec<(&'static str, &Spanned<toml::Value>)> {
        let all: [(&'static str, &Option<Spanned<toml::Value>>); 22] = [
            ("amount", &self.amount),
            ("brackets", &self.brackets),
            ("tiers", &self.tiers),
            ("minimum", &self.minimum),
            ("maximum", &self.maximum),
            ("days", &self.days),
            ("count", &self.count),
            ("window_days", &self.window_days),
            ("channels", &self.channels),
            ("hours", &self.hours),
            ("flag", &self.flag),
            ("percent", &self.percent),
            ("years", &self.years),
            ("from", &self.from),
            ("final_years", &self.final_years),
            ("items", &self.items),
            ("body", &self.body),
            ("url", &self.url),
            ("holds", &self.holds),
            ("mode", &self.mode),
            ("max_days_after_due", &self.max_days_after_due),
            ("factors", &self.factors),
        ];
        all.into_iter()
            .filter_map(|(name, field)| field.as_ref().map(|field| (name, field)))
            .collect()
    }
}

/// Reads a field's line from a byte span.
pub(super) struct Lines<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

impl Lines<'_> {
    pub fn line_of(&self, offset: usize) -> usize {
        self.text
            .get(..offset)
            .map_or(1, |before| before.matches('\n').count() + 1)
    }

    pub fn error(&self, offset: usize, field: &str, message: impl Into<String>) -> PackError {
        PackError {
            file: self.file.to_owned(),
            line: self.line_of(offset),
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Turns one raw rule into a typed rule, checking every field. `market` is the pack's
/// `market` (a market code, or `house`).
pub(super) fn convert_rule(
    raw: &Spanned<RawRule>,
    lines: &Lines<'_>,
    (source, market): (Source, &str),
    currency: Option<Currency>,
) -> Result<Rule, PackError> {
    let rule = raw.get_ref();
    let id = rule.id.get_ref().trim().to_owned();
    if id.is_empty() {
        return Err(lines.error(rule.id.span().start, "id", "a rule needs an id"));
    }
    let parameter = Parameter::parse(rule.parameter.get_ref()).ok_or_else(|| {
        lines.error(
            rule.parameter.span().start,
            "parameter",
            format!("unknown parameter '{}'", rule.parameter.get_ref()),
        )
    })?;
    let principle = Principle::from_number(*rule.principle.get_ref()).ok_or_else(|| {
        lines.error(
            rule.principle.span().start,
            "principle",
            "a principle is a number from 1 to 10",
        )
    })?;
    let citation = rule.citation.get_ref().trim();
    if citation.is_empty() {
        return Err(lines.error(
            rule.citation.span().start,
            "citation",
            "every rule cites its source",
        ));
    }
    let effective_from = date_field(&rule.effective_from, lines, "effective_from")?;
    let effective_to = rule
        .effective_to
        .as_ref()
        .map(|to| date_field(to, lines, "effective_to"))
        .transpose()?;
    if effective_to.is_some_and(|to| to < effective_from) {
        return Err(lines.error(raw.span().start, "effective_to", "ends before it starts"));
    }
    let value = convert_value(parameter, rule, lines, currency)?;
    Ok(Rule {
        id: Arc::from(id),
        parameter,
        applies_to: applies_to(rule, lines)?,
        jurisdictions: jurisdictions(rule, lines, market)?,
        principle,
        citation: Arc::from(citation),
        effective_from,
        effective_to,
        confidence: confidence(rule, lines)?,
        source,
        value,
        line: lines.line_of(raw.span().start),
    })
}

fn applies_to(rule: &RawRule, lines: &Lines<'_>) -> Result<AppliesTo, PackError> {
    let Some(field) = &rule.applies_to else {
        return Ok(AppliesTo::All);
    };
    match field.get_ref().as_str() {
        "all" => Ok(AppliesTo::All),
        "consumer" => Ok(AppliesTo::Consumer),
        "business" => Ok(AppliesTo::Business),
        other => Err(lines.error(
            field.span().start,
            "applies_to",
            format!("'{other}' is not all, consumer or business"),
        )),
    }
}

/// ISO 3166-2 codes of the pack's own market (`GB-SCT` in the GB pack); the house pack has
/// none, its policy holds everywhere.
fn jurisdictions(
    rule: &RawRule,
    lines: &Lines<'_>,
    market: &str,
) -> Result<Vec<Arc<str>>, PackError> {
    let Some(field) = &rule.jurisdictions else {
        return Ok(Vec::new());
    };
    let prefix = format!("{market}-");
    let mut codes = Vec::with_capacity(field.get_ref().len());
    for code in field.get_ref() {
        let subdivision = code.strip_prefix(&prefix).unwrap_or_default();
        let well_formed = (1..=3).contains(&subdivision.len())
            && subdivision
                .bytes()
                .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
        if market == "house" || !well_formed {
            return Err(lines.error(
                field.span().start,
                "jurisdictions",
                format!("'{code}' is not an ISO 3166-2 code of {market}, e.g. \"{market}-ABC\""),
            ));
        }
        codes.push(Arc::from(code.as_str()));
    }
    if codes.is_empty() {
        return Err(lines.error(
            field.span().start,
            "jurisdictions",
            "leave the field out for the whole market; an empty list applies nowhere",
        ));
    }
    Ok(codes)
}

fn confidence(rule: &RawRule, lines: &Lines<'_>) -> Result<Confidence, PackError> {
    let Some(field) = &rule.confidence else {
        return Ok(Confidence::High);
    };
    match field.get_ref().as_str() {
        "high" => Ok(Confidence::High),
        "confirm" => Ok(Confidence::Confirm),
        other => Err(lines.error(
            field.span().start,
            "confidence",
            format!("'{other}' is not high or confirm"),
        )),
    }
}

fn date_field(
    field: &Spanned<DateText>,
    lines: &Lines<'_>,
    name: &str,
) -> Result<NaiveDate, PackError> {
    let text = match field.get_ref() {
        DateText::Native(datetime) => datetime.to_string(),
        DateText::Text(text) => text.clone(),
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
        lines.error(
            field.span().start,
            name,
            format!("'{text}' is not a date YYYY-MM-DD"),
        )
    })
}

/// The value fields each kind of parameter takes.
fn allowed_fields(kind: ValueKind) -> &'static [&'static str] {
    match kind {
        ValueKind::Cap => &["amount", "brackets", "tiers", "minimum", "maximum"],
        ValueKind::Days => &["days"],
        ValueKind::Count => &["count"],
        ValueKind::Frequency => &["count", "window_days", "channels"],
        ValueKind::Hours => &["hours"],
        ValueKind::Flag => &["flag"],
        ValueKind::Percent => &["percent"],
        ValueKind::Limitation => &["years", "from", "final_years"],
        ValueKind::Items => &["items"],
        ValueKind::Advice => &["body", "url"],
        ValueKind::Holds => &["holds"],
        ValueKind::FewInstalments => &["count", "amount"],
        ValueKind::ContractualInterest => &["mode", "max_days_after_due"],
        ValueKind::Factors => &["factors"],
    }
}

/// Reads the value fields of a rule for its parameter.
struct ValueFields<'r> {
    rule: &'r RawRule,
    lines: &'r Lines<'r>,
    parameter_name: String,
}

impl ValueFields<'_> {
    fn get(&self, name: &str) -> Option<&Spanned<toml::Value>> {
        self.rule
            .values()
            .into_iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value)
    }

    fn required(&self, name: &str) -> Result<&Spanned<toml::Value>, PackError> {
        self.get(name).ok_or_else(|| {
            self.lines.error(
                self.rule.parameter.span().start,
                name,
                format!("parameter {} needs the field `{name}`", self.parameter_name),
            )
        })
    }

    fn fail(
        &self,
        field: &Spanned<toml::Value>,
        name: &str,
        message: impl Into<String>,
    ) -> PackError {
        self.lines.error(field.span().start, name, message)
    }

    fn unsigned(&self, name: &str) -> Result<u32, PackError> {
        let field = self.required(name)?;
        field
            .get_ref()
            .as_integer()
            .and_then(|number| u32::try_from(number).ok())
            .ok_or_else(|| self.fail(field, name, "a whole number from 0 up"))
    }

    fn text(&self, name: &str) -> Result<String, PackError> {
        let field = self.required(name)?;
        field
            .get_ref()
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.fail(field, name, "a quoted text"))
    }

    fn texts(&self, name: &str) -> Result<Vec<String>, PackError> {
        let field = self.required(name)?;
        let array = field
            .get_ref()
            .as_array()
            .ok_or_else(|| self.fail(field, name, "a list of quoted texts"))?;
        array
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| self.fail(field, name, "a list of quoted texts"))
            })
            .collect()
    }
}

fn convert_value(
    parameter: Parameter,
    rule: &RawRule,
    lines: &Lines<'_>,
    currency: Option<Currency>,
) -> Result<Value, PackError> {
    let kind = parameter.value_kind();
    let fields = ValueFields {
        rule,
        lines,
        parameter_name: parameter.name(),
    };
    for (name, field) in rule.values() {
        if !allowed_fields(kind).contains(&name) {
            let message = format!(
                "`{name}` does not belong to parameter {} (it takes {})",
                fields.parameter_name,
                allowed_fields(kind).join(", ")
            );
            return Err(lines.error(field.span().start, name, message));
        }
    }
    match kind {
        ValueKind::Cap => convert_cap(&fields, currency).map(Value::Cap),
        ValueKind::Days => fields.unsigned("days").map(Value::Days),
        ValueKind::Count => fields.unsigned("count").map(Value::Count),
        ValueKind::Frequency => convert_frequency(&fields),
        ValueKind::Hours => convert_hours(&fields).map(Value::Hours),
        ValueKind::Flag => {
            let field = fields.required("flag")?;
            field
                .get_ref()
                .as_bool()
                .map(Value::Flag)
                .ok_or_else(|| fields.fail(field, "flag", "true or false"))
        }
        ValueKind::Percent => {
            let field = fields.required("percent")?;
            let text = fields.text("percent")?;
            percent_to_bp(&text).map(Value::Percent).ok_or_else(|| {
                fields.fail(
                    field,
                    "percent",
                    "a percentage with at most two decimals, e.g. \"11.5\"",
                )
            })
        }
        ValueKind::Limitation => convert_limitation(&fields),
        ValueKind::Items => fields.texts("items").map(Value::Items),
        ValueKind::Advice => Ok(Value::Advice {
            body: fields.text("body")?,
            url: fields.text("url")?,
        }),
        ValueKind::Holds => convert_holds(&fields).map(Value::Holds),
        ValueKind::FewInstalments => {
            let count = fields.unsigned("count")?;
            let amount_minor = money_field(&fields, "amount", currency)?;
            Ok(Value::FewInstalments {
                count,
                amount_minor,
            })
        }
        ValueKind::ContractualInterest => convert_contractual(&fields),
        ValueKind::Factors => convert_factors(&fields).map(Value::Factors),
    }
}

/// `factors = [{ factor = "0.5" }, { factor = "0.9", when = "further_demand" }]`: the first
/// step has no condition, each later one has one.
fn convert_factors(fields: &ValueFields<'_>) -> Result<Vec<FactorStep>, PackError> {
    let field = fields.required("factors")?;
    let raw: Vec<RawFactor> =
        field
            .get_ref()
            .clone()
            .try_into()
            .map_err(|error: toml::de::Error| {
                fields.fail(field, "factors", error.message().to_owned())
            })?;
    let mut steps = Vec::with_capacity(raw.len());
    for (index, step) in raw.iter().enumerate() {
        let factor_bp = factor_to_bp(&step.factor)
            .filter(|bp| *bp > 0)
            .ok_or_else(|| {
                fields.fail(
                    field,
                    "factors.factor",
                    "a positive multiple with at most four decimals, e.g. \"0.9\"",
                )
            })?;
        let when = match (step.when.as_deref(), step.days) {
            (None, None) if index == 0 => FactorWhen::Otherwise,
            (Some("further_demand"), None) if index > 0 => FactorWhen::FurtherDemand,
            (Some("demand_overdue"), Some(days)) if index > 0 => FactorWhen::DemandOverdue { days },
            _ => {
                return Err(fields.fail(
                    field,
                    "factors.when",
                    "the first step has no `when`; each later one has `when = \"further_demand\"` or `when = \"demand_overdue\"` with `days`",
                ));
            }
        };
        steps.push(FactorStep { factor_bp, when });
    }
    if steps.is_empty() {
        return Err(fields.fail(field, "factors", "at least one step"));
    }
    Ok(steps)
}

/// "0.9" → 9_000 (basis points of the cap: 10_000 is the cap itself).
fn factor_to_bp(text: &str) -> Option<u32> {
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() || fraction.len() > 4 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let fraction: u32 = format!("{fraction:0<4}").parse().ok()?;
    whole.checked_mul(10_000)?.checked_add(fraction)
}

fn convert_contractual(fields: &ValueFields<'_>) -> Result<Value, PackError> {
    let field = fields.required("mode")?;
    let mode = match fields.text("mode")?.as_str() {
        "if_higher" => ContractualMode::IfHigher,
        "as_agreed" => ContractualMode::AsAgreed,
        other => {
            return Err(fields.fail(
                field,
                "mode",
                format!("'{other}' is not if_higher or as_agreed"),
            ));
        }
    };
    let max_days_after_due = if fields.get("max_days_after_due").is_some() {
        Some(fields.unsigned("max_days_after_due")?)
    } else {
        None
    };
    Ok(Value::ContractualInterest {
        mode,
        max_days_after_due,
    })
}

/// "11.5" → 1150 basis points.
pub(super) fn percent_to_bp(text: &str) -> Option<u32> {
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() || fraction.len() > 2 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let fraction: u32 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(fraction)
}

/// An amount in the pack's currency; the house pack has none and may only write "0".
fn parse_amount(text: &str, currency: Option<Currency>) -> Option<i64> {
    match currency {
        Some(currency) => Money::parse_major(text.trim(), currency)
            .ok()
            .map(|money| money.amount_minor()),
        None => (text.trim().trim_end_matches(".00").trim_end_matches(".0") == "0").then_some(0),
    }
}

fn money_field(
    fields: &ValueFields<'_>,
    name: &str,
    currency: Option<Currency>,
) -> Result<i64, PackError> {
    let field = fields.required(name)?;
    let text = fields.text(name)?;
    parse_amount(&text, currency).ok_or_else(|| amount_error(fields, field, name, currency))
}

fn amount_error(
    fields: &ValueFields<'_>,
    field: &Spanned<toml::Value>,
    name: &str,
    currency: Option<Currency>,
) -> PackError {
    let message = match currency {
        Some(currency) => {
            format!("an amount in {currency} written as a quoted decimal, e.g. \"14.00\"")
        }
        None => {
            "the house pack has no currency: amounts may only be \"0\"; use percentages".to_owned()
        }
    };
    fields.fail(field, name, message)
}

fn convert_cap(fields: &ValueFields<'_>, currency: Option<Currency>) -> Result<Cap, PackError> {
    if fields.get("amount").is_some() {
        return Ok(Cap::Amount {
            amount_minor: money_field(fields, "amount", currency)?,
        });
    }
    if let Some(field) = fields.get("brackets") {
        let raw: Vec<RawBracket> =
            field
                .get_ref()
                .clone()
                .try_into()
                .map_err(|error: toml::de::Error| {
                    fields.fail(field, "brackets", error.message().to_owned())
                })?;
        let brackets = raw
            .iter()
            .map(|bracket| {
                let up_to_minor = bracket
                    .up_to
                    .as_deref()
                    .map(|text| parse_amount(text, currency))
                    .map(|v| v.ok_or(()));
                let up_to_minor = up_to_minor
                    .transpose()
                    .map_err(|()| amount_error(fields, field, "brackets.up_to", currency))?;
                let amount_minor = parse_amount(&bracket.amount, currency)
                    .ok_or_else(|| amount_error(fields, field, "brackets.amount", currency))?;
                let plus_bp = match bracket.plus_percent.as_deref() {
                    None => 0,
                    Some(text) => percent_to_bp(text).ok_or_else(|| {
                        fields.fail(field, "brackets.plus_percent", "a percentage, e.g. \"1\"")
                    })?,
                };
                Ok(Bracket {
                    up_to_minor,
                    amount_minor,
                    plus_bp,
                })
            })
            .collect::<Result<Vec<_>, PackError>>()?;
        check_ascending(
            brackets.iter().map(|b| b.up_to_minor),
            fields,
            field,
            "brackets",
        )?;
        return Ok(Cap::Brackets(brackets));
    }
    if let Some(field) = fields.get("tiers") {
        return convert_tiers(fields, field, currency);
    }
    Err(fields.required("amount").err().unwrap_or_else(|| {
        fields
            .lines
            .error(0, "amount", "a cap needs amount, brackets or tiers")
    }))
}

fn convert_tiers(
    fields: &ValueFields<'_>,
    field: &Spanned<toml::Value>,
    currency: Option<Currency>,
) -> Result<Cap, PackError> {
    let raw: Vec<RawTier> =
        field
            .get_ref()
            .clone()
            .try_into()
            .map_err(|error: toml::de::Error| {
                fields.fail(field, "tiers", error.message().to_owned())
            })?;
    let tiers = raw
        .iter()
        .map(|tier| {
            let up_to_minor = match tier.up_to.as_deref() {
                Some(text) => Some(
                    parse_amount(text, currency)
                        .ok_or_else(|| amount_error(fields, field, "tiers.up_to", currency))?,
                ),
                None => None,
            };
            let rate_bp = percent_to_bp(&tier.percent)
                .ok_or_else(|| fields.fail(field, "tiers.percent", "a percentage, e.g. \"15\""))?;
            Ok(Tier {
                up_to_minor,
                rate_bp,
            })
        })
        .collect::<Result<Vec<_>, PackError>>()?;
    check_ascending(tiers.iter().map(|t| t.up_to_minor), fields, field, "tiers")?;
    let minimum_minor = if fields.get("minimum").is_some() {
        money_field(fields, "minimum", currency)?
    } else {
        0
    };
    let maximum_minor = if fields.get("maximum").is_some() {
        Some(money_field(fields, "maximum", currency)?)
    } else {
        None
    };
    Ok(Cap::Tiers {
        tiers,
        minimum_minor,
        maximum_minor,
    })
}

/// Bracket tops must rise, and only the last may be open.
fn check_ascending(
    tops: impl Iterator<Item = Option<i64>>,
    fields: &ValueFields<'_>,
    field: &Spanned<toml::Value>,
    name: &str,
) -> Result<(), PackError> {
    let tops: Vec<Option<i64>> = tops.collect();
    let open_last = tops.last().is_some_and(Option::is_none);
    let closed: Vec<i64> = tops.iter().filter_map(|top| *top).collect();
    let rising = closed.windows(2).all(|pair| pair[0] < pair[1]);
    if tops.is_empty() || !open_last || closed.len() + 1 != tops.len() || !rising {
        return Err(fields.fail(
            field,
            name,
            "tops (up_to) must rise, and only the last entry has no up_to",
        ));
    }
    Ok(())
}

fn convert_frequency(fields: &ValueFields<'_>) -> Result<Value, PackError> {
    let count = fields.unsigned("count")?;
    // A cap of no contact at all would leave no time to move a contact to; a channel that
    // must not be used is refused with `contact.respect_refusals` or a hold instead.
    if count == 0 {
        let field = fields.required("count")?;
        return Err(fields.fail(field, "count", "at least one contact"));
    }
    let window_days = fields.unsigned("window_days")?;
    if window_days == 0 {
        let field = fields.required("window_days")?;
        return Err(fields.fail(field, "window_days", "at least one day"));
    }
    let channels = match fields.get("channels") {
        None => Channel::ALL.to_vec(),
        Some(field) => fields
            .texts("channels")?
            .iter()
            .map(|name| {
                Channel::ALL
                    .into_iter()
                    .find(|c| c.as_str() == name)
                    .ok_or_else(|| {
                        fields.fail(field, "channels", format!("unknown channel '{name}'"))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(Value::Frequency {
        count,
        window_days,
        channels,
    })
}

const DAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn convert_hours(fields: &ValueFields<'_>) -> Result<WeeklyHours, PackError> {
    let field = fields.required("hours")?;
    let table = field.get_ref().as_table().ok_or_else(|| {
        fields.fail(
            field,
            "hours",
            "a table of days, e.g. { weekdays = \"08:00-20:00\", sunday = \"closed\" }",
        )
    })?;
    let mut week: [Option<Option<(NaiveTime, NaiveTime)>>; 7] = [None; 7];
    for (key, value) in table {
        let days: Vec<usize> = match key.as_str() {
            "weekdays" => (0..5).collect(),
            "weekend" => vec![5, 6],
            name => match DAY_NAMES.iter().position(|day| *day == name) {
                Some(index) => vec![index],
                None => {
                    return Err(fields.fail(
                        field,
                        "hours",
                        format!("'{name}' is not a day (monday…sunday, weekdays, weekend)"),
                    ));
                }
            },
        };
        let window = value.as_str().and_then(parse_window).ok_or_else(|| {
            fields.fail(
                field,
                "hours",
                format!("{key}: write \"HH:MM-HH:MM\" or \"closed\""),
            )
        })?;
        for day in days {
            week[day] = Some(window);
        }
    }
    if let Some(missing) = week.iter().position(Option::is_none) {
        return Err(fields.fail(
            field,
            "hours",
            format!("{} is not given", DAY_NAMES[missing]),
        ));
    }
    Ok(WeeklyHours(week.map(Option::flatten)))
}

/// "08:00-20:00" → Some(Some((08:00, 20:00))); "closed" → Some(None).
fn parse_window(text: &str) -> Option<Option<(NaiveTime, NaiveTime)>> {
    if text.trim() == "closed" {
        return Some(None);
    }
    let (start, end) = text.split_once('-')?;
    let start = NaiveTime::parse_from_str(start.trim(), "%H:%M").ok()?;
    let end = NaiveTime::parse_from_str(end.trim(), "%H:%M").ok()?;
    (start < end).then_some(Some((start, end)))
}

fn convert_limitation(fields: &ValueFields<'_>) -> Result<Value, PackError> {
    let years = fields.unsigned("years")?;
    let from = match fields.get("from") {
        None => LimitationStart::DueDate,
        Some(field) => match fields.text("from")?.as_str() {
            "due_date" => LimitationStart::DueDate,
            "end_of_year" => LimitationStart::EndOfYear,
            "arose_on" => LimitationStart::AroseOn,
            other => {
                return Err(fields.fail(
                    field,
                    "from",
                    format!("'{other}' is not due_date, end_of_year or arose_on"),
                ));
            }
        },
    };
    let final_years = if fields.get("final_years").is_some() {
        Some(fields.unsigned("final_years")?)
    } else {
        None
    };
    Ok(Value::Limitation {
        years,
        from,
        final_years,
    })
}

fn convert_holds(fields: &ValueFields<'_>) -> Result<Vec<HoldKind>, PackError> {
    let field = fields.required("holds")?;
    fields
        .texts("holds")?
        .iter()
        .map(|name| {
            let known: Result<HoldKind, _> =
                serde_json::from_value(serde_json::Value::String(name.clone()));
            known.map_err(|_| fields.fail(field, "holds", format!("unknown hold '{name}'")))
        })
        .collect()
}
