//! The claim's terms the gate's law depends on: when the debt arose, whether a reminder fee
//! was agreed, and (United Kingdom) whose law applies. All three are optional: a claim
//! without them is placed, and the gate reads its absence the way that protects the customer.

use chrono::NaiveDate;
use reilu_core::Market;

use super::{Checker, shorten};

/// The only market whose law differs between its parts (limitation: Scotland 5 years, England,
/// Wales and Northern Ireland 6).
const MARKET_WITH_JURISDICTIONS: &str = "GB";
/// ISO 3166-2 codes of the United Kingdom's parts, as the GB rule pack names them.
const GB_JURISDICTIONS: [&str; 4] = ["GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR"];
/// Postcode areas wholly in Scotland. TD (Galashiels) is left out: it reaches into England
/// (Berwick-upon-Tweed, TD15), so its customers' jurisdiction stays unknown.
const SCOTTISH_POSTCODE_AREAS: [&str; 15] = [
    "AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "ZE",
];
/// Every Northern Irish postcode is in the BT area, and no other.
const NORTHERN_IRISH_POSTCODE_AREA: &str = "BT";

/// The three terms of one claim, validated.
pub(super) struct ClaimTerms {
    pub arose_on: Option<NaiveDate>,
    pub reminder_fee_agreed: Option<bool>,
    pub jurisdiction: Option<String>,
}

/// Reads the three terms; None after an error (recorded in `check`).
pub(super) fn terms(
    check: &mut Checker<'_>,
    market: Option<&Market>,
    today: NaiveDate,
) -> Option<ClaimTerms> {
    let arose_on = arose_on(check, today);
    let reminder_fee_agreed = reminder_fee_agreed(check);
    let jurisdiction = market.and_then(|market| jurisdiction(check, market));
    Some(ClaimTerms {
        arose_on: arose_on?,
        reminder_fee_agreed: reminder_fee_agreed?,
        jurisdiction: jurisdiction?,
    })
}

/// Some(None) when not given. A debt arises before it falls due, and not in the future; it
/// may arise long before the invoice (a contract) or after it (a service invoiced ahead).
fn arose_on(check: &mut Checker<'_>, today: NaiveDate) -> Option<Option<NaiveDate>> {
    let Some(text) = check.text("arose_on").map(str::to_owned) else {
        return Some(None);
    };
    let arose_on = check.parse_date("arose_on", &text)?;
    if arose_on > today {
        check.fail("arose_on", format!("{arose_on} is in the future"));
        return None;
    }
    // The due date's own errors are reported under its column; compare only with one that reads.
    let due = check
        .text("due_date")
        .and_then(|due| NaiveDate::parse_from_str(due, "%Y-%m-%d").ok());
    if let Some(due) = due
        && arose_on > due
    {
        check.fail(
            "arose_on",
            format!("{arose_on} is after the due date {due}: a debt arises before it falls due"),
        );
        return None;
    }
    Some(Some(arose_on))
}

/// `true`/`yes` or `false`/`no`, in any case; Some(None) when not given (read as not agreed).
fn reminder_fee_agreed(check: &mut Checker<'_>) -> Option<Option<bool>> {
    let Some(text) = check.text("reminder_fee_agreed").map(str::to_owned) else {
        return Some(None);
    };
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" => Some(Some(true)),
        "false" | "no" => Some(Some(false)),
        _ => {
            let reason = format!(
                "'{}' is neither true nor false (yes and no are read too)",
                shorten(&text)
            );
            check.fail("reminder_fee_agreed", reason);
            None
        }
    }
}

/// GB only: the code given (any case, stored in upper case), else the one the customer's UK
/// postcode shows, else unknown (the gate then applies the shortest period of the parts).
/// Another market's claim with a jurisdiction is refused: its law is the same throughout.
fn jurisdiction(check: &mut Checker<'_>, market: &Market) -> Option<Option<String>> {
    let given = check.text("jurisdiction").map(str::to_ascii_uppercase);
    if market.code.as_str() != MARKET_WITH_JURISDICTIONS {
        if given.is_some() {
            let reason = format!(
                "only United Kingdom (GB) claims name a jurisdiction; {} law is the same throughout the market",
                market.code
            );
            check.fail("jurisdiction", reason);
            return None;
        }
        return Some(None);
    }
    if let Some(code) = given {
        if GB_JURISDICTIONS.contains(&code.as_str()) {
            return Some(Some(code));
        }
        let reason = format!(
            "'{}' is not one of {} (ISO 3166-2)",
            shorten(&code),
            GB_JURISDICTIONS.join(", ")
        );
        check.fail("jurisdiction", reason);
        return None;
    }
    // A customer living abroad: the postcode says nothing about which UK law the claim is under.
    let country = check
        .text("customer_country")
        .map_or_else(|| market.code.as_str().to_owned(), str::to_ascii_uppercase);
    if country != MARKET_WITH_JURISDICTIONS {
        return Some(None);
    }
    let derived = check
        .text("customer_postcode")
        .and_then(jurisdiction_from_postcode);
    Some(derived.map(str::to_owned))
}

/// The UK jurisdiction a postcode is unambiguously in: `GB-NIR` for the BT area, `GB-SCT` for
/// the areas wholly in Scotland; None for every other postcode (England and Wales share
/// areas, TD straddles the Scottish border) and for text that is not a UK postcode's start.
pub fn jurisdiction_from_postcode(postcode: &str) -> Option<&'static str> {
    let postcode = postcode.trim().to_ascii_uppercase();
    // The area is the postcode's leading letters (one or two), followed by the district digit.
    let letters = postcode.bytes().take_while(u8::is_ascii_alphabetic).count();
    let area = postcode.get(..letters)?;
    let district_starts_with_digit = postcode
        .as_bytes()
        .get(letters)
        .is_some_and(u8::is_ascii_digit);
    if !(1..=2).contains(&letters) || !district_starts_with_digit {
        return None;
    }
    if area == NORTHERN_IRISH_POSTCODE_AREA {
        Some("GB-NIR")
    } else if SCOTTISH_POSTCODE_AREAS.contains(&area) {
        Some("GB-SCT")
    } else {
        None
    }
}
