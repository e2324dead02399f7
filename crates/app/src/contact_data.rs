//! Contact data from later claims: the newer claim's non-empty fields win, a field it leaves
//! out keeps the stored value, and a record is resealed (with the customer's own id) only when
//! something changed. Called by the store inside the placing transaction (see
//! `reilu_store::Store::place_claims_merging`), after it journaled the read.

use reilu_core::{CustomerDetails, CustomerKind, LanguageTag};
use reilu_store::{ContactMerge, ContactUpdate, StoreError, StoreResult};
use reilu_vault::Vault;

use crate::personal_data;
use crate::{AppError, AppResult};

/// The store's merger: the records that changed, resealed. An error names no personal data
/// (the vault's and the parser's errors name only the customer id).
pub fn merge_for_store(
    vault: &Vault,
    merges: &[ContactMerge<'_>],
) -> StoreResult<Vec<ContactUpdate>> {
    merge_contacts(vault, merges).map_err(|error| StoreError::Corrupt(error.to_string()))
}

/// Merges each customer's claims, in batch order, into the stored record.
pub fn merge_contacts(vault: &Vault, merges: &[ContactMerge<'_>]) -> AppResult<Vec<ContactUpdate>> {
    let mut updates = Vec::new();
    for merge in merges {
        if let Some(update) = merge_one(vault, merge)? {
            updates.push(update);
        }
    }
    Ok(updates)
}

fn merge_one(vault: &Vault, merge: &ContactMerge<'_>) -> AppResult<Option<ContactUpdate>> {
    let kind = CustomerKind::parse(&merge.kind)
        .ok_or_else(|| AppError::Invalid("stored customer kind".into()))?;
    let stored_language = parse_language(&merge.language)?;
    let stored = personal_data::open(
        vault,
        &merge.customer_id,
        kind,
        stored_language,
        &merge.personal_data,
    )?;
    let mut merged = stored.clone();
    let mut client_claim_refs = Vec::new();
    for claim in &merge.claims {
        let customer = &claim.customer;
        let newer = personal_data::open(
            vault,
            &customer.id,
            kind,
            parse_language(&customer.language)?,
            &customer.personal_data,
        )?;
        let before = merged.clone();
        take_newer(&mut merged, newer, customer.language_stated);
        if merged != before {
            client_claim_refs.push(claim.client_claim_ref.clone());
        }
    }
    let fields = changed_fields(&stored, &merged);
    if fields.is_empty() {
        return Ok(None);
    }
    Ok(Some(ContactUpdate {
        personal_data: personal_data::seal(vault, &merge.customer_id, &merged)?,
        email_index: merged
            .email
            .as_ref()
            .map(|email| personal_data::email_index(vault, email)),
        phone_index: merged
            .phone
            .as_ref()
            .map(|phone| personal_data::phone_index(vault, phone)),
        language: merged.language.as_str().to_owned(),
        customer_id: merge.customer_id.clone(),
        fields,
        client_claim_refs,
    }))
}

fn parse_language(text: &str) -> AppResult<LanguageTag> {
    LanguageTag::parse(text).map_err(|error| AppError::Invalid(error.to_string()))
}

/// The newer claim's non-empty fields replace the record's; the identity number and kind are
/// what found the customer, so they stay. A language the claim did not state (the market's
/// main one, assumed at intake) does not replace the customer's.
fn take_newer(record: &mut CustomerDetails, newer: CustomerDetails, language_stated: bool) {
    if !newer.name.peek().trim().is_empty() {
        record.name = newer.name;
    }
    let address = &mut record.address;
    if !newer.address.line1.peek().trim().is_empty() {
        address.line1 = newer.address.line1;
    }
    if !newer.address.postcode.peek().trim().is_empty() {
        address.postcode = newer.address.postcode;
    }
    if !newer.address.city.peek().trim().is_empty() {
        address.city = newer.address.city;
    }
    if !newer.address.country.trim().is_empty() {
        address.country = newer.address.country;
    }
    if newer.email.is_some() {
        record.email = newer.email;
    }
    if newer.phone.is_some() {
        record.phone = newer.phone;
    }
    if language_stated {
        record.language = newer.language;
    }
}

/// The names of the fields that differ, for the journal (never their values).
fn changed_fields(before: &CustomerDetails, after: &CustomerDetails) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let differs = [
        ("name", before.name != after.name),
        ("address", before.address != after.address),
        ("email", before.email != after.email),
        ("phone", before.phone != after.phone),
        ("language", before.language != after.language),
    ];
    for (field, changed) in differs {
        if changed {
            fields.push(field);
        }
    }
    fields
}
