//! The Finnish virtual bank barcode (virtuaaliviivakoodi): the 54 digits a payer copies into
//! an online bank to fill in the account, the amount, the reference and the due date, as
//! Finance Finland's *Pankkiviivakoodi-opas* (version 5.3) defines it.
//!
//! Version 4 carries a national reference (up to 20 digits); version 5 an RF creditor
//! reference (ISO 11649) whose body is digits (up to 21 digits). Layout:
//!
//! | field | version 4 | version 5 |
//! | --- | --- | --- |
//! | version | `4` | `5` |
//! | account | the 16 digits of a Finnish IBAN after `FI` | same |
//! | euros, cents | 6 + 2 digits (zeros: the payer fills in the amount) | same |
//! | reference | `000` + 20 digits, zero-padded on the left | the RF check digits (2) + the body, 21 digits zero-padded |
//! | due date | YYMMDD (zeros: none) | same |

use chrono::{Datelike, NaiveDate};

/// Largest amount the barcode can carry: 999,999.99 euros. A larger amount is left to the
/// payer (zeros), as the guide says.
pub const AMOUNT_CENTS_MAX: i64 = 99_999_999;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BarcodeError {
    #[error("the virtual barcode needs a Finnish IBAN (FI and 16 digits)")]
    NotFinnishAccount,
    #[error(
        "the reference is neither a Finnish reference nor a numeric RF reference that fits the barcode"
    )]
    Reference,
    #[error("an amount cannot be negative")]
    NegativeAmount,
    #[error("the barcode's due date is in 2000–2099")]
    DueDate,
}

/// The virtual barcode for a payment to `iban` of `amount_cents` (0: the payer fills it in)
/// with `reference` (national or RF, spaces allowed) due on `due` (None: no date).
pub fn fi_virtual_barcode(
    iban: &str,
    amount_cents: i64,
    reference: &str,
    due: Option<NaiveDate>,
) -> Result<String, BarcodeError> {
    let account = finnish_account_digits(iban)?;
    if amount_cents < 0 {
        return Err(BarcodeError::NegativeAmount);
    }
    let amount = if amount_cents > AMOUNT_CENTS_MAX {
        0
    } else {
        amount_cents
    };
    let reference: String = reference.chars().filter(|c| !c.is_whitespace()).collect();
    let (version, reference_field) = reference_field(&reference.to_ascii_uppercase())?;
    let due = match due {
        None => "000000".to_owned(),
        Some(date) if (2000..2100).contains(&date.year()) => date.format("%y%m%d").to_string(),
        Some(_) => return Err(BarcodeError::DueDate),
    };
    Ok(format!(
        "{version}{account}{amount:08}{reference_field}{due}"
    ))
}

/// The 16 account digits of a Finnish IBAN (its check digits and BBAN), the IBAN checked.
fn finnish_account_digits(iban: &str) -> Result<String, BarcodeError> {
    let parsed =
        crate::iban::AccountIban::parse(iban).map_err(|_| BarcodeError::NotFinnishAccount)?;
    let digits = parsed
        .as_str()
        .strip_prefix("FI")
        .ok_or(BarcodeError::NotFinnishAccount)?;
    if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BarcodeError::NotFinnishAccount);
    }
    Ok(digits.to_owned())
}

/// The version and the 23-digit reference field for a national or RF reference.
fn reference_field(reference: &str) -> Result<(char, String), BarcodeError> {
    if reference.starts_with("RF") {
        let canonical =
            crate::reference::rf_parse(reference).map_err(|_| BarcodeError::Reference)?;
        let (check, body) = canonical[2..].split_at(2);
        if body.len() > 21 || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BarcodeError::Reference);
        }
        return Ok(('5', format!("{check}{body:0>21}")));
    }
    let canonical =
        crate::reference::fi_reference_parse(reference).map_err(|_| BarcodeError::Reference)?;
    if canonical.len() > 20 {
        return Err(BarcodeError::Reference);
    }
    Ok(('4', format!("000{canonical:0>20}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    }

    /// The cases of the npm package `virtuaaliviivakoodi`'s tests (akselinurmio, MIT),
    /// which follow the guide's examples.
    #[test]
    fn the_published_examples() {
        let iban = "FI37 1590 3000 0007 76";
        assert_eq!(
            fi_virtual_barcode(iban, 1225, "11112", date("2016-12-21")).as_deref(),
            Ok("437159030000007760000122500000000000000000011112161221")
        );
        assert_eq!(
            fi_virtual_barcode(iban, 110, "RF98 11112", date("2017-01-01")).as_deref(),
            Ok("537159030000007760000011098000000000000000011112170101")
        );
        assert_eq!(
            fi_virtual_barcode(iban, 0, "11112", None).as_deref(),
            Ok("437159030000007760000000000000000000000000011112000000")
        );
    }

    #[test]
    fn what_the_barcode_cannot_carry_is_refused_or_left_to_the_payer() {
        let iban = "FI37 1590 3000 0007 76";
        assert_eq!(
            fi_virtual_barcode("SE45 5000 0000 0583 9825 7466", 100, "11112", None),
            Err(BarcodeError::NotFinnishAccount)
        );
        assert_eq!(
            fi_virtual_barcode(iban, 100, "11113", None),
            Err(BarcodeError::Reference),
            "a wrong check digit"
        );
        assert_eq!(
            fi_virtual_barcode(iban, 100, "RF71 ABC", None),
            Err(BarcodeError::Reference),
            "letters in an RF body"
        );
        assert_eq!(
            fi_virtual_barcode(iban, -1, "11112", None),
            Err(BarcodeError::NegativeAmount)
        );
        let too_much = fi_virtual_barcode(iban, AMOUNT_CENTS_MAX + 1, "11112", None);
        assert_eq!(
            too_much.as_deref(),
            Ok("437159030000007760000000000000000000000000011112000000")
        );
    }
}
