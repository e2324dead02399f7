//! `reilu bench outbox`: the outbox draining N e-mails into an SMTP server, against the same
//! messages sent by a plain loop over one SMTP connection, side by side in one run. The
//! outbox pays for durability (a lease and a recorded attempt per message, in batches, on a
//! fresh SQLite store) and opens each sealed message; the loop only builds and sends.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use reilu_app::SystemClock;
use reilu_app::outbox::channels::{Sender, SmtpConfig, SmtpSecurity, SmtpSender};
use reilu_app::outbox::deliver::{Channels, Worker, WorkerSettings, drain_with};
use reilu_app::outbox::{Deliverable, MessageRequest, MessageValues, Templates, build_message};
use reilu_core::{CustomerDetails, CustomerKind, Email, LanguageTag, PostalAddress, Secret};
use reilu_store::{SqlStore, Store};
use reilu_vault::{MasterKey, Vault};
use serde::Serialize;

use crate::context::sqlite_url;

#[derive(Args)]
pub struct OutboxBenchArgs {
    /// E-mails to send in each phase.
    #[arg(long, default_value_t = 100_000)]
    messages: usize,
    /// The SMTP server (plain text, no authentication), HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    smtp: String,
    /// Delivery workers of the outbox phase.
    #[arg(long, default_value_t = 4)]
    workers: usize,
    /// SMTP connections the outbox's pooled transport may open.
    #[arg(long, default_value_t = 4)]
    connections: u32,
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
pub struct OutboxBenchReport {
    pub messages: usize,
    pub plain_loop_per_second: f64,
    pub enqueue_per_second: f64,
    pub outbox_per_second: f64,
    /// Outbox rate over plain-loop rate.
    pub ratio: f64,
}

const FROM: &str = "Reilu <bench@reilu.test>";

pub async fn run(args: OutboxBenchArgs) -> anyhow::Result<OutboxBenchReport> {
    let (host, port) = args.smtp.rsplit_once(':').context("--smtp HOST:PORT")?;
    let port: u16 = port.parse().context("--smtp HOST:PORT: the port")?;
    let config = |connections_max| SmtpConfig {
        host: host.to_owned(),
        port,
        security: SmtpSecurity::None,
        credentials: None,
        from: FROM.into(),
        connections_max,
    };
    let vault = Vault::new(&MasterKey::generate());
    let templates = Templates::builtin()?;
    let language = LanguageTag::parse("fi").map_err(|e| anyhow::anyhow!("{e}"))?;
    let decisions: Vec<String> = (0..args.messages).map(|n| format!("bench-{n}")).collect();
    let messages: Vec<_> = decisions
        .iter()
        .enumerate()
        .map(|(n, decision)| {
            let customer = customer(n, language.clone());
            build_message(&vault, &templates, &customer, &request(n, decision))
        })
        .collect::<Result<_, _>>()?;

    let plain = SmtpSender::new(&config(1)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let opened: Vec<Deliverable> = messages
        .iter()
        .enumerate()
        .map(|(n, message)| deliverable(&vault, n, message))
        .collect::<Result<_, _>>()?;
    let started = Instant::now();
    plain_loop(&plain, &opened).await?;
    let plain_secs = started.elapsed().as_secs_f64();

    let folder = std::env::temp_dir().join(format!("reilu-bench-outbox-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    let store =
        SqlStore::connect(&sqlite_url(&folder), MasterKey::generate().journal_key()).await?;
    let started = Instant::now();
    for chunk in messages.chunks(1_000) {
        store.enqueue_messages(chunk).await?;
    }
    let enqueue_secs = started.elapsed().as_secs_f64();
    let sender = SmtpSender::new(&config(args.connections)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let worker = Worker {
        name: "bench".into(),
        store: store.clone(),
        vault,
        channels: Channels::default().with("email", Arc::new(sender)),
        clock: Arc::new(SystemClock),
        settings: WorkerSettings::default(),
    };
    let started = Instant::now();
    let handled = drain_with(&worker, args.workers).await?;
    let outbox_secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        handled == args.messages,
        "the outbox handled {handled} of {}",
        args.messages
    );
    let sent = store.outbox_counts().await?;
    store.close().await;
    // The folder held only this run's store.
    let _ = std::fs::remove_dir_all(&folder);
    anyhow::ensure!(
        sent == vec![(
            reilu_store::OutboxState::Sent,
            i64::try_from(args.messages)?
        )],
        "not every message was sent: {sent:?}"
    );
    let rate = |secs: f64| args.messages as f64 / secs.max(1e-9);
    Ok(OutboxBenchReport {
        messages: args.messages,
        plain_loop_per_second: rate(plain_secs),
        enqueue_per_second: rate(enqueue_secs),
        outbox_per_second: rate(outbox_secs),
        ratio: rate(outbox_secs) / rate(plain_secs),
    })
}

/// The same message the outbox will send, opened, with the id it will get (ids start at 1).
fn deliverable(
    vault: &Vault,
    n: usize,
    message: &reilu_store::NewOutboxMessage,
) -> anyhow::Result<Deliverable> {
    let stored = reilu_store::OutboxMessage {
        id: i64::try_from(n)? + 1,
        case_number: message.case_number,
        decision_id: message.decision_id.clone(),
        channel: message.channel.clone(),
        template: message.template.clone(),
        language: message.language.clone(),
        recipient_sealed: message.recipient_sealed.clone(),
        content_sealed: message.content_sealed.clone(),
        state: reilu_store::OutboxState::Queued,
        attempts: 0,
        next_attempt_ms: 0,
        lease_until_ms: None,
        leased_by: None,
        created_ms: 0,
        sent_ms: None,
        provider_id: None,
    };
    Ok(reilu_app::outbox::open_message(vault, &stored)?)
}

/// The baseline: one connection, one message after another, nothing recorded.
async fn plain_loop(sender: &SmtpSender, messages: &[Deliverable]) -> anyhow::Result<()> {
    for message in messages {
        sender
            .send(message)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}

fn customer(n: usize, language: LanguageTag) -> CustomerDetails {
    CustomerDetails {
        kind: CustomerKind::Consumer,
        national_id: Secret::new(format!("bench-{n}")),
        name: Secret::new(format!("Customer {n}")),
        address: PostalAddress {
            line1: Secret::new(format!("Street {n}")),
            postcode: Secret::new("00100".into()),
            city: Secret::new("Helsinki".into()),
            country: "FI".into(),
        },
        email: Email::parse(&format!("customer{n}@example.test")).ok(),
        phone: None,
        language,
    }
}

fn request(n: usize, decision: &str) -> MessageRequest<'_> {
    MessageRequest {
        case_number: 1_000_000 + i64::try_from(n).unwrap_or(0),
        decision_id: decision,
        channel: "email",
        template: ["reminder", "demand", "payment_nudge"][n % 3],
        language: ["fi", "sv", "en"][n % 3],
        values: MessageValues {
            creditor: "Kauppa Oy".into(),
            amount: format!("{},{:02} EUR", 50 + n % 900, n % 100),
            reference: format!("RF{n:08}"),
            case_number: (1_000_000 + n).to_string(),
            pay_by: "31.12.2026".into(),
            customer_name: format!("Customer {n}"),
        },
        not_before_ms: 0,
        signer: None,
    }
}
