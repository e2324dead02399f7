//! Verifiable messages (anti-scam). Every letter, e-mail and SMS the run writes carries a short
//! code a person can type; the message's commitment — its id, channel, a digest of its
//! recipient, the creditor, the amount, the reference's last digits and the time — is signed
//! with Ed25519 and kept under the code. Anyone can then check a code: a genuine one shows
//! when and on which channel the message went out, the reference's last digits and the
//! amount, and nothing a stranger could use; an unknown one gets plain advice.

use chrono::{DateTime, Utc};
use rand::Rng;
use reilu_store::{SignedCommitment, Store};
use reilu_vault::MessageSigningKey;
use serde::Serialize;

use crate::{App, AppResult};

/// Where anyone checks a code when the installation does not say (`REILU_PUBLIC_URL`).
pub const VERIFY_ADDRESS_DEFAULT: &str = "reilu.example/verify";

/// What signs messages' commitments and where the messages send people to check them.
#[derive(Debug, Clone)]
pub struct MessageSigner {
    pub key: MessageSigningKey,
    /// Printed in every message: the installation's public `/verify` page, without scheme.
    pub verify_address: String,
}

impl MessageSigner {
    /// A fresh key held in memory, the default address.
    pub fn ephemeral() -> Self {
        MessageSigner {
            key: MessageSigningKey::ephemeral(),
            verify_address: VERIFY_ADDRESS_DEFAULT.to_owned(),
        }
    }
}

/// The address messages print for a public base URL (`https://perinta.example.fi/`): its
/// host and path with `/verify`, no scheme (shorter in an SMS, and what people type).
pub fn verify_address_of(public_url: &str) -> String {
    let trimmed = public_url.trim().trim_end_matches('/');
    let without_scheme = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .unwrap_or(trimmed);
    format!("{without_scheme}/verify")
}

/// Characters of a code: capitals and digits without the ones people confuse (0/O, 1/I/L).
pub const CODE_ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters in a code: 10 × log2(31) ≈ 49.5 bits, drawn from the operating system's
/// generator, so guessing one is hopeless at the rate `/verify` allows.
pub const CODE_LENGTH: usize = 10;
/// The first line of every commitment: what the signed text is, and its version.
const COMMITMENT_HEADER: &str = "reilu-message-commitment/v1";

/// What a message commits to, before it is signed.
#[derive(Debug, Clone)]
pub struct CommitmentFacts<'a> {
    pub decision_id: &'a str,
    pub channel: &'a str,
    /// The keyed digest of the address the message goes to ([`recipient_digest`]): a plain
    /// hash of a phone number or e-mail address is undone by hashing every candidate, and the
    /// log publishes commitments.
    pub recipient_digest: &'a str,
    pub creditor: &'a str,
    pub amount: &'a str,
    pub reference: &'a str,
    pub sent_at: DateTime<Utc>,
}

/// A fresh random code.
pub fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LENGTH)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// A code as people are shown it: `ABCD-EFGH-JK`.
pub fn display_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed, in its stored form: separators and spaces dropped, letters upper-cased;
/// None for what cannot be a code (so the store is not asked).
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\t'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid = code.len() == CODE_LENGTH && code.bytes().all(|b| CODE_ALPHABET.contains(&b));
    valid.then_some(code)
}

/// The last four characters of a reference (all of it when shorter).
fn reference_end(reference: &str) -> String {
    let compact: Vec<char> = reference.chars().filter(|c| !c.is_whitespace()).collect();
    compact[compact.len().saturating_sub(4)..].iter().collect()
}

/// The recipient as a commitment names it: a blind index of the address under a key derived
/// from the master key, so that only Reilu can tell whether a commitment is to a given
/// address.
pub fn recipient_digest(vault: &reilu_vault::Vault, address: &str) -> String {
    vault.blind_index("message-recipient", address.trim())
}

/// Signs a message's commitment under `code` with `key`.
pub fn sign_commitment(
    key: &MessageSigningKey,
    code: &str,
    facts: &CommitmentFacts<'_>,
) -> SignedCommitment {
    let text = format!(
        "{COMMITMENT_HEADER}\nid {}\ncode {code}\nchannel {}\nrecipient {}\n\
         creditor {}\namount {}\nreference-end {}\nsent {}\nkey {}\n",
        facts.decision_id,
        facts.channel,
        facts.recipient_digest,
        one_line(facts.creditor),
        one_line(facts.amount),
        reference_end(facts.reference),
        facts
            .sent_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        key.key_id()
    );
    SignedCommitment {
        code: code.to_owned(),
        signature: key.sign(text.as_bytes()),
        key_id: key.key_id().to_owned(),
        public_key: key.public_key_hex(),
        text,
    }
}

/// A value on one line of the signed text (a line break would forge a field).
fn one_line(value: &str) -> String {
    value.replace(['\n', '\r'], " ")
}

/// What checking a code found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Verification {
    /// A message Reilu sent: when, on which channel, the reference's end and the amount.
    Genuine {
        sent_at: String,
        channel: String,
        reference_end: String,
        amount: String,
    },
    /// No message of ours has this code.
    Unknown,
}

impl<S: Store> App<S> {
    /// Checks a typed code: genuine only when a commitment has it and its signature verifies
    /// with the key it names (a row altered in the store is not genuine).
    pub async fn verify_code(&self, typed: &str) -> AppResult<Verification> {
        let Some(code) = normalise_code(typed) else {
            return Ok(Verification::Unknown);
        };
        let Some(row) = self.store().commitment_by_code(&code).await? else {
            return Ok(Verification::Unknown);
        };
        let signed =
            reilu_vault::verify_signature(&row.public_key, row.text.as_bytes(), &row.signature);
        let field = |name: &str| {
            row.text
                .lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
                .map(str::to_owned)
        };
        let names_this_code = field("code").as_deref() == Some(code.as_str());
        match (
            signed,
            names_this_code,
            field("sent"),
            field("reference-end"),
            field("amount"),
        ) {
            (Ok(()), true, Some(sent_at), Some(reference_end), Some(amount)) => {
                Ok(Verification::Genuine {
                    sent_at,
                    channel: row.channel,
                    reference_end,
                    amount,
                })
            }
            _ => {
                tracing::warn!(code = %display_code(&code), "a stored message commitment does not verify");
                Ok(Verification::Unknown)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verify_address_is_the_public_url_without_scheme() {
        assert_eq!(
            verify_address_of("https://perinta.example.fi/"),
            "perinta.example.fi/verify"
        );
        assert_eq!(
            verify_address_of(" http://x.test/base "),
            "x.test/base/verify"
        );
        assert_eq!(
            MessageSigner::ephemeral().verify_address,
            VERIFY_ADDRESS_DEFAULT
        );
    }

    #[test]
    fn codes_are_typed_back_in_any_case_with_separators_and_others_refused() {
        let code = new_code();
        assert_eq!(code.len(), CODE_LENGTH);
        let shown = display_code(&code);
        assert_eq!(shown.len(), CODE_LENGTH + 2);
        assert_eq!(normalise_code(&shown.to_lowercase()), Some(code.clone()));
        assert_eq!(normalise_code(" ABCD EFGH JK "), Some("ABCDEFGHJK".into()));
        assert_eq!(
            normalise_code("ABCD-EFGH-J0"),
            None,
            "0 is not in the alphabet"
        );
        assert_eq!(normalise_code("ABCD"), None);
        assert_eq!(normalise_code("ABCD-EFGH-JKL"), None);
    }

    #[test]
    fn a_commitment_is_signed_with_no_field_forged_by_a_line_break() {
        let key = MessageSigningKey::ephemeral();
        let facts = CommitmentFacts {
            decision_id: "d-1",
            channel: "sms",
            recipient_digest: "00112233445566778899aabbccddeeff",
            creditor: "Shop\ncode FORGEDCODE",
            amount: "120.50 EUR",
            reference: "RF18 5390 0754 7034",
            sent_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
        };
        let signed = sign_commitment(&key, "ABCDEFGHJK", &facts);
        assert!(
            signed.text.contains("reference-end 7034\n"),
            "{}",
            signed.text
        );
        assert!(!signed.text.contains("+358"), "the recipient is a digest");
        assert_eq!(signed.text.matches("\ncode ").count(), 1, "{}", signed.text);
        reilu_vault::verify_signature(
            &signed.public_key,
            signed.text.as_bytes(),
            &signed.signature,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}
