//! Reading one strategy file. Every error names the file, the line and the field; unknown
//! keys are errors (`deny_unknown_fields`), so a misspelt field never silently does nothing.

use std::collections::{BTreeMap, HashSet};

use reilu_core::{Currency, CustomerKind, Markets};
use reilu_rules::model::{Channel, ContactPurpose, FeeKind};
use serde::Deserialize;
use toml::Spanned;

use crate::StrategyError;
use crate::model::{
    FeeBand, FeeProposal, Segment, Step, StepKind, Strategy, TreatmentPath, Variant,
};
use crate::segments;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    strategy: Spanned<RawHeader>,
    #[serde(default)]
    variant: Vec<Spanned<RawVariant>>,
    #[serde(default)]
    path: Vec<Spanned<RawPath>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Spanned<String>,
    market: Spanned<String>,
    title: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariant {
    name: Spanned<String>,
    share: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPath {
    id: Spanned<String>,
    #[serde(default)]
    customer: Option<Spanned<String>>,
    #[serde(default)]
    principal_from_minor: Option<Spanned<i64>>,
    #[serde(default)]
    principal_to_minor: Option<Spanned<i64>>,
    #[serde(default)]
    age_from_days: Option<Spanned<i64>>,
    #[serde(default)]
    age_to_days: Option<Spanned<i64>>,
    #[serde(default)]
    vulnerable: Option<bool>,
    #[serde(default)]
    has_plan: Option<bool>,
    #[serde(default)]
    step: Vec<Spanned<RawStep>>,
    #[serde(default)]
    variant: Vec<Spanned<RawPathVariant>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: Spanned<String>,
    kind: Spanned<String>,
    after_days: Spanned<u32>,
    #[serde(default)]
    channel: Option<Spanned<String>>,
    template: Spanned<String>,
    purpose: Spanned<String>,
    #[serde(default)]
    fee: Option<Spanned<RawFee>>,
    send_hour: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFee {
    kind: Spanned<String>,
    amount_minor: BTreeMap<String, Spanned<RawAmount>>,
}

/// One amount for every claim, or amounts by the claim's principal.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawAmount {
    Flat(i64),
    Bands(Vec<RawBand>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    #[serde(default)]
    up_to_principal_minor: Option<i64>,
    amount: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPathVariant {
    name: Spanned<String>,
    /// A whole list of the variant's own steps, replacing the path's.
    #[serde(default)]
    step: Option<Vec<Spanned<RawStep>>>,
    /// Changes to some of the path's steps.
    #[serde(default, rename = "override")]
    overrides: Vec<Spanned<RawOverride>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    step: Spanned<String>,
    #[serde(default)]
    after_days: Option<Spanned<u32>>,
    #[serde(default)]
    channel: Option<Spanned<String>>,
    #[serde(default)]
    template: Option<Spanned<String>>,
    #[serde(default)]
    send_hour: Option<Spanned<u32>>,
    #[serde(default)]
    fee: Option<Spanned<RawFee>>,
}

/// Turns byte offsets into line numbers and builds errors.
pub(crate) struct Lines<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

impl Lines<'_> {
    pub fn line_of(&self, offset: usize) -> usize {
        self.text
            .get(..offset)
            .map_or(1, |before| before.matches('\n').count() + 1)
    }

    pub fn error(&self, offset: usize, field: &str, message: impl Into<String>) -> StrategyError {
        StrategyError {
            file: self.file.to_owned(),
            line: self.line_of(offset),
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Parses and checks one file: its own consistency (kinds, channels, fees, variants, the
/// segments' coverage); the law's timing is checked by `law::check` once the set is known.
pub(crate) fn parse_strategy(
    file: &str,
    text: &str,
    markets: &Markets,
) -> Result<Strategy, StrategyError> {
    let lines = Lines { file, text };
    let raw: RawFile = toml::from_str(text).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        lines.error(offset, "(syntax)", error.message().to_owned())
    })?;
    let header = raw.strategy.get_ref();
    let (market, currency) = match header.market.get_ref().as_str() {
        "house" => (None, None),
        code => {
            let found = markets.get(code).map_err(|error| {
                lines.error(
                    header.market.span().start,
                    "strategy.market",
                    error.to_string(),
                )
            })?;
            (Some(found.code), Some(found.currency))
        }
    };
    let id = header.id.get_ref().trim().to_owned();
    if id.is_empty() {
        return Err(lines.error(header.id.span().start, "strategy.id", "is empty"));
    }
    let variants = convert_variants(&raw.variant, &lines, raw.strategy.span().start)?;
    let names: HashSet<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    let context = Context {
        lines: &lines,
        currency,
        variants: &names,
    };
    let mut paths = Vec::with_capacity(raw.path.len());
    let mut path_ids = HashSet::new();
    for raw_path in &raw.path {
        let path = convert_path(raw_path, &context)?;
        if !path_ids.insert(path.id.clone()) {
            let offset = raw_path.get_ref().id.span().start;
            return Err(lines.error(
                offset,
                "path.id",
                format!("the path id `{}` is used twice", path.id),
            ));
        }
        paths.push(path);
    }
    let strategy = Strategy {
        id,
        market,
        title: header.title.clone(),
        variants,
        paths,
        file: file.to_owned(),
        line: lines.line_of(raw.strategy.span().start),
    };
    segments::check_coverage(&strategy)?;
    Ok(strategy)
}

struct Context<'a> {
    lines: &'a Lines<'a>,
    /// The market's currency; None for the house file, whose fees may name any currency.
    currency: Option<Currency>,
    variants: &'a HashSet<&'a str>,
}

fn convert_variants(
    raw: &[Spanned<RawVariant>],
    lines: &Lines<'_>,
    header_offset: usize,
) -> Result<Vec<Variant>, StrategyError> {
    let mut variants: Vec<Variant> = Vec::with_capacity(raw.len());
    for spanned in raw {
        let variant = spanned.get_ref();
        let name = variant.name.get_ref().trim().to_owned();
        if name.is_empty() || variants.iter().any(|v| v.name == name) {
            let message = format!("the variant name `{name}` is empty or used twice");
            return Err(lines.error(variant.name.span().start, "variant.name", message));
        }
        let share = *variant.share.get_ref();
        if share == 0 {
            return Err(lines.error(
                variant.share.span().start,
                "variant.share",
                "a share of 0 % assigns no case",
            ));
        }
        variants.push(Variant {
            name,
            share_percent: share,
        });
    }
    let total: u32 = variants.iter().map(|v| v.share_percent).sum();
    if !variants.is_empty() && total != 100 {
        let offset = raw
            .first()
            .map_or(header_offset, |first| first.span().start);
        let message = format!("the variants' shares add up to {total} %, not 100 %");
        return Err(lines.error(offset, "variant.share", message));
    }
    Ok(variants)
}

fn convert_path(
    raw: &Spanned<RawPath>,
    context: &Context<'_>,
) -> Result<TreatmentPath, StrategyError> {
    let lines = context.lines;
    let path = raw.get_ref();
    let id = path.id.get_ref().trim().to_owned();
    if id.is_empty() {
        return Err(lines.error(path.id.span().start, "path.id", "is empty"));
    }
    let segment = convert_segment(path, lines)?;
    let field = format!("path[{id}].step");
    let steps = convert_steps(&path.step, context, &field, raw.span().start)?;
    let mut variant_steps = BTreeMap::new();
    for spanned in &path.variant {
        let variant = spanned.get_ref();
        let name = variant.name.get_ref().as_str();
        if !context.variants.contains(name) {
            let message = format!("`{name}` is not one of the strategy's [[variant]] names");
            return Err(lines.error(
                variant.name.span().start,
                &format!("path[{id}].variant.name"),
                message,
            ));
        }
        let own = match &variant.step {
            Some(list) => {
                let field = format!("path[{id}].variant[{name}].step");
                convert_steps(list, context, &field, spanned.span().start)?
            }
            None => steps.clone(),
        };
        let own = apply_overrides(
            own,
            &variant.overrides,
            context,
            &format!("path[{id}].variant[{name}]"),
        )?;
        if variant_steps.insert(name.to_owned(), own).is_some() {
            return Err(lines.error(
                variant.name.span().start,
                &format!("path[{id}].variant.name"),
                format!("the variant `{name}` is given twice"),
            ));
        }
    }
    Ok(TreatmentPath {
        id,
        segment,
        steps,
        variant_steps,
        line: lines.line_of(raw.span().start),
    })
}

fn convert_segment(path: &RawPath, lines: &Lines<'_>) -> Result<Segment, StrategyError> {
    let customer = match &path.customer {
        None => None,
        Some(text) if text.get_ref() == "any" => None,
        Some(text) => Some(CustomerKind::parse(text.get_ref()).ok_or_else(|| {
            lines.error(
                text.span().start,
                "path.customer",
                format!("`{}` is not consumer, business or any", text.get_ref()),
            )
        })?),
    };
    let bound = |value: &Option<Spanned<i64>>, field: &str| -> Result<Option<i64>, StrategyError> {
        match value {
            Some(spanned) if *spanned.get_ref() < 0 => {
                Err(lines.error(spanned.span().start, field, "may not be negative"))
            }
            Some(spanned) => Ok(Some(*spanned.get_ref())),
            None => Ok(None),
        }
    };
    let segment = Segment {
        customer,
        principal_from_minor: bound(&path.principal_from_minor, "path.principal_from_minor")?
            .unwrap_or(0),
        principal_to_minor: bound(&path.principal_to_minor, "path.principal_to_minor")?,
        age_from_days: bound(&path.age_from_days, "path.age_from_days")?.unwrap_or(0),
        age_to_days: bound(&path.age_to_days, "path.age_to_days")?,
        vulnerable: path.vulnerable,
        has_plan: path.has_plan,
    };
    let empty = |from: i64, to: Option<i64>| to.is_some_and(|to| to < from);
    if empty(segment.principal_from_minor, segment.principal_to_minor)
        || empty(segment.age_from_days, segment.age_to_days)
    {
        return Err(lines.error(
            path.id.span().start,
            "path",
            "a range ends before it starts",
        ));
    }
    Ok(segment)
}

fn convert_steps(
    raw: &[Spanned<RawStep>],
    context: &Context<'_>,
    field: &str,
    offset: usize,
) -> Result<Vec<Step>, StrategyError> {
    if raw.is_empty() {
        return Err(context
            .lines
            .error(offset, field, "a path needs at least one step"));
    }
    let mut steps: Vec<Step> = Vec::with_capacity(raw.len());
    for spanned in raw {
        let step = convert_step(spanned, context, field)?;
        if steps.iter().any(|other| other.id == step.id) {
            let offset = spanned.get_ref().id.span().start;
            return Err(context.lines.error(
                offset,
                &format!("{field}.id"),
                format!("the step id `{}` is used twice in the path", step.id),
            ));
        }
        steps.push(step);
    }
    Ok(steps)
}

fn convert_step(
    raw: &Spanned<RawStep>,
    context: &Context<'_>,
    field: &str,
) -> Result<Step, StrategyError> {
    let lines = context.lines;
    let step = raw.get_ref();
    let id = step.id.get_ref().trim().to_owned();
    if id.is_empty() {
        return Err(lines.error(step.id.span().start, &format!("{field}.id"), "is empty"));
    }
    let field = format!("{field}[{id}]");
    let kind = StepKind::parse(step.kind.get_ref()).ok_or_else(|| {
        let known: Vec<&str> = StepKind::ALL.iter().map(|k| k.as_str()).collect();
        lines.error(
            step.kind.span().start,
            &format!("{field}.kind"),
            format!(
                "`{}` is not a step kind ({})",
                step.kind.get_ref(),
                known.join(", ")
            ),
        )
    })?;
    let purpose = match step.purpose.get_ref().as_str() {
        "payment" => ContactPurpose::Payment,
        "service" => ContactPurpose::Service,
        other => {
            return Err(lines.error(
                step.purpose.span().start,
                &format!("{field}.purpose"),
                format!("`{other}` is not payment or service"),
            ));
        }
    };
    let template = step.template.get_ref().trim().to_owned();
    if template.is_empty() {
        return Err(lines.error(
            step.template.span().start,
            &format!("{field}.template"),
            "is empty",
        ));
    }
    let fee = step
        .fee
        .as_ref()
        .map(|fee| convert_fee(fee, context, &field))
        .transpose()?;
    if fee.is_some() && purpose == ContactPurpose::Service {
        return Err(lines.error(
            step.purpose.span().start,
            &format!("{field}.fee"),
            "a service contact charges no fee",
        ));
    }
    let converted = Step {
        id,
        kind,
        after_days: *step.after_days.get_ref(),
        channel: step
            .channel
            .as_ref()
            .map(|c| parse_channel(c, lines, &field))
            .transpose()?,
        template,
        purpose,
        fee,
        send_hour: check_hour(&step.send_hour, lines, &field)?,
        line: lines.line_of(raw.span().start),
    };
    check_channel(&converted, lines, raw.span().start, &field)?;
    Ok(converted)
}

fn check_hour(hour: &Spanned<u32>, lines: &Lines<'_>, field: &str) -> Result<u32, StrategyError> {
    let value = *hour.get_ref();
    if value > 23 {
        return Err(lines.error(
            hour.span().start,
            &format!("{field}.send_hour"),
            format!("{value} is not an hour 0–23"),
        ));
    }
    Ok(value)
}

fn parse_channel(
    text: &Spanned<String>,
    lines: &Lines<'_>,
    field: &str,
) -> Result<Channel, StrategyError> {
    Channel::parse(text.get_ref()).ok_or_else(|| {
        lines.error(
            text.span().start,
            &format!("{field}.channel"),
            format!(
                "`{}` is not a channel (letter, email, sms, phone, visit)",
                text.get_ref()
            ),
        )
    })
}

/// A legal review has no channel; every other step has one, and an SMS, e-mail or call step
/// goes on its own channel.
fn check_channel(
    step: &Step,
    lines: &Lines<'_>,
    offset: usize,
    field: &str,
) -> Result<(), StrategyError> {
    let field = format!("{field}.channel");
    match (step.kind, step.channel) {
        (StepKind::LegalReview, None) => Ok(()),
        (StepKind::LegalReview, Some(_)) => Err(lines.error(
            offset,
            &field,
            "a legal review contacts nobody: give it no channel",
        )),
        (_, None) => Err(lines.error(offset, &field, "is missing")),
        (kind, Some(channel)) => match kind.fixed_channel() {
            Some(fixed) if fixed != channel => Err(lines.error(
                offset,
                &field,
                format!(
                    "a {} step goes by {}, not {}",
                    kind.as_str(),
                    fixed.as_str(),
                    channel.as_str()
                ),
            )),
            _ => Ok(()),
        },
    }
}

fn convert_fee(
    raw: &Spanned<RawFee>,
    context: &Context<'_>,
    field: &str,
) -> Result<FeeProposal, StrategyError> {
    let lines = context.lines;
    let fee = raw.get_ref();
    let field = format!("{field}.fee");
    let kind = FeeKind::parse(fee.kind.get_ref()).ok_or_else(|| {
        let known: Vec<&str> = FeeKind::ALL.iter().map(|k| k.as_str()).collect();
        lines.error(
            fee.kind.span().start,
            &format!("{field}.kind"),
            format!(
                "`{}` is not a fee kind ({})",
                fee.kind.get_ref(),
                known.join(", ")
            ),
        )
    })?;
    let mut amounts_minor = BTreeMap::new();
    for (code, amount) in &fee.amount_minor {
        let currency = Currency::parse(code).map_err(|error| {
            lines.error(
                amount.span().start,
                &format!("{field}.amount_minor"),
                error.to_string(),
            )
        })?;
        let bands = convert_bands(amount, lines, &format!("{field}.amount_minor.{code}"))?;
        if context.currency.is_some_and(|own| own != currency) {
            return Err(lines.error(
                amount.span().start,
                &format!("{field}.amount_minor.{code}"),
                "not the market's currency",
            ));
        }
        amounts_minor.insert(currency.code().to_owned(), bands);
    }
    if let Some(own) = context.currency
        && !amounts_minor.contains_key(own.code())
    {
        return Err(lines.error(
            raw.span().start,
            &format!("{field}.amount_minor"),
            format!("no amount in {}, the market's currency", own.code()),
        ));
    }
    Ok(FeeProposal {
        kind,
        amounts_minor,
    })
}

/// A flat amount, or bands with ascending tops of which only the last has none; every
/// amount more than nothing.
fn convert_bands(
    raw: &Spanned<RawAmount>,
    lines: &Lines<'_>,
    field: &str,
) -> Result<Vec<FeeBand>, StrategyError> {
    let error = |message: &str| lines.error(raw.span().start, field, message);
    let bands: Vec<FeeBand> = match raw.get_ref() {
        RawAmount::Flat(amount_minor) => vec![FeeBand {
            up_to_principal_minor: None,
            amount_minor: *amount_minor,
        }],
        RawAmount::Bands(list) => list
            .iter()
            .map(|band| FeeBand {
                up_to_principal_minor: band.up_to_principal_minor,
                amount_minor: band.amount,
            })
            .collect(),
    };
    if bands.iter().any(|band| band.amount_minor <= 0) {
        return Err(error("a fee is more than nothing"));
    }
    let (last, rest) = bands.split_last().ok_or_else(|| error("no amount given"))?;
    if last.up_to_principal_minor.is_some()
        || rest.iter().any(|band| band.up_to_principal_minor.is_none())
    {
        return Err(error(
            "only the last band, and it always, has no `up_to_principal_minor`",
        ));
    }
    let tops: Vec<i64> = rest
        .iter()
        .filter_map(|band| band.up_to_principal_minor)
        .collect();
    if tops.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(error("the bands' tops must rise"));
    }
    Ok(bands)
}

fn apply_overrides(
    mut steps: Vec<Step>,
    overrides: &[Spanned<RawOverride>],
    context: &Context<'_>,
    field: &str,
) -> Result<Vec<Step>, StrategyError> {
    let lines = context.lines;
    for spanned in overrides {
        let change = spanned.get_ref();
        let name = change.step.get_ref();
        let field = format!("{field}.override[{name}]");
        let Some(step) = steps.iter_mut().find(|step| &step.id == name) else {
            return Err(lines.error(
                change.step.span().start,
                &format!("{field}.step"),
                format!("the path has no step `{name}`"),
            ));
        };
        if let Some(days) = &change.after_days {
            step.after_days = *days.get_ref();
        }
        if let Some(channel) = &change.channel {
            step.channel = Some(parse_channel(channel, lines, &field)?);
        }
        if let Some(template) = &change.template {
            step.template = template.get_ref().trim().to_owned();
        }
        if let Some(hour) = &change.send_hour {
            step.send_hour = check_hour(hour, lines, &field)?;
        }
        if let Some(fee) = &change.fee {
            step.fee = Some(convert_fee(fee, context, &field)?);
        }
        // The overriding line is where a mistake in the changed step is to be fixed.
        step.line = lines.line_of(spanned.span().start);
        check_channel(step, lines, spanned.span().start, &field)?;
    }
    Ok(steps)
}
