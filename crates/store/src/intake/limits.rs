//! The limits of [`reilu_core::limits`] applied to a batch of claims, claim by claim in the
//! batch's order: a claim that would take its case or its client past a limit is refused,
//! and the claims after it are judged without it.

use std::collections::HashMap;

use reilu_core::limits::{
    CASE_OUTSTANDING_MAX_MINOR, CLAIM_AMOUNT_MAX_MINOR, CLIENT_OUTSTANDING_MAX_MINOR,
};
use reilu_core::{Currency, Money};

use crate::StoreResult;
use crate::models::NewClaim;

/// Why a claim is refused: the claim field it concerns and the reason.
pub(super) type Refusal = (&'static str, String);

/// The claims refused, by claim id. `case_of` names a claim's case (any key that is the
/// same for the claims of one case) and what that case owes already; `client_owed` is what
/// the client has outstanding per currency before the batch.
pub(super) fn judge<'c>(
    claims: &[&'c NewClaim],
    client_owed: &HashMap<String, i64>,
    case_of: impl Fn(&NewClaim) -> StoreResult<(String, i64)>,
) -> StoreResult<HashMap<&'c str, Refusal>> {
    let mut refused = HashMap::new();
    let mut case_totals: HashMap<String, i64> = HashMap::new();
    let mut client_totals: HashMap<&str, i64> = HashMap::new();
    for claim in claims {
        let (case_key, case_owed_minor) = case_of(claim)?;
        let case_before = case_totals
            .get(&case_key)
            .copied()
            .unwrap_or(case_owed_minor);
        let client_before = client_totals
            .get(claim.currency.as_str())
            .copied()
            .unwrap_or_else(|| client_owed.get(&claim.currency).copied().unwrap_or(0));
        match judge_one(claim, case_before, client_before) {
            Ok((case_after, client_after)) => {
                case_totals.insert(case_key, case_after);
                client_totals.insert(claim.currency.as_str(), client_after);
            }
            Err(refusal) => {
                refused.insert(claim.claim_id.as_str(), refusal);
            }
        }
    }
    Ok(refused)
}

/// What the claim's case and client owe once it is placed, or why it may not be.
fn judge_one(
    claim: &NewClaim,
    case_before: i64,
    client_before: i64,
) -> Result<(i64, i64), Refusal> {
    for (column, amount_minor) in [
        ("principal", claim.principal_minor),
        ("creditor_fees", claim.creditor_fees_minor),
    ] {
        if !(0..=CLAIM_AMOUNT_MAX_MINOR).contains(&amount_minor) {
            let reason = format!(
                "{} is more than one claim may carry ({})",
                money(amount_minor, &claim.currency),
                money(CLAIM_AMOUNT_MAX_MINOR, &claim.currency)
            );
            return Err((column, reason));
        }
    }
    // Both are at most the claim limit, so their sum fits.
    let amount_minor = claim.principal_minor + claim.creditor_fees_minor;
    let case_after = case_before
        .checked_add(amount_minor)
        .filter(|total| *total <= CASE_OUTSTANDING_MAX_MINOR);
    let Some(case_after) = case_after else {
        let reason = format!(
            "the customer's case owes {} already; with this claim it would owe more than a case may ({})",
            money(case_before, &claim.currency),
            money(CASE_OUTSTANDING_MAX_MINOR, &claim.currency)
        );
        return Err(("principal", reason));
    };
    let client_after = client_before
        .checked_add(amount_minor)
        .filter(|total| *total <= CLIENT_OUTSTANDING_MAX_MINOR);
    let Some(client_after) = client_after else {
        let reason = format!(
            "the client has {} outstanding already; with this claim it would have more than a client may ({})",
            money(client_before, &claim.currency),
            money(CLIENT_OUTSTANDING_MAX_MINOR, &claim.currency)
        );
        return Err(("principal", reason));
    };
    Ok((case_after, client_after))
}

/// An amount with its currency for a message (the bare number if the code is unknown).
fn money(amount_minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(currency) => Money::from_minor(amount_minor, currency).to_string(),
        Err(_) => format!("{amount_minor} minor units of {currency}"),
    }
}
