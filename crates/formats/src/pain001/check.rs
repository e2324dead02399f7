//! Validation: from the caller's structs to checked, normalised values ready to be written.
//!
//! Everything that can refuse a file happens here, so the XML writer cannot fail.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use reilu_core::money::{Currency, Money};

use super::amount::{self, EIGHTEEN_DIGITS, SEPA_MAX_CENTS};
use super::charset::{self, IdentifierFault};
use super::{CreditTransfer, CreditTransferFile, Field, Location, Pain001Error, PaymentBatch};
use crate::iban::AccountIban;

/// `Max35Text`: message, payment information and end-to-end ids.
const ID_MAX: usize = 35;
/// Names: the EPC limits every `Nm` to 70 characters.
pub(super) const NAME_MAX: usize = 70;
/// `RmtInf/Ustrd`: `Max140Text`, one occurrence.
const REMITTANCE_MAX: usize = 140;
/// How much of a caller's identifier an error message repeats.
const SHOWN_MAX: usize = 40;

pub(super) struct CheckedFile {
    pub message_id: String,
    pub created_at: String,
    pub initiating_party: String,
    pub transaction_count: usize,
    pub control_sum: String,
    pub batches: Vec<CheckedBatch>,
}

pub(super) struct CheckedBatch {
    pub id: String,
    /// A euro batch, written to the EPC guidelines.
    pub sepa: bool,
    pub control_sum: String,
    pub execution_date: String,
    pub debtor_name: String,
    pub debtor_iban: String,
    pub debtor_bic: Option<String>,
    pub transfers: Vec<CheckedTransfer>,
}

pub(super) struct CheckedTransfer {
    pub end_to_end_id: String,
    pub currency: Currency,
    pub amount: String,
    pub creditor_bic: Option<String>,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub remittance: Option<String>,
}

/// A batch's exact total: minor units and the currency's decimals.
struct BatchSum {
    minor: i128,
    digits: u8,
}

/// Ids already used in the file.
#[derive(Default)]
struct Seen {
    batches: HashSet<String>,
    transfers: HashSet<String>,
}

pub(super) fn check_file(file: &CreditTransferFile) -> Result<CheckedFile, Pain001Error> {
    let header = Location::GroupHeader;
    let message_id = identifier(&file.message_id, Field::MessageId, &header)?;
    let created_at = date_time(file.created_at, &header)?;
    let initiating_party = text(
        &file.initiating_party,
        Field::InitiatingParty,
        &header,
        NAME_MAX,
    )?;
    if file.batches.is_empty() {
        return Err(Pain001Error::NoBatches);
    }
    let mut seen = Seen::default();
    let mut batches = Vec::with_capacity(file.batches.len());
    let mut sums = Vec::with_capacity(file.batches.len());
    for batch in &file.batches {
        let (checked, sum) = check_batch(batch, &mut seen)?;
        batches.push(checked);
        sums.push(sum);
    }
    let transaction_count = batches.iter().map(|batch| batch.transfers.len()).sum();
    Ok(CheckedFile {
        message_id,
        created_at,
        initiating_party,
        transaction_count,
        control_sum: group_control_sum(&sums)?,
        batches,
    })
}

fn check_batch(
    batch: &PaymentBatch,
    seen: &mut Seen,
) -> Result<(CheckedBatch, BatchSum), Pain001Error> {
    let shown_id = shown(&batch.payment_information_id);
    let at = Location::Batch {
        payment_information_id: shown_id.clone(),
    };
    let id = identifier(
        &batch.payment_information_id,
        Field::PaymentInformationId,
        &at,
    )?;
    if !seen.batches.insert(id.clone()) {
        return Err(Pain001Error::DuplicatePaymentInformationId { at });
    }
    let debtor_name = text(&batch.debtor_name, Field::DebtorName, &at, NAME_MAX)?;
    let debtor_iban = iban(&batch.debtor_iban, Field::DebtorIban, &at)?;
    let debtor_bic = optional_bic(batch.debtor_bic.as_deref(), Field::DebtorBic, &at)?;
    let execution_date = date(batch.requested_execution_date, &at)?;
    let Some(first) = batch.transfers.first() else {
        return Err(Pain001Error::EmptyBatch { at });
    };
    let currency = first.amount.currency();
    let mut transfers = Vec::with_capacity(batch.transfers.len());
    let mut minor: i128 = 0;
    for transfer in &batch.transfers {
        transfers.push(check_transfer(transfer, &shown_id, currency, seen)?);
        minor = minor
            .checked_add(i128::from(transfer.amount.amount_minor()))
            .ok_or_else(|| Pain001Error::ControlSumTooLarge { at: at.clone() })?;
    }
    if minor >= EIGHTEEN_DIGITS {
        return Err(Pain001Error::ControlSumTooLarge { at });
    }
    let digits = currency.minor_digits();
    let checked = CheckedBatch {
        id,
        sepa: currency == Currency::EUR,
        control_sum: amount::decimal(minor, digits),
        execution_date,
        debtor_name,
        debtor_iban,
        debtor_bic,
        transfers,
    };
    Ok((checked, BatchSum { minor, digits }))
}

fn check_transfer(
    transfer: &CreditTransfer,
    batch_id: &str,
    currency: Currency,
    seen: &mut Seen,
) -> Result<CheckedTransfer, Pain001Error> {
    let at = Location::Transfer {
        payment_information_id: batch_id.to_owned(),
        end_to_end_id: shown(&transfer.end_to_end_id),
    };
    let end_to_end_id = identifier(&transfer.end_to_end_id, Field::EndToEndId, &at)?;
    if !seen.transfers.insert(end_to_end_id.clone()) {
        return Err(Pain001Error::DuplicateEndToEndId { at });
    }
    Ok(CheckedTransfer {
        end_to_end_id,
        currency,
        amount: transfer_amount(transfer.amount, currency, &at)?,
        creditor_name: text(&transfer.creditor_name, Field::CreditorName, &at, NAME_MAX)?,
        creditor_iban: iban(&transfer.creditor_iban, Field::CreditorIban, &at)?,
        creditor_bic: optional_bic(transfer.creditor_bic.as_deref(), Field::CreditorBic, &at)?,
        remittance: optional_text(
            &transfer.remittance_information,
            Field::RemittanceInformation,
            &at,
            REMITTANCE_MAX,
        )?,
    })
}

/// `InstdAmt`: the batch's currency, more than zero, within the EPC limit for euro and within
/// the schema's 18 digits otherwise; written with the currency's decimals.
fn transfer_amount(
    amount: Money,
    currency: Currency,
    at: &Location,
) -> Result<String, Pain001Error> {
    let at = || at.clone();
    if amount.currency() != currency {
        return Err(Pain001Error::MixedCurrencies {
            at: at(),
            batch_currency: currency,
            found: amount.currency(),
        });
    }
    if !amount.is_positive() {
        return Err(Pain001Error::NonPositiveAmount { at: at(), amount });
    }
    if currency == Currency::EUR && amount.amount_minor() > SEPA_MAX_CENTS {
        return Err(Pain001Error::SepaAmountTooLarge { at: at(), amount });
    }
    let minor = i128::from(amount.amount_minor());
    if minor >= EIGHTEEN_DIGITS {
        return Err(Pain001Error::AmountTooLarge { at: at(), amount });
    }
    Ok(amount::decimal(minor, currency.minor_digits()))
}

/// `GrpHdr/CtrlSum`: every amount in the file, irrespective of currency, in the largest number
/// of decimals any batch's currency has (so 10.50 EUR and 1500 ISK make 1510.50).
fn group_control_sum(sums: &[BatchSum]) -> Result<String, Pain001Error> {
    let too_large = || Pain001Error::ControlSumTooLarge {
        at: Location::GroupHeader,
    };
    let digits = sums.iter().map(|sum| sum.digits).max().unwrap_or(0);
    let mut total: i128 = 0;
    for sum in sums {
        let scaled = amount::rescale(sum.minor, sum.digits, digits).ok_or_else(too_large)?;
        total = total.checked_add(scaled).ok_or_else(too_large)?;
    }
    if total >= EIGHTEEN_DIGITS {
        return Err(too_large());
    }
    Ok(amount::decimal(total, digits))
}

/// An identifier, kept exactly as given or refused.
fn identifier(value: &str, field: Field, at: &Location) -> Result<String, Pain001Error> {
    if value.is_empty() {
        return Err(Pain001Error::Empty {
            field,
            at: at.clone(),
        });
    }
    match charset::check_identifier(value) {
        Err(IdentifierFault::Character(character)) => {
            return Err(Pain001Error::ForbiddenCharacter {
                field,
                at: at.clone(),
                character,
            });
        }
        Err(IdentifierFault::Malformed(reason)) => {
            return Err(Pain001Error::MalformedIdentifier {
                field,
                at: at.clone(),
                reason,
            });
        }
        Ok(()) => {}
    }
    within(value.to_owned(), field, at, ID_MAX)
}

/// Required free text, transliterated.
fn text(value: &str, field: Field, at: &Location, max: usize) -> Result<String, Pain001Error> {
    optional_text(value, field, at, max)?.ok_or_else(|| Pain001Error::Empty {
        field,
        at: at.clone(),
    })
}

/// Free text, transliterated; `None` when nothing is left.
fn optional_text(
    value: &str,
    field: Field,
    at: &Location,
    max: usize,
) -> Result<Option<String>, Pain001Error> {
    let latin =
        charset::transliterate(value).map_err(|character| Pain001Error::ForbiddenCharacter {
            field,
            at: at.clone(),
            character,
        })?;
    if latin.is_empty() {
        return Ok(None);
    }
    within(latin, field, at, max).map(Some)
}

fn within(value: String, field: Field, at: &Location, max: usize) -> Result<String, Pain001Error> {
    let length = value.chars().count();
    if length > max {
        return Err(Pain001Error::TooLong {
            field,
            at: at.clone(),
            length,
            max,
        });
    }
    Ok(value)
}

/// An IBAN in electronic form (upper case, no spaces), checked by [`AccountIban::parse`].
fn iban(value: &str, field: Field, at: &Location) -> Result<String, Pain001Error> {
    AccountIban::parse(value)
        .map(|iban| iban.as_str().to_owned())
        .map_err(|error| Pain001Error::InvalidIban {
            field,
            at: at.clone(),
            error,
        })
}

/// A BIC in the form of ISO 9362 (`BICFIDec2014Identifier`): upper-cased, spaces removed.
fn optional_bic(
    value: Option<&str>,
    field: Field,
    at: &Location,
) -> Result<Option<String>, Pain001Error> {
    let Some(value) = value else {
        return Ok(None);
    };
    let bic: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let bytes = bic.as_bytes();
    let alphanumeric = |part: &[u8]| part.iter().all(|b| b.is_ascii_alphanumeric());
    let well_formed = matches!(bytes.len(), 8 | 11)
        && alphanumeric(bytes)
        && bytes[4..6].iter().all(|b| b.is_ascii_alphabetic());
    if !well_formed {
        return Err(Pain001Error::InvalidBic {
            field,
            at: at.clone(),
            value: shown(value),
        });
    }
    Ok(Some(bic))
}

/// `ReqdExctnDt/Dt` as an ISO date.
fn date(value: NaiveDate, at: &Location) -> Result<String, Pain001Error> {
    if !(1..=9999).contains(&value.year()) {
        return Err(Pain001Error::DateOutOfRange {
            field: Field::RequestedExecutionDate,
            at: at.clone(),
        });
    }
    Ok(value.format("%Y-%m-%d").to_string())
}

/// `CreDtTm` in UTC to the whole second (a leap second is written as :59).
fn date_time(value: DateTime<Utc>, at: &Location) -> Result<String, Pain001Error> {
    if !(1..=9999).contains(&value.year()) {
        return Err(Pain001Error::DateOutOfRange {
            field: Field::CreatedAt,
            at: at.clone(),
        });
    }
    let whole_second = value.with_nanosecond(0).unwrap_or(value);
    Ok(whole_second.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

fn shown(value: &str) -> String {
    value.chars().take(SHOWN_MAX).collect()
}
