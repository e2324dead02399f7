//! A customer's personal data as one sealed record, and the blind indexes to find it by.

use reilu_core::{
    CustomerDetails, CustomerKind, Email, LanguageTag, MarketCode, Phone, PostalAddress, Secret,
};
use reilu_vault::Vault;
use serde::{Deserialize, Serialize};

use crate::{AppError, AppResult};

/// The sealed record's plaintext. Only ever lives inside `seal` and `open`.
#[derive(Serialize, Deserialize)]
struct SealedFields {
    national_id: String,
    name: String,
    address_line1: String,
    postcode: String,
    city: String,
    country: String,
    email: Option<String>,
    phone: Option<String>,
}

/// Seals the customer's personal data, bound to the customer's id.
pub fn seal(vault: &Vault, customer_id: &str, details: &CustomerDetails) -> AppResult<Vec<u8>> {
    let fields = SealedFields {
        national_id: details.national_id.peek().to_owned(),
        name: details.name.peek().to_owned(),
        address_line1: details.address.line1.peek().to_owned(),
        postcode: details.address.postcode.peek().to_owned(),
        city: details.address.city.peek().to_owned(),
        country: details.address.country.clone(),
        email: details.email.as_ref().map(|email| email.peek().to_owned()),
        phone: details.phone.as_ref().map(|phone| phone.peek().to_owned()),
    };
    let plaintext =
        serde_json::to_vec(&fields).map_err(|error| AppError::Invalid(error.to_string()))?;
    Ok(vault.seal(&plaintext, customer_id.as_bytes()))
}

/// Opens a sealed record. Callers journal the read: see `intake::read_case_customer`.
pub fn open(
    vault: &Vault,
    customer_id: &str,
    kind: CustomerKind,
    language: LanguageTag,
    sealed: &[u8],
) -> AppResult<CustomerDetails> {
    let plaintext = vault.open(sealed, customer_id.as_bytes())?;
    let fields: SealedFields = serde_json::from_slice(&plaintext).map_err(|error| {
        AppError::Invalid(format!("sealed personal data of {customer_id}: {error}"))
    })?;
    let email = fields.email.as_deref().map(Email::parse).transpose();
    let phone = fields.phone.as_deref().map(Phone::parse).transpose();
    let damaged =
        |what: &str| AppError::Invalid(format!("sealed {what} of {customer_id} no longer parses"));
    Ok(CustomerDetails {
        kind,
        national_id: Secret::new(fields.national_id),
        name: Secret::new(fields.name),
        address: PostalAddress {
            line1: Secret::new(fields.address_line1),
            postcode: Secret::new(fields.postcode),
            city: Secret::new(fields.city),
            country: fields.country,
        },
        email: email.map_err(|_| damaged("e-mail"))?,
        phone: phone.map_err(|_| damaged("phone"))?,
        language,
    })
}

/// The blind index a customer is found by: their identity number within market and kind.
pub fn national_id_index(
    vault: &Vault,
    market: MarketCode,
    kind: CustomerKind,
    national_id: &str,
) -> String {
    vault.blind_index(
        &format!("national_id:{market}:{}", kind.as_str()),
        national_id,
    )
}

pub fn email_index(vault: &Vault, email: &Email) -> String {
    vault.blind_index("email", &email.peek().to_lowercase())
}

pub fn phone_index(vault: &Vault, phone: &Phone) -> String {
    vault.blind_index("phone", phone.peek())
}
