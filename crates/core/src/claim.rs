//! Claims as they arrive from clients, validated: the input to intake.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::contact::{Email, Phone};
use crate::language::LanguageTag;
use crate::market::MarketCode;
use crate::money::Money;
use crate::secret::{Redacted, Secret, TailMask};

/// Whether the customer is a person or a company: the law protects them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CustomerKind {
    Consumer,
    Business,
}

impl CustomerKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "consumer" => Some(CustomerKind::Consumer),
            "business" => Some(CustomerKind::Business),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            CustomerKind::Consumer => "consumer",
            CustomerKind::Business => "business",
        }
    }
}

/// The client's own reference for a claim: with the client, it identifies the claim, so
/// placing it twice creates it once.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClientClaimRef(String);

/// Longest client reference accepted; invoice and contract numbers are far shorter.
pub const CLIENT_CLAIM_REF_LENGTH_MAX: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientClaimRefError {
    #[error("empty")]
    Empty,
    #[error("longer than {CLIENT_CLAIM_REF_LENGTH_MAX} characters")]
    TooLong,
    #[error("contains a control character")]
    ControlCharacter,
}

impl ClientClaimRef {
    pub fn parse(text: &str) -> Result<Self, ClientClaimRefError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ClientClaimRefError::Empty);
        }
        if text.chars().count() > CLIENT_CLAIM_REF_LENGTH_MAX {
            return Err(ClientClaimRefError::TooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(ClientClaimRefError::ControlCharacter);
        }
        Ok(ClientClaimRef(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientClaimRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ClientClaimRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientClaimRef({})", self.0)
    }
}

impl TryFrom<String> for ClientClaimRef {
    type Error = ClientClaimRefError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ClientClaimRef::parse(&value)
    }
}

impl From<ClientClaimRef> for String {
    fn from(value: ClientClaimRef) -> Self {
        value.0
    }
}

/// A postal address; every line is personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddress {
    pub line1: Secret<Redacted>,
    pub postcode: Secret<Redacted>,
    pub city: Secret<Redacted>,
    /// ISO 3166-1 alpha-2; a customer may live outside the claim's market.
    pub country: String,
}

/// Who owes: the personal data is masked in `Debug` and encrypted before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDetails {
    pub kind: CustomerKind,
    /// Canonical national identity number (person) or business id (company).
    pub national_id: Secret<TailMask>,
    pub name: Secret<Redacted>,
    pub address: PostalAddress,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub language: LanguageTag,
}

/// The interest a claim carries after its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InterestTerms {
    /// The market's statutory late-payment rate (rule pack).
    Statutory,
    /// A contractual yearly rate in basis points (1/100 of a percent); the gate still caps it.
    Contractual { annual_rate_bp: u32 },
}

/// A claim checked field by field and ready to be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimDraft {
    pub client_claim_ref: ClientClaimRef,
    pub market: MarketCode,
    pub customer: CustomerDetails,
    pub principal: Money,
    pub invoice_date: NaiveDate,
    pub due_date: NaiveDate,
    pub interest: InterestTerms,
    pub creditor_fees: Money,
    pub description: String,
    /// When the debt arose, where the client says so: some markets count limitation from it
    /// (SE: preskriptionslag 1981:130 § 2).
    pub arose_on: Option<NaiveDate>,
    /// Whether the claim's terms allowed a reminder fee when the debt arose; None when the
    /// client did not say (SE: lag 1981:739 § 2 allows one only if agreed).
    pub reminder_fee_agreed: Option<bool>,
    /// The part of the market whose law applies, ISO 3166-2 in upper case (GB: `GB-ENG`,
    /// `GB-WLS`, `GB-SCT`, `GB-NIR`), as given or read from the postcode; None when unknown.
    pub jurisdiction: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_claim_refs_are_trimmed_and_bounded() {
        assert_eq!(
            ClientClaimRef::parse(" INV-1 ").map(|r| r.0),
            Ok("INV-1".to_owned())
        );
        assert_eq!(ClientClaimRef::parse("  "), Err(ClientClaimRefError::Empty));
        assert_eq!(
            ClientClaimRef::parse(&"x".repeat(65)),
            Err(ClientClaimRefError::TooLong)
        );
        assert_eq!(
            ClientClaimRef::parse("a\u{0}b"),
            Err(ClientClaimRefError::ControlCharacter)
        );
    }

    #[test]
    fn customer_details_never_show_personal_data_in_debug() {
        let details = CustomerDetails {
            kind: CustomerKind::Consumer,
            national_id: Secret::new("131052-308T".into()),
            name: Secret::new("Maija Meikäläinen".into()),
            address: PostalAddress {
                line1: Secret::new("Mannerheimintie 1".into()),
                postcode: Secret::new("00100".into()),
                city: Secret::new("Helsinki".into()),
                country: "FI".into(),
            },
            email: Email::parse("maija@example.fi").ok(),
            phone: Phone::parse("+358401234567").ok(),
            language: LanguageTag::parse("fi").unwrap_or_else(|e| panic!("{e}")),
        };
        let shown = format!("{details:?}");
        for personal in [
            "131052",
            "Maija",
            "Mannerheim",
            "00100",
            "Helsinki",
            "maija@",
            "4012345",
        ] {
            assert!(!shown.contains(personal), "{personal} leaked: {shown}");
        }
    }
}
