//! The outbox in the application: messages rendered from templates and sealed for the store
//! ([`build_message`]), the channels that deliver them ([`channels`]) and the workers that
//! drain the outbox ([`deliver`]).

pub mod channels;
pub mod deliver;
pub mod templates;

use reilu_core::CustomerDetails;
use reilu_store::{NewOutboxMessage, OutboxMessage};
use reilu_vault::Vault;
use serde::{Deserialize, Serialize};

pub use templates::{MessageValues, RenderedMessage, Templates};

use crate::{AppError, AppResult};

/// Who a message goes to: a name and the channel's address (an e-mail address, a phone
/// number, or a postal address in lines).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub address: String,
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Recipient(***)")
    }
}

/// What the run asks for one case: the channel, template and language, and the values
/// formatted for the customer.
#[derive(Debug, Clone)]
pub struct MessageRequest<'a> {
    pub case_number: i64,
    pub decision_id: &'a str,
    pub channel: &'a str,
    pub template: &'a str,
    pub language: &'a str,
    pub values: MessageValues,
    pub not_before_ms: i64,
    /// Signs the message's commitment and gives it a verification code; None leaves the
    /// message without one (tests of the channels alone).
    pub signer: Option<&'a crate::verify::MessageSigner>,
}

/// The context a message's sealed parts are bound to: its decision, so that sealed bytes
/// moved to another row do not open.
fn seal_context(decision_id: &str) -> Vec<u8> {
    format!("outbox:{decision_id}").into_bytes()
}

/// The language a template is written in for a customer's language tag: its primary
/// language when Reilu has templates in it, English otherwise.
pub fn template_language(tag: &str) -> &'static str {
    let primary = tag
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    templates::LANGUAGES
        .into_iter()
        .find(|language| *language == primary)
        .unwrap_or("en")
}

/// Renders a message for a customer whose contact data the caller has opened, and seals its
/// recipient and content for the outbox. Fails when the customer has no address for the
/// channel.
pub fn build_message(
    vault: &Vault,
    templates: &Templates,
    customer: &CustomerDetails,
    request: &MessageRequest<'_>,
) -> AppResult<NewOutboxMessage> {
    let address = match request.channel {
        "email" => customer.email.as_ref().map(|email| email.peek().to_owned()),
        "sms" | "phone" => customer.phone.as_ref().map(|phone| phone.peek().to_owned()),
        "letter" => Some(format!(
            "{}\n{} {}\n{}",
            customer.address.line1.peek(),
            customer.address.postcode.peek(),
            customer.address.city.peek(),
            customer.address.country
        )),
        other => return Err(AppError::Invalid(format!("no channel {other}"))),
    };
    let address = address.ok_or_else(|| {
        AppError::Invalid(format!(
            "case {} has no address for {}",
            request.case_number, request.channel
        ))
    })?;
    let recipient = Recipient {
        name: customer.name.peek().to_owned(),
        address,
    };
    let mut content = templates.render(
        request.template,
        request.language,
        request.channel,
        &request.values,
    )?;
    let commitment = request
        .signer
        .map(|signer| commit(vault, signer, request, &recipient.address, &mut content))
        .transpose()?;
    let context = seal_context(request.decision_id);
    Ok(NewOutboxMessage {
        case_number: request.case_number,
        decision_id: request.decision_id.to_owned(),
        channel: request.channel.to_owned(),
        template: request.template.to_owned(),
        language: request.language.to_owned(),
        recipient_sealed: vault.seal(&to_json(&recipient)?, &context),
        content_sealed: vault.seal(&to_json(&content)?, &context),
        not_before_ms: request.not_before_ms,
        commitment,
    })
}

/// Gives the message a verification code, says how to check it at the end of every part, and
/// signs its commitment.
fn commit(
    vault: &Vault,
    signer: &crate::verify::MessageSigner,
    request: &MessageRequest<'_>,
    address: &str,
    content: &mut RenderedMessage,
) -> AppResult<reilu_store::SignedCommitment> {
    let code = crate::verify::new_code();
    let sent_at = chrono::DateTime::from_timestamp_millis(request.not_before_ms)
        .ok_or_else(|| AppError::Invalid("a message's time is out of range".into()))?;
    let facts = crate::verify::CommitmentFacts {
        decision_id: request.decision_id,
        channel: request.channel,
        recipient_digest: &crate::verify::recipient_digest(vault, address),
        creditor: &request.values.creditor,
        amount: &request.values.amount,
        reference: &request.values.reference,
        sent_at,
    };
    let shown = crate::verify::display_code(&code);
    let line = templates::verification_line(request.language, &signer.verify_address, &shown);
    content.text = format!("{}\n\n{line}", content.text.trim_end());
    if let Some(html) = &mut content.html {
        // The code and the line are ours (no customer data): nothing to escape.
        *html = format!("{}\n<p>{line}</p>", html.trim_end());
    }
    Ok(crate::verify::sign_commitment(&signer.key, &code, &facts))
}

fn to_json<T: Serialize>(value: &T) -> AppResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(|error| AppError::Invalid(error.to_string()))
}

/// A stored message opened for delivery.
#[derive(Debug, Clone)]
pub struct Deliverable {
    pub id: i64,
    pub case_number: i64,
    pub channel: String,
    pub language: String,
    pub recipient: Recipient,
    pub content: RenderedMessage,
}

/// Opens a stored message's recipient and content.
pub fn open_message(vault: &Vault, message: &OutboxMessage) -> AppResult<Deliverable> {
    let context = seal_context(&message.decision_id);
    let recipient = vault.open(&message.recipient_sealed, &context)?;
    let content = vault.open(&message.content_sealed, &context)?;
    let damaged = |_| AppError::Invalid(format!("outbox message {} does not parse", message.id));
    Ok(Deliverable {
        id: message.id,
        case_number: message.case_number,
        channel: message.channel.clone(),
        language: message.language.clone(),
        recipient: serde_json::from_slice(&recipient).map_err(damaged)?,
        content: serde_json::from_slice(&content).map_err(damaged)?,
    })
}

impl<S: reilu_store::Store> crate::App<S> {
    /// Opens an outbox message's recipient and content for `reader` (who) and `purpose`
    /// (why), journaled before it is opened as every read of personal data is.
    pub async fn read_outbox_message(
        &self,
        id: i64,
        reader: &str,
        purpose: &str,
    ) -> AppResult<Deliverable> {
        if reader.trim().is_empty() || purpose.trim().is_empty() {
            return Err(AppError::Invalid(
                "say who reads personal data and why".into(),
            ));
        }
        let message = self.store().outbox_message(id).await?;
        let message =
            message.ok_or_else(|| AppError::NotFound(format!("no outbox message {id}")))?;
        let case = self.store().case_by_number(message.case_number).await?;
        let subject = case
            .map(|case| format!("customer:{}", case.customer_id))
            .unwrap_or_else(|| format!("case:{}", message.case_number));
        let payload = serde_json::json!({
            "outbox_id": id, "case_number": message.case_number, "purpose": purpose.trim(),
        });
        let entry = reilu_store::NewJournalEntry {
            at_ms: self.now_ms(),
            actor: reader.trim().to_owned(),
            kind: "personal_data.read".into(),
            subject,
            payload: payload.to_string(),
        };
        self.store().append_journal(&entry).await?;
        open_message(&self.vault, &message)
    }
}
