//! The payload of an EPC QR code ("SEPA credit transfer QR", European Payments Council,
//! EPC069-12 *Quick Response Code: Guidelines to Enable Data Capture for the Initiation of a
//! SEPA Credit Transfer*, version 2 of the format): the text a banking app reads from a
//! letter to fill in a euro transfer.
//!
//! Lines, separated by LF: `BCD`, `002`, the character set (`1`: UTF-8), `SCT`, the BIC
//! (optional in version 002), the beneficiary's name (≤ 70), the IBAN, `EUR` and the amount
//! (0.01–999,999,999.99, a dot, at most two decimals), the purpose (4 characters, optional),
//! a structured creditor reference (RF, ≤ 35) or else an unstructured text (≤ 140), and a
//! note to the payer (≤ 70, optional). Empty fields at the end are left out; the whole
//! payload is at most 331 bytes.

/// The most a payload may be, in bytes (EPC069-12).
pub const PAYLOAD_BYTES_MAX: usize = 331;
const AMOUNT_CENTS_MAX: i64 = 99_999_999_999;

/// What the payer's bank shows as the payment's remittance information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remittance {
    /// An ISO 11649 creditor reference (RF…), checked by the caller.
    Structured(String),
    Unstructured(String),
}

/// A euro transfer to put in a QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpcPayment {
    pub name: String,
    pub iban: String,
    pub bic: Option<String>,
    pub amount_cents: i64,
    pub remittance: Remittance,
    /// A note shown to the payer.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EpcError {
    #[error("{field} is longer than the {max} characters an EPC QR code allows")]
    TooLong { field: &'static str, max: usize },
    #[error("{0} cannot hold a line break (it would shift the fields after it)")]
    LineBreak(&'static str),
    #[error("the beneficiary's name is empty")]
    NoName,
    #[error("the IBAN is not valid")]
    Iban,
    #[error("a BIC has 8 or 11 characters")]
    Bic,
    #[error("the amount must be from 0.01 to 999,999,999.99 euros")]
    Amount,
    #[error("the payload is {0} bytes; an EPC QR code holds at most 331")]
    TooBig(usize),
}

/// The payload for `payment`.
pub fn epc_qr_payload(payment: &EpcPayment) -> Result<String, EpcError> {
    let name = field("the name", payment.name.trim(), 70)?;
    if name.is_empty() {
        return Err(EpcError::NoName);
    }
    let iban = crate::iban::AccountIban::parse(&payment.iban).map_err(|_| EpcError::Iban)?;
    let bic = payment.bic.as_deref().map(str::trim).unwrap_or("");
    if !bic.is_empty() && bic.len() != 8 && bic.len() != 11 {
        return Err(EpcError::Bic);
    }
    let (structured, text) = match &payment.remittance {
        Remittance::Structured(reference) => (field("the reference", reference.trim(), 35)?, ""),
        Remittance::Unstructured(text) => ("", field("the text", text.trim_end(), 140)?),
    };
    let note = field("the note", payment.note.as_deref().unwrap_or("").trim(), 70)?;
    let fields = [
        "BCD",
        "002",
        "1",
        "SCT",
        bic,
        name,
        iban.as_str(),
        &amount(payment.amount_cents)?,
        "",
        structured,
        text,
        note,
    ];
    let last = fields
        .iter()
        .rposition(|field| !field.is_empty())
        .unwrap_or(0);
    let payload = fields[..=last].join("\n");
    if payload.len() > PAYLOAD_BYTES_MAX {
        return Err(EpcError::TooBig(payload.len()));
    }
    Ok(payload)
}

fn field<'a>(name: &'static str, value: &'a str, max: usize) -> Result<&'a str, EpcError> {
    if value.contains(['\n', '\r']) {
        return Err(EpcError::LineBreak(name));
    }
    if value.chars().count() > max {
        return Err(EpcError::TooLong { field: name, max });
    }
    Ok(value)
}

/// `EUR` and the amount with a dot and no trailing zeros after it (`EUR120.5`, `EUR7`).
fn amount(cents: i64) -> Result<String, EpcError> {
    if !(1..=AMOUNT_CENTS_MAX).contains(&cents) {
        return Err(EpcError::Amount);
    }
    let (euros, cents) = (cents / 100, cents % 100);
    Ok(match cents {
        0 => format!("EUR{euros}"),
        c if c % 10 == 0 => format!("EUR{euros}.{}", c / 10),
        c => format!("EUR{euros}.{c:02}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payment(remittance: Remittance) -> EpcPayment {
        EpcPayment {
            name: "Kauppa Oy".into(),
            iban: "FI21 1234 5600 0007 85".into(),
            bic: Some("NDEAFIHH".into()),
            amount_cents: 12_050,
            remittance,
            note: None,
        }
    }

    #[test]
    fn a_structured_reference_ends_the_payload() {
        let payload = epc_qr_payload(&payment(Remittance::Structured("RF18539007547034".into())));
        assert_eq!(
            payload.as_deref(),
            Ok(
                "BCD\n002\n1\nSCT\nNDEAFIHH\nKauppa Oy\nFI2112345600000785\nEUR120.5\n\nRF18539007547034"
            )
        );
    }

    #[test]
    fn line_breaks_lengths_and_amounts_are_refused() {
        let mut bad = payment(Remittance::Unstructured("a\nb".into()));
        assert_eq!(epc_qr_payload(&bad), Err(EpcError::LineBreak("the text")));
        bad.remittance = Remittance::Unstructured("x".repeat(141));
        assert!(matches!(
            epc_qr_payload(&bad),
            Err(EpcError::TooLong { .. })
        ));
        bad.remittance = Remittance::Unstructured("ok".into());
        bad.amount_cents = 0;
        assert_eq!(epc_qr_payload(&bad), Err(EpcError::Amount));
        bad.amount_cents = 700;
        assert!(epc_qr_payload(&bad).is_ok_and(|p| p.contains("\nEUR7\n\n\nok")));
        bad.name = "Kauppa\rOy".into();
        assert_eq!(epc_qr_payload(&bad), Err(EpcError::LineBreak("the name")));
    }
}
