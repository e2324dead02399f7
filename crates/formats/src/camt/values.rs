//! The simple values of a camt entry: amounts, currencies, dates, codes and indicators.

use chrono::NaiveDate;
use reilu_core::{Currency, Money, MoneyError};

use super::error::{CamtError, Position, excerpt};
use super::{Direction, EntryStatus};

/// Reads an `ActiveOrHistoricCurrencyAndAmount` value (`Amt`) in `currency`, into exact minor
/// units.
///
/// Accepted: ASCII digits with an optional `.` and at most the currency's ISO 4217 decimals,
/// e.g. `1250.5` or `1250.50` for EUR and `1500` for ISK. The schema allows up to five
/// fraction digits; extra decimals are accepted only when they are zeros (`1250.500`), since
/// they do not change the amount. Refused: signs, exponents, thousands separators, commas,
/// anything but digits and one point, and amounts above [`reilu_core::money::AMOUNT_MINOR_MAX`].
pub(crate) fn parse_amount(
    text: &str,
    currency: Currency,
    at: Position,
) -> Result<Money, CamtError> {
    let text = text.trim_matches(is_xml_space);
    let decimals = currency.minor_digits();
    let trimmed = match text.split_once('.') {
        Some((_, fraction)) if fraction.len() > usize::from(decimals) => {
            let (kept, extra) = fraction.split_at(usize::from(decimals));
            if extra.bytes().all(|byte| byte == b'0') {
                // Drop the zero tail, and the point itself for a currency without decimals.
                let cut = text.len() - extra.len() - usize::from(kept.is_empty());
                &text[..cut]
            } else {
                text
            }
        }
        _ => text,
    };
    Money::parse_major(trimmed, currency).map_err(|error| match error {
        MoneyError::Overflow => CamtError::AmountTooLarge {
            at,
            text: excerpt(text),
            currency,
        },
        _ => CamtError::BadAmount {
            at,
            text: excerpt(text),
            currency,
            decimals,
        },
    })
}

/// Reads the `Ccy` attribute value of an amount.
pub(crate) fn parse_currency(code: &str, at: Position) -> Result<Currency, CamtError> {
    Currency::parse(code.trim_matches(is_xml_space)).map_err(|_| CamtError::UnknownCurrency {
        at,
        code: excerpt(code),
    })
}

/// Reads `Dt` (`ISODate`, `YYYY-MM-DD` with an optional time zone) or `DtTm` (`ISODateTime`,
/// `YYYY-MM-DDThh:mm:ss…`), keeping the calendar date as written.
pub(crate) fn parse_date(
    text: &str,
    date_time: bool,
    element: &'static str,
    at: Position,
) -> Result<NaiveDate, CamtError> {
    let text = text.trim_matches(is_xml_space);
    let bad = || CamtError::BadValue {
        at,
        element,
        text: excerpt(text),
        expected: if date_time {
            "an ISO date-time (YYYY-MM-DDThh:mm:ss)"
        } else {
            "an ISO date (YYYY-MM-DD)"
        },
    };
    let (date, rest) = match (text.get(..10), text.get(10..)) {
        (Some(date), Some(rest)) => (date, rest),
        _ => return Err(bad()),
    };
    let rest_ok = if date_time {
        rest.starts_with('T') && rest.len() >= 9
    } else {
        rest.is_empty() || rest == "Z" || is_zone_offset(rest)
    };
    if !rest_ok {
        return Err(bad());
    }
    NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad())
}

/// `+hh:mm` or `-hh:mm`.
fn is_zone_offset(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 6
        && matches!(bytes[0], b'+' | b'-')
        && bytes[3] == b':'
        && [1, 2, 4, 5]
            .iter()
            .all(|&index| bytes[index].is_ascii_digit())
}

/// `CdtDbtInd`: `CRDT` or `DBIT`.
pub(crate) fn parse_direction(text: &str, at: Position) -> Result<Direction, CamtError> {
    match text.trim_matches(is_xml_space) {
        "CRDT" => Ok(Direction::Credit),
        "DBIT" => Ok(Direction::Debit),
        other => Err(CamtError::BadValue {
            at,
            element: "CdtDbtInd",
            text: excerpt(other),
            expected: "CRDT or DBIT",
        }),
    }
}

/// `RvslInd`: an XML boolean.
pub(crate) fn parse_indicator(text: &str, at: Position) -> Result<bool, CamtError> {
    match text.trim_matches(is_xml_space) {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(CamtError::BadValue {
            at,
            element: "RvslInd",
            text: excerpt(other),
            expected: "true or false",
        }),
    }
}

/// `Sts` (.02, `EntryStatus2Code`) or `Sts/Cd` (.08, `ExternalEntryStatus1Code`): `BOOK` and
/// `PDNG` are told apart, every other code (`INFO`, `FUTR`, …) is [`EntryStatus::Other`].
pub(crate) fn parse_status(text: &str) -> EntryStatus {
    match text.trim_matches(is_xml_space) {
        "BOOK" => EntryStatus::Booked,
        "PDNG" => EntryStatus::Pending,
        _ => EntryStatus::Other,
    }
}

/// XML's white space (space, tab, carriage return, line feed).
pub(crate) fn is_xml_space(character: char) -> bool {
    matches!(character, ' ' | '\t' | '\r' | '\n')
}

/// A text value with its surrounding white space removed and its line ends normalised to
/// `\n` as XML 1.0 requires (§2.11); `None` when nothing is left.
/// Whether [`non_empty`] would keep a value: what the validation pass records instead of the
/// value itself (an empty string, which allocates nothing).
pub(crate) fn present(text: &str) -> Option<String> {
    (!text.trim_matches(is_xml_space).is_empty()).then(String::new)
}

pub(crate) fn non_empty(text: &str) -> Option<String> {
    let trimmed = text.trim_matches(is_xml_space);
    if trimmed.is_empty() {
        None
    } else if trimmed.contains('\r') {
        Some(trimmed.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Some(trimmed.to_owned())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const AT: Position = Position { line: 1, column: 1 };

    fn eur(text: &str) -> Result<i64, CamtError> {
        parse_amount(text, Currency::EUR, AT).map(|money| money.amount_minor())
    }

    #[test]
    fn amounts_are_exact_and_strict() {
        assert_eq!(eur("1250.50").unwrap(), 125_050);
        assert_eq!(eur(" 0.5 ").unwrap(), 50);
        assert_eq!(eur("12.50000").unwrap(), 1_250);
        assert_eq!(eur("7").unwrap(), 700);
        for bad in [
            "-1.00", "+1.00", "1e3", "1,50", "12.345", "1 000", "", ".5", "1.",
        ] {
            assert!(
                matches!(eur(bad), Err(CamtError::BadAmount { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            eur("99999999999999999"),
            Err(CamtError::AmountTooLarge { .. })
        ));
        let isk = Currency::parse("ISK").unwrap();
        assert_eq!(
            parse_amount("1500.00", isk, AT).unwrap().amount_minor(),
            1500
        );
        assert!(parse_amount("1500.50", isk, AT).is_err());
    }

    #[test]
    fn dates_take_the_calendar_day() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(parse_date("2024-03-01", false, "Dt", AT).unwrap(), day);
        assert_eq!(
            parse_date("2024-03-01+02:00", false, "Dt", AT).unwrap(),
            day
        );
        assert_eq!(
            parse_date("2024-03-01T23:59:59.123+02:00", true, "DtTm", AT).unwrap(),
            day
        );
        for bad in [
            "2024-02-30",
            "2024-3-1",
            "01.03.2024",
            "2024-03-01T10",
            "2024-03-01x",
        ] {
            assert!(
                parse_date(bad, bad.contains('T'), "Dt", AT).is_err(),
                "{bad}"
            );
        }
    }
}
