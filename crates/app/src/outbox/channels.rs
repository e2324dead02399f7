//! The channels a message leaves by: e-mail over SMTP (lettre, one pooled transport), SMS
//! through an HTTP provider (a JSON POST), and in demo mode files under `<data>/outbox/` so a
//! user sees what would have been sent. Each channel passes the outbox id on, as the e-mail's
//! Message-ID and the SMS provider's `Idempotency-Key`, so a message sent again after a
//! worker died is recognisable as the same message.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::Deliverable;

/// Why a send failed, without personal data: recorded with the attempt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ChannelError(pub String);

/// The outcome of a send: the provider's id of the message, when it gave one.
pub type SendResult = Result<Option<String>, ChannelError>;

/// One channel's way out.
pub trait Sender: Send + Sync {
    fn send<'a>(
        &'a self,
        message: &'a Deliverable,
    ) -> Pin<Box<dyn Future<Output = SendResult> + Send + 'a>>;
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text (a relay on the same host, or tests).
    None,
    /// Plain connection upgraded with STARTTLS (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl SmtpSecurity {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "none" => Some(SmtpSecurity::None),
            "starttls" => Some(SmtpSecurity::StartTls),
            "tls" => Some(SmtpSecurity::Tls),
            _ => None,
        }
    }
}

/// Where e-mail goes. Credentials come from the environment (`REILU_SMTP_USERNAME`,
/// `REILU_SMTP_PASSWORD`), never from flags, so they stay out of process listings.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub credentials: Option<(String, String)>,
    /// The From address; its domain also names the Message-IDs.
    pub from: String,
    /// Connections the pool keeps open at most.
    pub connections_max: u32,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("credentials", &self.credentials.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

/// Builds the e-mail of a message: From, To, the subject, text and HTML parts, and a
/// Message-ID made from the outbox id.
pub fn email_of(message: &Deliverable, from: &Mailbox) -> Result<Message, ChannelError> {
    let to: Mailbox = message
        .recipient
        .address
        .parse()
        .map_err(|_| ChannelError("the recipient's e-mail address does not parse".into()))?;
    let domain = from.email.domain();
    let text = message.content.text.clone();
    let html = message.content.html.clone().unwrap_or_default();
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.content.subject.clone().unwrap_or_default())
        .message_id(Some(message_id(message.id, domain)))
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|error| ChannelError(format!("the e-mail could not be built: {error}")))
}

/// The Message-ID of outbox message `id`: the same every time it is sent.
pub fn message_id(id: i64, domain: &str) -> String {
    format!("<outbox-{id}@{domain}>")
}

/// E-mail over SMTP with one pooled transport shared by every worker.
#[derive(Clone)]
pub struct SmtpSender {
    way: SmtpWay,
    from: Mailbox,
    /// lettre's pool bounds the connections it keeps idle, not those open at once: without
    /// this, a batch of 50 sends opens 50 connections.
    connections: Arc<tokio::sync::Semaphore>,
}

impl SmtpSender {
    pub fn new(config: &SmtpConfig) -> Result<Self, ChannelError> {
        let refused = |error: &dyn std::fmt::Display| ChannelError(format!("SMTP: {error}"));
        let from: Mailbox = config.from.parse().map_err(|e| refused(&e))?;
        let connections_max = usize::try_from(config.connections_max.max(1)).unwrap_or(1);
        let connections = Arc::new(tokio::sync::Semaphore::new(connections_max));
        if config.security != SmtpSecurity::Tls {
            let way = SmtpWay::Direct(Arc::new(DirectPool {
                config: config.clone(),
                hello: ClientId::default(),
                idle: Mutex::new(Vec::new()),
            }));
            return Ok(SmtpSender {
                way,
                from,
                connections,
            });
        }
        let builder =
            AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host).map_err(|e| refused(&e))?;
        let mut builder = builder
            .port(config.port)
            .pool_config(PoolConfig::new().max_size(config.connections_max.max(1)));
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(SmtpSender {
            way: SmtpWay::Pooled(builder.build()),
            from,
            connections,
        })
    }
}

impl Sender for SmtpSender {
    fn send<'a>(
        &'a self,
        message: &'a Deliverable,
    ) -> Pin<Box<dyn Future<Output = SendResult> + Send + 'a>> {
        Box::pin(async move {
            let email = email_of(message, &self.from)?;
            let _connection = self
                .connections
                .acquire()
                .await
                .map_err(|_| ChannelError("SMTP sender closed".into()))?;
            let response = match &self.way {
                SmtpWay::Pooled(transport) => transport
                    .send(email)
                    .await
                    .map_err(|error| ChannelError(smtp_error_kind(&error)))?,
                SmtpWay::Direct(pool) => pool.send(&email).await?,
            };
            let said: Vec<&str> = response.message().collect();
            Ok(Some(said.join(" ").chars().take(200).collect()))
        })
    }
}

/// How an [`SmtpSender`] reaches the server. lettre's pooled transport opens its own sockets
/// and leaves Nagle's algorithm on; lettre writes a message's end as a small second write
/// and waits for the answer, so every e-mail waited out the server's delayed ACK (measured:
/// 47 ms an e-mail over one connection, against 1 ms from Python's smtplib to the same
/// server). Plain and STARTTLS connections are therefore opened here, with `TCP_NODELAY`,
/// and kept in a small pool of our own; implicit TLS, which lettre only sets up on sockets
/// it opens, stays on lettre's transport.
#[derive(Clone)]
enum SmtpWay {
    Pooled(AsyncSmtpTransport<Tokio1Executor>),
    Direct(Arc<DirectPool>),
}

struct DirectPool {
    config: SmtpConfig,
    hello: ClientId,
    /// Connections not in use; the sender's semaphore bounds those in use.
    idle: Mutex<Vec<AsyncSmtpConnection>>,
}

impl DirectPool {
    async fn send(
        &self,
        email: &Message,
    ) -> Result<lettre::transport::smtp::response::Response, ChannelError> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let reused = idle.is_some();
        let connection = match idle {
            Some(connection) => connection,
            None => self.connect().await?,
        };
        match self.send_on(connection, email).await {
            // A server closes connections left idle too long; the send on one fails before
            // the server answered anything, so it is sent once more on a fresh connection
            // rather than waiting out the outbox's backoff. The server's own refusals
            // (transient or permanent replies) are not retried here.
            Err(error) if reused && !error.is_transient() && !error.is_permanent() => {
                let fresh = self.connect().await?;
                self.send_on(fresh, email)
                    .await
                    .map_err(|error| ChannelError(smtp_error_kind(&error)))
            }
            sent => sent.map_err(|error| ChannelError(smtp_error_kind(&error))),
        }
    }

    /// Sends on `connection` and keeps it for the next send unless it failed.
    async fn send_on(
        &self,
        mut connection: AsyncSmtpConnection,
        email: &Message,
    ) -> Result<lettre::transport::smtp::response::Response, lettre::transport::smtp::Error> {
        let sent = connection.send(email.envelope(), &email.formatted()).await;
        if sent.is_ok() && !connection.has_broken() {
            self.idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(connection);
        }
        sent
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, ChannelError> {
        let config = &self.config;
        let io = |error: std::io::Error| ChannelError(format!("SMTP connection: {}", error.kind()));
        let smtp = |error: lettre::transport::smtp::Error| ChannelError(smtp_error_kind(&error));
        let stream = tokio::net::TcpStream::connect((config.host.as_str(), config.port))
            .await
            .map_err(io)?;
        stream.set_nodelay(true).map_err(io)?;
        let mut connection =
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
                .await
                .map_err(smtp)?;
        if config.security == SmtpSecurity::StartTls {
            let parameters = TlsParameters::new(config.host.clone()).map_err(smtp)?;
            connection
                .starttls(parameters, &self.hello)
                .await
                .map_err(smtp)?;
        }
        if let Some((user, password)) = &config.credentials {
            let credentials = Credentials::new(user.clone(), password.clone());
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], &credentials)
                .await
                .map_err(smtp)?;
        }
        Ok(connection)
    }
}

/// The kind of an SMTP error; the server's text may quote the address, so it is left out.
fn smtp_error_kind(error: &lettre::transport::smtp::Error) -> String {
    let kind = if error.is_transient() {
        "transient"
    } else if error.is_permanent() {
        "permanent"
    } else if error.is_timeout() {
        "timeout"
    } else if error.is_tls() {
        "tls"
    } else {
        "connection"
    };
    match error.status() {
        Some(code) => format!("SMTP {kind} error {code}"),
        None => format!("SMTP {kind} error"),
    }
}

/// Where SMS go: the provider's URL and the token (from `REILU_SMS_TOKEN`).
#[derive(Clone)]
pub struct SmsConfig {
    pub url: String,
    pub token: String,
}

impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SmsConfig")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// SMS through an HTTP provider: `POST url` with `{to, text, reference}`, a bearer token and
/// the outbox id as `Idempotency-Key`.
#[derive(Clone)]
pub struct SmsSender {
    client: reqwest::Client,
    config: SmsConfig,
}

/// Makes ring the process's TLS crypto provider. reqwest is built without a provider of its
/// own, and cargo builds one reqwest for the whole workspace, so every HTTP client in the
/// process (the SMS sender's, and the tests') needs one installed before it is built. ring is
/// the one lettre already brings (rustls deprecates it for lacking post-quantum key exchange,
/// which only its aws-lc-rs provider has, a C build we avoid). Installing it a second time
/// fails harmlessly.
pub fn install_tls_provider() {
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl SmsSender {
    pub fn new(config: SmsConfig) -> Result<Self, ChannelError> {
        install_tls_provider();
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|error| ChannelError(format!("SMS client: {error}")))?;
        Ok(SmsSender { client, config })
    }
}

/// The reference an SMS provider gets for outbox message `id`.
pub fn sms_reference(id: i64) -> String {
    format!("outbox-{id}")
}

impl Sender for SmsSender {
    fn send<'a>(
        &'a self,
        message: &'a Deliverable,
    ) -> Pin<Box<dyn Future<Output = SendResult> + Send + 'a>> {
        Box::pin(async move {
            let body = serde_json::json!({
                "to": message.recipient.address,
                "text": message.content.text,
                "reference": sms_reference(message.id),
            });
            let response = self
                .client
                .post(&self.config.url)
                .bearer_auth(&self.config.token)
                .header("Idempotency-Key", sms_reference(message.id))
                .json(&body)
                .send()
                .await
                .map_err(|error| ChannelError(http_error_kind(&error)))?;
            let status = response.status();
            if !status.is_success() {
                return Err(ChannelError(format!("SMS provider answered {status}")));
            }
            // A provider that names its message gets its id kept; the body is otherwise not
            // needed.
            let answer: Option<serde_json::Value> = response.json().await.ok();
            Ok(answer
                .as_ref()
                .and_then(|value| value.get("id"))
                .map(|id| id.to_string().trim_matches('"').to_owned()))
        })
    }
}

fn http_error_kind(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "SMS provider timed out".into()
    } else if error.is_connect() {
        "SMS provider unreachable".into()
    } else {
        "SMS request failed".into()
    }
}

/// Demo mode: every channel writes files under `<data>/outbox/`, nothing leaves the machine.
/// One file per message, named by its outbox id and written whole (a temporary file renamed
/// into place): a message sent again after a crash between writing and recording replaces
/// its own file, so the sinks hold each message once.
#[derive(Clone)]
pub struct FileSink {
    root: PathBuf,
    from: Mailbox,
}

impl FileSink {
    pub fn new(root: PathBuf, from: &str) -> Result<Self, ChannelError> {
        let from: Mailbox = from
            .parse()
            .map_err(|error| ChannelError(format!("from address: {error}")))?;
        for folder in ["email", "letters", "sms"] {
            std::fs::create_dir_all(root.join(folder))
                .map_err(|error| ChannelError(format!("outbox folder: {error}")))?;
        }
        Ok(FileSink { root, from })
    }

    fn write(&self, message: &Deliverable) -> SendResult {
        let (folder, extension, bytes) = match message.channel.as_str() {
            "email" => ("email", "eml", email_of(message, &self.from)?.formatted()),
            "letter" => {
                let text = format!(
                    "{}\n{}\n\n{}\n",
                    message.recipient.name, message.recipient.address, message.content.text
                );
                ("letters", "txt", text.into_bytes())
            }
            "sms" => {
                let sms = serde_json::json!({
                    "id": message.id,
                    "case_number": message.case_number,
                    "to": message.recipient.address,
                    "name": message.recipient.name,
                    "text": message.content.text,
                    "reference": sms_reference(message.id),
                });
                ("sms", "json", format!("{sms}\n").into_bytes())
            }
            // Phone messages are call tasks for agents (`reilu tasks`), never sent.
            other => return Err(ChannelError(format!("the sink has no channel {other}"))),
        };
        let path = self
            .root
            .join(folder)
            .join(format!("{}.{extension}", message.id));
        write_whole(&path, &bytes)
            .map_err(|error| ChannelError(format!("sink: {}", error.kind())))?;
        Ok(Some(format!("sink:{}", message.channel)))
    }
}

/// Writes `bytes` to a temporary file beside `path` and renames it into place, so that
/// `path` is never seen half written.
fn write_whole(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}

impl Sender for FileSink {
    fn send<'a>(
        &'a self,
        message: &'a Deliverable,
    ) -> Pin<Box<dyn Future<Output = SendResult> + Send + 'a>> {
        Box::pin(async move { self.write(message) })
    }
}
