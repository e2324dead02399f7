//! Scenarios for `reilu rules explain`: one proposal for a described case, as JSON. The
//! format is documented with examples in `rules/README.md`.

use reilu_core::{Markets, Money};
use serde::Deserialize;
use serde_json::Value as Json;

use crate::model::{Balances, CaseView, Context, Proposal};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("scenario: {0}")]
pub struct ScenarioError(pub String);

/// A parsed scenario, ready for the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub case: CaseView,
    pub proposal: Proposal,
    pub context: Context,
    /// The language to explain in, if the scenario names one.
    pub language: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    case: Json,
    proposal: Proposal,
    context: Context,
    #[serde(default)]
    language: Option<String>,
}

/// Parses a scenario. The case may leave out `time_zone` (the market's main zone is used)
/// and `balances` (the original principal, nothing else, is owed).
pub fn parse_scenario(text: &str, markets: &Markets) -> Result<Scenario, ScenarioError> {
    let raw: RawScenario =
        serde_json::from_str(text).map_err(|error| ScenarioError(error.to_string()))?;
    let mut case = raw.case;
    let Json::Object(fields) = &mut case else {
        return Err(ScenarioError("`case` must be an object".into()));
    };
    let market_code = fields
        .get("market")
        .and_then(Json::as_str)
        .ok_or_else(|| ScenarioError("`case.market` is required".into()))?;
    let market = markets
        .get(market_code)
        .map_err(|error| ScenarioError(error.to_string()))?;
    if !fields.contains_key("time_zone") {
        fields.insert(
            "time_zone".into(),
            Json::String(market.main_time_zone().name().to_owned()),
        );
    }
    if !fields.contains_key("balances") {
        let principal: Money = fields
            .get("original_principal")
            .cloned()
            .map(serde_json::from_value)
            .transpose()
            .map_err(|error| ScenarioError(format!("case.original_principal: {error}")))?
            .ok_or_else(|| ScenarioError("`case.original_principal` is required".into()))?;
        let zero = Money::zero(principal.currency());
        let balances = Balances {
            principal,
            interest: zero,
            collection_costs: zero,
            creditor_fees: zero,
        };
        fields.insert(
            "balances".into(),
            serde_json::to_value(balances).map_err(|error| ScenarioError(error.to_string()))?,
        );
    }
    let case: CaseView =
        serde_json::from_value(case).map_err(|error| ScenarioError(format!("case: {error}")))?;
    if case.original_principal.currency() != market.currency {
        return Err(ScenarioError(format!(
            "{} claims are in {}",
            market.code, market.currency
        )));
    }
    Ok(Scenario {
        case,
        proposal: raw.proposal,
        context: raw.context,
        language: raw.language,
    })
}
