//! One claim as a client sends it (every field text), and its validation into a
//! [`ClaimDraft`]. The CSV file and the HTTP API both come through here, so a claim is judged
//! the same way whichever door it uses, and every problem of a row is reported at once.

use chrono::NaiveDate;
use reilu_core::{
    ClaimDraft, ClientClaimRef, CustomerDetails, CustomerKind, Email, InterestTerms, LanguageTag,
    Market, Markets, Money, Phone, PostalAddress, Secret,
};
use serde::{Deserialize, Serialize};

use reilu_core::limits::CLAIM_AMOUNT_MAX_MINOR;

use crate::national_id::{self, PartyKind};

mod terms;
mod text;

pub use terms::jurisdiction_from_postcode;
pub use text::{country_code_problem, refused_character};

/// The columns of the claim file, in the documented order. Required columns must be in the
/// header; optional ones may be left out.
pub const CLAIM_COLUMNS: [(&str, bool); 22] = [
    ("client_claim_ref", true),
    ("market", true),
    ("customer_type", true),
    ("customer_national_id", true),
    ("customer_name", true),
    ("customer_address_line1", true),
    ("customer_postcode", true),
    ("customer_city", true),
    ("customer_country", false),
    ("customer_email", false),
    ("customer_phone", false),
    ("customer_language", false),
    ("currency", true),
    ("principal", true),
    ("invoice_date", true),
    ("due_date", true),
    ("interest_rate_pct", false),
    ("creditor_fees", false),
    ("description", false),
    ("arose_on", false),
    ("reminder_fee_agreed", false),
    ("jurisdiction", false),
];

/// A claim as received: every field as text, absent and empty meaning the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawClaim {
    pub client_claim_ref: Option<String>,
    pub market: Option<String>,
    pub customer_type: Option<String>,
    pub customer_national_id: Option<String>,
    pub customer_name: Option<String>,
    pub customer_address_line1: Option<String>,
    pub customer_postcode: Option<String>,
    pub customer_city: Option<String>,
    pub customer_country: Option<String>,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub customer_language: Option<String>,
    pub currency: Option<String>,
    pub principal: Option<String>,
    pub invoice_date: Option<String>,
    pub due_date: Option<String>,
    pub interest_rate_pct: Option<String>,
    pub creditor_fees: Option<String>,
    pub description: Option<String>,
    pub arose_on: Option<String>,
    pub reminder_fee_agreed: Option<String>,
    pub jurisdiction: Option<String>,
}

impl RawClaim {
    /// Sets a field by its column name; false if no such column exists.
    pub fn set(&mut self, column: &str, value: String) -> bool {
        let slot = match column {
            "client_claim_ref" => &mut self.client_claim_ref,
            "market" => &mut self.market,
            "customer_type" => &mut self.customer_type,
            "customer_national_id" => &mut self.customer_national_id,
            "customer_name" => &mut self.customer_name,
            "customer_address_line1" => &mut self.customer_address_line1,
            "customer_postcode" => &mut self.customer_postcode,
            "customer_city" => &mut self.customer_city,
            "customer_country" => &mut self.customer_country,
            "customer_email" => &mut self.customer_email,
            "customer_phone" => &mut self.customer_phone,
            "customer_language" => &mut self.customer_language,
            "currency" => &mut self.currency,
            "principal" => &mut self.principal,
            "invoice_date" => &mut self.invoice_date,
            "due_date" => &mut self.due_date,
            "interest_rate_pct" => &mut self.interest_rate_pct,
            "creditor_fees" => &mut self.creditor_fees,
            "description" => &mut self.description,
            "arose_on" => &mut self.arose_on,
            "reminder_fee_agreed" => &mut self.reminder_fee_agreed,
            "jurisdiction" => &mut self.jurisdiction,
            _ => return false,
        };
        *slot = Some(value);
        true
    }
}

/// What is wrong with one field, in words a clerk understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub column: &'static str,
    pub reason: String,
}

/// Longest customer name, address line or city accepted.
const TEXT_LENGTH_MAX: usize = 200;
const DESCRIPTION_LENGTH_MAX: usize = 500;
/// No invoice older than this is plausible for collection; older dates are typing errors.
const EARLIEST_DATE: (i32, u32, u32) = (1950, 1, 1);

/// Collects field errors while the fields are read, so one pass reports all of them.
struct Checker<'a> {
    raw: &'a RawClaim,
    errors: Vec<FieldError>,
}

impl Checker<'_> {
    fn fail(&mut self, column: &'static str, reason: impl Into<String>) {
        self.errors.push(FieldError {
            column,
            reason: reason.into(),
        });
    }

    /// The trimmed text of a field, or None if it is absent or empty.
    fn text(&self, column: &'static str) -> Option<&str> {
        let value = match column {
            "client_claim_ref" => &self.raw.client_claim_ref,
            "market" => &self.raw.market,
            "customer_type" => &self.raw.customer_type,
            "customer_national_id" => &self.raw.customer_national_id,
            "customer_name" => &self.raw.customer_name,
            "customer_address_line1" => &self.raw.customer_address_line1,
            "customer_postcode" => &self.raw.customer_postcode,
            "customer_city" => &self.raw.customer_city,
            "customer_country" => &self.raw.customer_country,
            "customer_email" => &self.raw.customer_email,
            "customer_phone" => &self.raw.customer_phone,
            "customer_language" => &self.raw.customer_language,
            "currency" => &self.raw.currency,
            "principal" => &self.raw.principal,
            "invoice_date" => &self.raw.invoice_date,
            "due_date" => &self.raw.due_date,
            "interest_rate_pct" => &self.raw.interest_rate_pct,
            "creditor_fees" => &self.raw.creditor_fees,
            "description" => &self.raw.description,
            "arose_on" => &self.raw.arose_on,
            "reminder_fee_agreed" => &self.raw.reminder_fee_agreed,
            "jurisdiction" => &self.raw.jurisdiction,
            _ => &None,
        };
        value
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
    }

    fn required(&mut self, column: &'static str) -> Option<&str> {
        match self.text(column) {
            Some(_) => self.text(column),
            None => {
                self.fail(column, "required, but empty");
                None
            }
        }
    }

    fn plain_text(
        &mut self,
        column: &'static str,
        length_max: usize,
        required: bool,
    ) -> Option<String> {
        let text = if required {
            self.required(column)
        } else {
            self.text(column)
        }?
        .to_owned();
        if text.chars().count() > length_max {
            self.fail(column, format!("longer than {length_max} characters"));
            return None;
        }
        if let Some(reason) = text::refused_character(&text) {
            self.fail(column, reason);
            return None;
        }
        Some(text)
    }

    fn date(&mut self, column: &'static str) -> Option<NaiveDate> {
        let text = self.required(column)?.to_owned();
        self.parse_date(column, &text)
    }

    /// A date written YYYY-MM-DD, not before [`EARLIEST_DATE`].
    fn parse_date(&mut self, column: &'static str, text: &str) -> Option<NaiveDate> {
        let earliest = NaiveDate::from_ymd_opt(EARLIEST_DATE.0, EARLIEST_DATE.1, EARLIEST_DATE.2);
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) if text.len() == 10 && Some(date) >= earliest => Some(date),
            Ok(_) if text.len() == 10 => {
                self.fail(
                    column,
                    format!("{text} is before {}-01-01", EARLIEST_DATE.0),
                );
                None
            }
            _ => {
                self.fail(
                    column,
                    format!("'{}' is not a real date written YYYY-MM-DD", shorten(text)),
                );
                None
            }
        }
    }
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Checks every field of a claim. `today` is the customer market's current date: a claim
/// must already be due to be collected.
pub fn validate_claim(
    raw: &RawClaim,
    markets: &Markets,
    today: NaiveDate,
) -> Result<ClaimDraft, Vec<FieldError>> {
    let mut check = Checker {
        raw,
        errors: Vec::new(),
    };
    let client_claim_ref = claim_ref(&mut check);
    let market = market(&mut check, markets);
    let customer = market.and_then(|market| customer(&mut check, market));
    let amounts = market.and_then(|market| amounts(&mut check, market));
    let dates = dates(&mut check, today);
    let interest = interest(&mut check);
    let description = check
        .plain_text("description", DESCRIPTION_LENGTH_MAX, false)
        .unwrap_or_default();
    let terms = terms::terms(&mut check, market, today);
    match (
        client_claim_ref,
        market,
        customer,
        amounts,
        dates,
        interest,
        terms,
    ) {
        (
            Some(client_claim_ref),
            Some(market),
            Some(customer),
            Some((principal, fees)),
            Some((invoice, due)),
            Some(interest),
            Some(terms),
        ) if check.errors.is_empty() => Ok(ClaimDraft {
            client_claim_ref,
            market: market.code,
            customer,
            principal,
            invoice_date: invoice,
            due_date: due,
            interest,
            creditor_fees: fees,
            description,
            arose_on: terms.arose_on,
            reminder_fee_agreed: terms.reminder_fee_agreed,
            jurisdiction: terms.jurisdiction,
        }),
        _ => {
            debug_assert!(!check.errors.is_empty(), "a refused claim must say why");
            Err(check.errors)
        }
    }
}

fn claim_ref(check: &mut Checker<'_>) -> Option<ClientClaimRef> {
    let text = check.required("client_claim_ref")?.to_owned();
    if let Some(reason) = text::refused_character(&text) {
        check.fail("client_claim_ref", reason);
        return None;
    }
    match ClientClaimRef::parse(&text) {
        Ok(reference) => Some(reference),
        Err(error) => {
            check.fail("client_claim_ref", error.to_string());
            None
        }
    }
}

fn market<'m>(check: &mut Checker<'_>, markets: &'m Markets) -> Option<&'m Market> {
    let code = check.required("market")?.to_owned();
    match markets.get(&code) {
        Ok(market) => Some(market),
        Err(error) => {
            check.fail("market", error.to_string());
            None
        }
    }
}

fn customer(check: &mut Checker<'_>, market: &Market) -> Option<CustomerDetails> {
    let kind = customer_kind(check);
    let national_id = kind.and_then(|kind| national_id(check, market, kind));
    let name = check.plain_text("customer_name", TEXT_LENGTH_MAX, true);
    let line1 = check.plain_text("customer_address_line1", TEXT_LENGTH_MAX, true);
    let postcode = check.plain_text("customer_postcode", 16, true);
    let city = check.plain_text("customer_city", TEXT_LENGTH_MAX, true);
    let country = country(check, market);
    let email = optional_contact(check, "customer_email", Email::parse);
    let phone = optional_contact(check, "customer_phone", Phone::parse);
    let language = language(check, market);
    Some(CustomerDetails {
        kind: kind?,
        national_id: Secret::new(national_id?),
        name: Secret::new(name?),
        address: PostalAddress {
            line1: Secret::new(line1?),
            postcode: Secret::new(postcode?),
            city: Secret::new(city?),
            country: country?,
        },
        email: email?,
        phone: phone?,
        language: language?,
    })
}

fn customer_kind(check: &mut Checker<'_>) -> Option<CustomerKind> {
    let text = check.required("customer_type")?.to_owned();
    let kind = CustomerKind::parse(&text.to_ascii_lowercase());
    if kind.is_none() {
        check.fail(
            "customer_type",
            format!("'{}' is neither consumer nor business", shorten(&text)),
        );
    }
    kind
}

fn national_id(check: &mut Checker<'_>, market: &Market, kind: CustomerKind) -> Option<String> {
    let text = check.required("customer_national_id")?.to_owned();
    let party = match kind {
        CustomerKind::Consumer => PartyKind::Person,
        CustomerKind::Business => PartyKind::Business,
    };
    match national_id::parse(market.code.as_str(), party, &text) {
        Ok(id) => Some(id.canonical().to_owned()),
        Err(error) => {
            let what = match kind {
                CustomerKind::Consumer => "personal identity number",
                CustomerKind::Business => "business id",
            };
            check.fail(
                "customer_national_id",
                format!("not a valid {} {what}: {error}", market.code),
            );
            None
        }
    }
}

/// The customer's country, the market's own when left empty.
fn country(check: &mut Checker<'_>, market: &Market) -> Option<String> {
    let Some(text) = check.text("customer_country").map(str::to_owned) else {
        return Some(market.code.as_str().to_owned());
    };
    let upper = text.to_ascii_uppercase();
    if upper.len() == 2 && upper.bytes().all(|byte| byte.is_ascii_uppercase()) {
        match text::country_code_problem(&upper) {
            None => Some(upper),
            Some(reason) => {
                check.fail("customer_country", reason);
                None
            }
        }
    } else {
        check.fail(
            "customer_country",
            format!(
                "'{}' is not a two-letter country code (ISO 3166)",
                shorten(&text)
            ),
        );
        None
    }
}

/// Some(None) for an empty optional field, None after an error.
fn optional_contact<T, E: std::fmt::Display>(
    check: &mut Checker<'_>,
    column: &'static str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Option<Option<T>> {
    let Some(text) = check.text(column).map(str::to_owned) else {
        return Some(None);
    };
    match parse(&text) {
        Ok(value) => Some(Some(value)),
        Err(error) => {
            check.fail(column, error.to_string());
            None
        }
    }
}

fn language(check: &mut Checker<'_>, market: &Market) -> Option<LanguageTag> {
    let Some(text) = check.text("customer_language").map(str::to_owned) else {
        return Some(market.main_language().clone());
    };
    match LanguageTag::parse(&text) {
        Ok(tag) => Some(tag),
        Err(error) => {
            check.fail("customer_language", error.to_string());
            None
        }
    }
}

fn amounts(check: &mut Checker<'_>, market: &Market) -> Option<(Money, Money)> {
    let currency = check.required("currency")?.to_owned();
    if currency != market.currency.code() {
        let reason = format!(
            "{} claims are in {}, not '{}'",
            market.code,
            market.currency,
            shorten(&currency)
        );
        check.fail("currency", reason);
        return None;
    }
    let principal = money(check, "principal", market, true);
    if principal.is_some_and(|amount| !amount.is_positive()) {
        check.fail("principal", "must be more than zero");
        return None;
    }
    let fees = money(check, "creditor_fees", market, false);
    let principal = within_claim_limit(check, "principal", principal?);
    let fees = within_claim_limit(check, "creditor_fees", fees?);
    Some((principal?, fees?))
}

/// An amount no larger than one claim may carry ([`CLAIM_AMOUNT_MAX_MINOR`]).
fn within_claim_limit(
    check: &mut Checker<'_>,
    column: &'static str,
    amount: Money,
) -> Option<Money> {
    if amount.amount_minor() <= CLAIM_AMOUNT_MAX_MINOR {
        return Some(amount);
    }
    let limit = Money::from_minor(CLAIM_AMOUNT_MAX_MINOR, amount.currency());
    check.fail(
        column,
        format!("{amount} is more than one claim may carry ({limit})"),
    );
    None
}

fn money(
    check: &mut Checker<'_>,
    column: &'static str,
    market: &Market,
    required: bool,
) -> Option<Money> {
    let text = if required {
        check.required(column)
    } else {
        check.text(column)
    };
    let Some(text) = text.map(str::to_owned) else {
        return Some(Money::zero(market.currency));
    };
    match Money::parse_major(&text, market.currency) {
        Ok(amount) => Some(amount),
        Err(error) => {
            check.fail(column, error.to_string());
            None
        }
    }
}

fn dates(check: &mut Checker<'_>, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let invoice = check.date("invoice_date");
    let due = check.date("due_date");
    let (invoice, due) = (invoice?, due?);
    if due < invoice {
        check.fail(
            "due_date",
            format!("{due} is before the invoice date {invoice}"),
        );
        return None;
    }
    if invoice > today {
        check.fail("invoice_date", format!("{invoice} is in the future"));
        return None;
    }
    if due >= today {
        check.fail(
            "due_date",
            format!("{due} has not passed yet: the claim is not overdue"),
        );
        return None;
    }
    Some((invoice, due))
}

/// Empty means the statutory rate; otherwise a yearly percentage with at most two decimals.
fn interest(check: &mut Checker<'_>) -> Option<InterestTerms> {
    let Some(text) = check.text("interest_rate_pct").map(str::to_owned) else {
        return Some(InterestTerms::Statutory);
    };
    match percent_to_basis_points(&text) {
        Some(annual_rate_bp) if annual_rate_bp <= 100 * 100 => {
            Some(InterestTerms::Contractual { annual_rate_bp })
        }
        _ => {
            let reason = format!(
                "'{}' is not a yearly rate from 0 to 100 with at most two decimals, e.g. 8.5",
                shorten(&text)
            );
            check.fail("interest_rate_pct", reason);
            None
        }
    }
}

/// "8.5" → 850 basis points, without floating point.
fn percent_to_basis_points(text: &str) -> Option<u32> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 3
        || fraction.len() > 2
        || !digits(whole)
        || !digits(fraction)
        || text.ends_with('.')
    {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let fraction_padded = format!("{fraction:0<2}");
    let fraction: u32 = fraction_padded.parse().ok()?;
    whole.checked_mul(100)?.checked_add(fraction)
}

#[cfg(test)]
mod tests;
