//! `reilu deliver`, `reilu outbox list|show|retry`, and the delivery flags `serve` shares.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use reilu_app::outbox::channels::{
    FileSink, SmsConfig, SmsSender, SmtpConfig, SmtpSecurity, SmtpSender,
};
use reilu_app::outbox::deliver::{Channels, Worker, WorkerSettings, drain_with};
use reilu_store::{DeliveryPolicy, OutboxState, SqlStore, Store};

use crate::commands::print_json;
use crate::context::{Target, open_app};

/// How messages are delivered: channels, workers, retries.
#[derive(Args, Clone, Debug)]
pub struct DeliveryArgs {
    /// Write every message to files under <data>/outbox/ instead of sending it.
    #[arg(long)]
    pub sink: bool,
    /// SMTP server host; e-mail is not delivered without it (or --sink).
    #[arg(long, env = "REILU_SMTP_HOST")]
    pub smtp_host: Option<String>,
    #[arg(long, env = "REILU_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// none, starttls or tls.
    #[arg(long, env = "REILU_SMTP_SECURITY", default_value = "starttls")]
    pub smtp_security: String,
    /// The From address of e-mail.
    #[arg(
        long,
        env = "REILU_SMTP_FROM",
        default_value = "Reilu <noreply@reilu.invalid>"
    )]
    pub smtp_from: String,
    /// SMTP connections kept open at most (shared by every worker).
    #[arg(long, default_value_t = 8)]
    pub smtp_connections: u32,
    /// The SMS provider's URL (JSON POST); the token comes from REILU_SMS_TOKEN.
    #[arg(long, env = "REILU_SMS_URL")]
    pub sms_url: Option<String>,
    /// Delivery workers.
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// Messages a worker leases at once.
    #[arg(long, default_value_t = 50)]
    pub batch_size: i64,
    /// Seconds a lease lasts before another worker may take the message.
    #[arg(long, default_value_t = 60)]
    pub lease_secs: i64,
    /// Attempts after which a failing message is dead.
    #[arg(long, default_value_t = 8)]
    pub attempts_max: i64,
    /// Seconds after the first failure; doubles per failure up to --backoff-cap-secs.
    #[arg(long, default_value_t = 30)]
    pub backoff_base_secs: i64,
    #[arg(long, default_value_t = 21_600)]
    pub backoff_cap_secs: i64,
}

impl DeliveryArgs {
    pub fn settings(&self) -> WorkerSettings {
        WorkerSettings {
            batch_size: self.batch_size.max(1),
            idle_wait_ms: 1_000,
            policy: DeliveryPolicy {
                lease_ms: self.lease_secs.max(1) * 1_000,
                backoff_base_ms: self.backoff_base_secs.max(0) * 1_000,
                backoff_cap_ms: self.backoff_cap_secs.max(0) * 1_000,
                attempts_max: self.attempts_max.max(1),
            },
        }
    }

    /// The channels these flags configure: e-mail, SMS and letters to the sinks with
    /// `--sink`, else SMTP and SMS where configured. Phone messages have no sender: they wait
    /// in the outbox as call tasks for agents (`reilu tasks`), in demo mode too.
    pub fn channels(&self, target: &Target) -> anyhow::Result<Channels> {
        if self.sink {
            let sink = FileSink::new(target.data.join("outbox"), &self.smtp_from)
                .map_err(|error| anyhow::anyhow!("{error}"))?;
            let sink = Arc::new(sink);
            return Ok(Channels::default()
                .with("email", sink.clone())
                .with("sms", sink.clone())
                .with("letter", sink));
        }
        let mut channels = Channels::default();
        if let Some(host) = &self.smtp_host {
            let security = SmtpSecurity::parse(&self.smtp_security).with_context(|| {
                format!(
                    "--smtp-security {}: none, starttls or tls",
                    self.smtp_security
                )
            })?;
            let credentials = match (
                std::env::var("REILU_SMTP_USERNAME"),
                std::env::var("REILU_SMTP_PASSWORD"),
            ) {
                (Ok(user), Ok(password)) => Some((user, password)),
                _ => None,
            };
            let config = SmtpConfig {
                host: host.clone(),
                port: self.smtp_port,
                security,
                credentials,
                from: self.smtp_from.clone(),
                connections_max: self.smtp_connections,
            };
            let sender = SmtpSender::new(&config).map_err(|error| anyhow::anyhow!("{error}"))?;
            channels = channels.with("email", Arc::new(sender));
        }
        if let Some(url) = &self.sms_url {
            let token = std::env::var("REILU_SMS_TOKEN")
                .context("--sms-url needs the provider's token in REILU_SMS_TOKEN")?;
            let sender = SmsSender::new(SmsConfig {
                url: url.clone(),
                token,
            })
            .map_err(|error| anyhow::anyhow!("{error}"))?;
            channels = channels.with("sms", Arc::new(sender));
        }
        Ok(channels)
    }

    /// A worker over `app`'s store with these flags' channels.
    pub fn worker(
        &self,
        target: &Target,
        app: &reilu_app::App<SqlStore>,
    ) -> anyhow::Result<Worker<SqlStore>> {
        Ok(Worker {
            name: format!("{}-{}", hostname(), std::process::id()),
            store: app.store().clone(),
            vault: app.vault.clone(),
            channels: self.channels(target)?,
            clock: app.clock.clone(),
            settings: self.settings(),
        })
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "reilu".into())
}

#[derive(Args)]
pub struct DeliverArgs {
    /// Drain what is due now and stop (default: keep running until Ctrl-C).
    #[arg(long)]
    once: bool,
    #[command(flatten)]
    delivery: DeliveryArgs,
}

/// `reilu deliver`: the delivery workers alone.
pub async fn deliver(target: &Target, args: DeliverArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let worker = args.delivery.worker(target, &app)?;
    if worker.channels.names().is_empty() {
        bail!("no channel configured: give --smtp-host, --sms-url or --sink");
    }
    if args.once {
        let handled = drain_with(&worker, args.delivery.workers).await?;
        println!("{handled} messages handled");
        print_counts(app.store()).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let (stop, handles) = spawn_workers(&worker, args.delivery.workers);
    let _ = tokio::signal::ctrl_c().await;
    let _ = stop.send(true);
    for handle in handles {
        let _ = handle.await;
    }
    Ok(ExitCode::SUCCESS)
}

/// Starts `count` workers that run until the returned sender says stop.
pub fn spawn_workers(
    worker: &Worker<SqlStore>,
    count: usize,
) -> (
    tokio::sync::watch::Sender<bool>,
    Vec<tokio::task::JoinHandle<()>>,
) {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let handles = (0..count.max(1))
        .map(|number| {
            let mut worker = worker.clone();
            worker.name = format!("{}-{number}", worker.name);
            let stopped = stopped.clone();
            tokio::spawn(async move { worker.run(stopped).await })
        })
        .collect();
    (stop, handles)
}

async fn print_counts(store: &SqlStore) -> anyhow::Result<()> {
    for (state, count) in store.outbox_counts().await? {
        println!("{:8} {count}", state.as_str());
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Messages in the outbox, oldest first (metadata only).
    List {
        /// queued, sending, sent or dead.
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// One message with its attempts; its recipient and text only with --reader and
    /// --purpose (the read is journaled).
    Show {
        id: i64,
        #[arg(long, requires = "purpose")]
        reader: Option<String>,
        #[arg(long, requires = "reader")]
        purpose: Option<String>,
    },
    /// Put a dead message back in the queue (journaled).
    Retry {
        id: i64,
        #[arg(long, default_value = "cli")]
        actor: String,
    },
}

pub async fn run(target: &Target, command: OutboxCommand) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    match command {
        OutboxCommand::List { state, limit, json } => {
            let state =
                match state.as_deref() {
                    Some(text) => Some(OutboxState::parse(text).with_context(|| {
                        format!("--state {text}: queued, sending, sent or dead")
                    })?),
                    None => None,
                };
            let messages = app.store().outbox_messages(state, limit).await?;
            let rows: Vec<_> = messages.iter().map(metadata).collect();
            if json {
                print_json(&rows)?;
            } else {
                println!(
                    "{:>8} {:>10} {:7} {:14} {:4} {:8} {:>3}",
                    "id", "case", "channel", "template", "lang", "state", "try"
                );
                for m in &messages {
                    println!(
                        "{:>8} {:>10} {:7} {:14} {:4} {:8} {:>3}",
                        m.id,
                        m.case_number,
                        m.channel,
                        m.template,
                        m.language,
                        m.state.as_str(),
                        m.attempts
                    );
                }
            }
        }
        OutboxCommand::Show {
            id,
            reader,
            purpose,
        } => {
            let message = app.store().outbox_message(id).await?;
            let message = message.with_context(|| format!("no outbox message {id}"))?;
            let attempts = app.store().outbox_attempts(id).await?;
            let mut shown = metadata(&message);
            shown["attempts_recorded"] = serde_json::json!(attempts
                .iter()
                .map(|a| serde_json::json!({"attempt": a.attempt, "at_ms": a.at_ms, "outcome": a.outcome, "error": a.error}))
                .collect::<Vec<_>>());
            if let (Some(reader), Some(purpose)) = (reader, purpose) {
                let opened = app.read_outbox_message(id, &reader, &purpose).await?;
                shown["recipient"] = serde_json::json!({"name": opened.recipient.name, "address": opened.recipient.address});
                shown["content"] = serde_json::json!({"subject": opened.content.subject, "text": opened.content.text, "html": opened.content.html});
            }
            print_json(&shown)?;
        }
        OutboxCommand::Retry { id, actor } => {
            if !app.store().retry_message(id, &actor, app.now_ms()).await? {
                bail!("no dead outbox message {id}");
            }
            println!("outbox message {id} queued again");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn metadata(m: &reilu_store::OutboxMessage) -> serde_json::Value {
    serde_json::json!({
        "id": m.id, "case_number": m.case_number, "decision_id": m.decision_id,
        "channel": m.channel, "template": m.template, "language": m.language,
        "state": m.state.as_str(), "attempts": m.attempts, "next_attempt_ms": m.next_attempt_ms,
        "lease_until_ms": m.lease_until_ms, "leased_by": m.leased_by, "created_ms": m.created_ms,
        "sent_ms": m.sent_ms, "provider_id": m.provider_id,
    })
}
