//! The delivery workers: each leases a batch of due messages, sends them side by side over
//! the channels and records every outcome in one transaction, until nothing is due.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use reilu_store::{AttemptOutcome, AttemptRecord, DeliveryPolicy, Store};
use reilu_vault::Vault;

use super::channels::Sender;
use super::open_message;
use crate::{AppResult, Clock};

/// The senders by channel name. A channel without a sender is not leased: its messages wait
/// (phone messages are call tasks for agents and have no sender outside demo mode).
#[derive(Clone, Default)]
pub struct Channels {
    senders: HashMap<&'static str, Arc<dyn Sender>>,
}

impl Channels {
    pub fn with(mut self, channel: &'static str, sender: Arc<dyn Sender>) -> Self {
        self.senders.insert(channel, sender);
        self
    }

    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.senders.keys().copied().collect();
        names.sort_unstable();
        names
    }
}

/// How many messages a worker leases at once, and how long it waits when none are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerSettings {
    pub batch_size: i64,
    pub idle_wait_ms: u64,
    pub policy: DeliveryPolicy,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            batch_size: 50,
            idle_wait_ms: 1_000,
            policy: DeliveryPolicy::default(),
        }
    }
}

/// One delivery worker.
#[derive(Clone)]
pub struct Worker<S: Store> {
    pub name: String,
    pub store: S,
    pub vault: Vault,
    pub channels: Channels,
    pub clock: Arc<dyn Clock>,
    pub settings: WorkerSettings,
}

impl<S: Store> Worker<S> {
    /// Leases one batch, sends it and records the outcomes; how many messages it handled.
    pub async fn run_batch(&self) -> AppResult<usize> {
        let names = self.channels.names();
        let now_ms = self.clock.now().timestamp_millis();
        let leased = self
            .store
            .lease_messages(
                &self.name,
                &names,
                self.settings.batch_size,
                &self.settings.policy,
                now_ms,
            )
            .await?;
        if leased.is_empty() {
            return Ok(0);
        }
        let mut sends = tokio::task::JoinSet::new();
        for message in leased {
            let sender = self.channels.senders.get(message.channel.as_str()).cloned();
            let vault = self.vault.clone();
            sends.spawn(async move {
                let outcome = match (sender, open_message(&vault, &message)) {
                    (Some(sender), Ok(deliverable)) => match sender.send(&deliverable).await {
                        Ok(provider_id) => AttemptOutcome::Sent { provider_id },
                        Err(error) => AttemptOutcome::Failed { error: error.0 },
                    },
                    (None, _) => AttemptOutcome::Failed {
                        error: format!("no sender for channel {}", message.channel),
                    },
                    (_, Err(_)) => AttemptOutcome::Failed {
                        error: "the sealed message does not open".into(),
                    },
                };
                AttemptRecord {
                    message_id: message.id,
                    attempt: message.attempts,
                    outcome,
                }
            });
        }
        let mut records = Vec::with_capacity(sends.len());
        while let Some(joined) = sends.join_next().await {
            match joined {
                Ok(record) => records.push(record),
                // A send that panicked is not recorded: its lease runs out and it is retried.
                Err(error) => tracing::error!(%error, "a send task failed"),
            }
        }
        let count = records.len();
        let now_ms = self.clock.now().timestamp_millis();
        self.store
            .record_attempts(&records, &self.settings.policy, now_ms)
            .await?;
        Ok(count)
    }

    /// Runs batches until none is due; how many messages were handled.
    pub async fn drain(&self) -> AppResult<usize> {
        let mut total = 0;
        loop {
            let handled = self.run_batch().await?;
            if handled == 0 {
                return Ok(total);
            }
            total += handled;
        }
    }

    /// Runs until `stop` changes: drains, waits, drains again. A store error is logged and
    /// retried after the wait (the database may be restarting).
    pub async fn run(&self, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if let Err(error) = self.drain().await {
                tracing::error!(worker = %self.name, %error, "delivery failed");
            }
            let wait = Duration::from_millis(self.settings.idle_wait_ms);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    }
}

/// Runs `workers` workers named `<prefix>-<n>` until none has anything due; the total.
pub async fn drain_with<S: Store>(template: &Worker<S>, workers: usize) -> AppResult<usize> {
    let mut set = tokio::task::JoinSet::new();
    for number in 0..workers.max(1) {
        let mut worker = template.clone();
        worker.name = format!("{}-{number}", template.name);
        set.spawn(async move { worker.drain().await });
    }
    let mut total = 0;
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(handled) => total += handled?,
            Err(error) => return Err(crate::AppError::Io(format!("a worker failed: {error}"))),
        }
    }
    Ok(total)
}
