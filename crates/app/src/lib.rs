//! Reilu's workflows: the imperative shell around the pure core. Each workflow takes what
//! came in, asks the pure crates what it means, and writes the result through the store.

pub mod accounts;
pub mod api_batch;
pub mod call_tasks;
pub mod case_facts;
pub mod cases;
pub mod clients;
pub mod contact_data;
pub mod daily_run;
pub mod decisions;
pub mod demo;
mod demo_data;
pub mod intake;
pub mod interest;
pub mod message_log;
pub mod operators;
pub mod outbox;
pub mod payments;
pub mod payout;
pub mod personal_data;
pub mod rates;
pub mod reconcile;
pub mod remit;
pub mod simulate;
pub mod statement;
pub mod strategy_report;
pub mod sweep;
pub mod unmatched;
pub mod verify;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use reilu_core::{Market, Markets};
use reilu_rules::Gate;
use reilu_store::{Store, StoreError};
use reilu_vault::{Vault, VaultError};

/// The application's errors: what went wrong in a workflow, for the CLI and HTTP to report.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("{0}")]
    Invalid(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("{0}")]
    Io(String),
}

pub type AppResult<T> = Result<T, AppError>;

/// Where the application reads the time. Production uses the system clock; tests pin it.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant.
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// The application: the store, the vault, the markets, the gate and the clock, shared by
/// every workflow and request.
pub struct App<S: Store> {
    /// Reached through [`App::store`]; charges cannot be written through it (the store's
    /// executor takes only the gate's decisions, and `post` refuses charge postings).
    store: S,
    pub vault: Vault,
    pub markets: Markets,
    /// Every action on a customer is decided here; loaded and validated at start.
    pub gate: Arc<Gate>,
    pub clock: Arc<dyn Clock>,
    /// Signs the commitments of the messages the run writes (verification codes). A fresh
    /// key held in memory unless the caller gives the data folder's ([`App::with_signer`]).
    pub signer: verify::MessageSigner,
}

impl<S: Store> Clone for App<S> {
    fn clone(&self) -> Self {
        App {
            store: self.store.clone(),
            vault: self.vault.clone(),
            markets: self.markets.clone(),
            gate: Arc::clone(&self.gate),
            clock: Arc::clone(&self.clock),
            signer: self.signer.clone(),
        }
    }
}

impl<S: Store> App<S> {
    /// With the rule packs built into Reilu.
    pub fn new(store: S, vault: Vault, clock: Arc<dyn Clock>) -> AppResult<Self> {
        let markets = Markets::builtin().map_err(|error| AppError::Invalid(error.to_string()))?;
        let gate = Gate::builtin(&markets).map_err(|error| AppError::Invalid(error.to_string()))?;
        Ok(App {
            store,
            vault,
            markets,
            gate: Arc::new(gate),
            clock,
            signer: verify::MessageSigner::ephemeral(),
        })
    }

    /// With the data folder's message-signing key.
    pub fn with_signer(mut self, key: reilu_vault::MessageSigningKey) -> Self {
        self.signer.key = key;
        self
    }

    /// With the installation's public address (`https://…`), which every message names as
    /// where to check it.
    pub fn with_public_url(mut self, public_url: &str) -> Self {
        self.signer.verify_address = verify::verify_address_of(public_url);
        self
    }

    /// With another gate (rule packs read from disk).
    pub fn with_gate(mut self, gate: Gate) -> Self {
        self.gate = Arc::new(gate);
        self
    }

    /// The store, for reads and for the writers that are safe by their types.
    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// Today's date where the market's customers live (its main time zone).
    pub fn today_in(&self, market: &Market) -> NaiveDate {
        self.clock
            .now()
            .with_timezone(&market.main_time_zone())
            .date_naive()
    }
}
