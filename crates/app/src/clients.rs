//! Onboarding clients: the creditors who place claims.

use rand::RngCore;
use reilu_formats::iban::AccountIban;
use reilu_store::{ClientRow, NewClient, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{App, AppError, AppResult};

/// Longest client name accepted.
const CLIENT_NAME_LENGTH_MAX: usize = 200;
/// API keys start with this, so a leaked key is recognisable by secret scanners.
pub const API_KEY_PREFIX: &str = "reilu_";

/// How a client is created: its API key, id and commission.
#[derive(Debug, Clone)]
pub struct ClientTerms {
    pub api_key: String,
    pub id: uuid::Uuid,
    pub commission_bp: i64,
}

/// A client just created, with its API key: shown once, never stored.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedClient {
    pub id: String,
    pub api_key: String,
}

/// SHA-256 of an API key. Keys are 256 random bits, so a fast hash is enough: there is
/// nothing to brute-force that a slow hash would protect.
pub fn api_key_hash(api_key: &str) -> String {
    hex::encode(Sha256::digest(api_key.as_bytes()))
}

pub fn new_api_key() -> String {
    random_key(API_KEY_PREFIX)
}

/// `prefix` and 256 random bits from the operating system, in hex.
pub(crate) fn random_key(prefix: &str) -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

impl<S: Store> App<S> {
    /// Creates a client for a market Reilu serves, paid out to a valid IBAN, with no
    /// commission agreed.
    pub async fn add_client(
        &self,
        name: &str,
        market: &str,
        iban: &str,
    ) -> AppResult<CreatedClient> {
        self.add_client_with_terms(name, market, iban, 0).await
    }

    /// Creates a client with the commission the company keeps of what it collects
    /// (basis points: 1000 = 10 %).
    pub async fn add_client_with_terms(
        &self,
        name: &str,
        market: &str,
        iban: &str,
        commission_bp: i64,
    ) -> AppResult<CreatedClient> {
        let terms = ClientTerms {
            api_key: new_api_key(),
            id: uuid::Uuid::now_v7(),
            commission_bp,
        };
        self.add_client_with_key(name, market, iban, &terms).await
    }

    /// As [`App::add_client`], with the key, id and commission given (the demo derives them
    /// from its seed).
    pub async fn add_client_with_key(
        &self,
        name: &str,
        market: &str,
        iban: &str,
        terms: &ClientTerms,
    ) -> AppResult<CreatedClient> {
        let (api_key, id) = (terms.api_key.as_str(), terms.id);
        if !(0..=10_000).contains(&terms.commission_bp) {
            return Err(AppError::Invalid("a commission is from 0 to 100 %".into()));
        }
        let name = name.trim();
        if name.is_empty()
            || name.chars().count() > CLIENT_NAME_LENGTH_MAX
            || name.chars().any(char::is_control)
        {
            return Err(AppError::Invalid(format!(
                "a client name has 1 to {CLIENT_NAME_LENGTH_MAX} characters"
            )));
        }
        // The name is the payee of every remittance: refused now if no bank file can carry it.
        reilu_formats::pain001::bank_name(name).map_err(|error| {
            AppError::Invalid(format!("a client name must fit a bank transfer: {error}"))
        })?;
        let market = self
            .markets
            .get(market)
            .map_err(|error| AppError::Invalid(error.to_string()))?;
        let iban =
            AccountIban::parse(iban).map_err(|error| AppError::Invalid(error.to_string()))?;
        let client = NewClient {
            id: id.to_string(),
            name: name.to_owned(),
            market: market.code,
            iban: iban.as_str().to_owned(),
            api_key_hash: api_key_hash(api_key),
            commission_bp: terms.commission_bp,
        };
        self.store.insert_client(&client, self.now_ms()).await?;
        Ok(CreatedClient {
            id: client.id,
            api_key: api_key.to_owned(),
        })
    }

    pub async fn list_clients(&self) -> AppResult<Vec<ClientRow>> {
        Ok(self.store.list_clients().await?)
    }

    /// The client a request's API key belongs to, if any.
    pub async fn client_for_api_key(&self, api_key: &str) -> AppResult<Option<ClientRow>> {
        if !api_key.starts_with(API_KEY_PREFIX) {
            return Ok(None);
        }
        Ok(self
            .store
            .client_by_api_key_hash(&api_key_hash(api_key))
            .await?)
    }

    pub async fn client(&self, id: &str) -> AppResult<ClientRow> {
        let found = self.store.client_by_id(id.trim()).await?;
        found.ok_or_else(|| AppError::NotFound(format!("no client with id {}", id.trim())))
    }
}
