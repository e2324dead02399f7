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
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{API_KEY_PREFIX}{}", hex::encode(bytes))
}

impl<S: Store> App<S> {
    /// Creates a client for a market Reilu serves, paid out to a valid IBAN.
    pub async fn add_client(
        &self,
        name: &str,
        market: &str,
        iban: &str,
    ) -> AppResult<CreatedClient> {
        self.add_client_with_key(name, market, iban, &new_api_key(), uuid::Uuid::now_v7())
            .await
    }

    /// As [`App::add_client`], with the key and id given (the demo derives them from its seed).
    pub async fn add_client_with_key(
        &self,
        name: &str,
        market: &str,
        iban: &str,
        api_key: &str,
        id: uuid::Uuid,
    ) -> AppResult<CreatedClient> {
        let name = name.trim();
        if name.is_empty()
            || name.chars().count() > CLIENT_NAME_LENGTH_MAX
            || name.chars().any(char::is_control)
        {
            return Err(AppError::Invalid(format!(
                "a client name has 1 to {CLIENT_NAME_LENGTH_MAX} characters"
            )));
        }
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
