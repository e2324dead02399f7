//! Money as an integer count of minor units with its ISO 4217 currency.
//!
//! There is no float anywhere on this path: amounts are parsed from decimal text digit by
//! digit, every operation is checked, and mixing currencies is an error, not a conversion.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An ISO 4217 currency Reilu handles, with the number of digits after the decimal point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    minor_digits: u8,
}

/// ISO 4217 codes and minor-unit exponents (ISO 4217 amendment list, table A.1). HUF has an
/// exponent of 2 in the standard even though fillér coins are out of use; we follow the
/// standard, so HUF amounts in files may carry two decimals.
const CURRENCIES: &[(&str, u8)] = &[
    ("EUR", 2),
    ("SEK", 2),
    ("NOK", 2),
    ("DKK", 2),
    ("GBP", 2),
    ("CHF", 2),
    ("PLN", 2),
    ("CZK", 2),
    ("HUF", 2),
    ("ISK", 0),
    ("RON", 2),
    ("BGN", 2),
    ("USD", 2),
];

impl Currency {
    pub const EUR: Currency = Currency {
        code: *b"EUR",
        minor_digits: 2,
    };

    /// Parses a three-letter ISO 4217 code (upper case) of a currency Reilu handles.
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        let found = CURRENCIES.iter().find(|(known, _)| *known == code);
        match found {
            Some((known, digits)) => {
                let bytes = known.as_bytes();
                Ok(Currency {
                    code: [bytes[0], bytes[1], bytes[2]],
                    minor_digits: *digits,
                })
            }
            None => Err(MoneyError::UnknownCurrency(code.chars().take(8).collect())),
        }
    }

    pub fn code(&self) -> &str {
        // The code is built only from the ASCII table above.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Digits after the decimal point (2 for EUR, 0 for ISK).
    pub fn minor_digits(&self) -> u8 {
        self.minor_digits
    }

    /// How many minor units make one major unit (100 for EUR).
    pub fn minor_per_major(&self) -> i64 {
        10_i64.pow(u32::from(self.minor_digits))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code().to_owned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("'{0}' is not a currency Reilu handles (ISO 4217 code, e.g. EUR)")]
    UnknownCurrency(String),
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error("the amount is too large")]
    Overflow,
    #[error("'{0}' is not an amount: write digits with an optional '.' and decimals, e.g. 123.45")]
    NotAnAmount(String),
    #[error("{currency} has {allowed} decimals; '{text}' has more")]
    TooManyDecimals {
        text: String,
        currency: Currency,
        allowed: u8,
    },
}

/// An amount of money: a signed count of minor units (cents, öre, øre) in one currency.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    amount_minor: i64,
    currency: Currency,
}

/// The largest amount we accept from outside: 10^15 minor units, i.e. ten trillion euros.
/// It leaves three orders of magnitude of headroom below i64::MAX for sums of many claims.
pub const AMOUNT_MINOR_MAX: i64 = 1_000_000_000_000_000;

impl Money {
    pub fn from_minor(amount_minor: i64, currency: Currency) -> Self {
        Money {
            amount_minor,
            currency,
        }
    }

    pub fn zero(currency: Currency) -> Self {
        Money {
            amount_minor: 0,
            currency,
        }
    }

    pub fn amount_minor(&self) -> i64 {
        self.amount_minor
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_positive(&self) -> bool {
        self.amount_minor > 0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let sum = self
            .amount_minor
            .checked_add(other.amount_minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::from_minor(sum, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let difference = self
            .amount_minor
            .checked_sub(other.amount_minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::from_minor(difference, self.currency))
    }

    pub fn min(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        Ok(if other.amount_minor < self.amount_minor {
            other
        } else {
            self
        })
    }

    fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// Parses an amount written in major units with a dot, e.g. `123.45`, into minor units.
    /// No sign, no thousands separators, no exponent, at most the currency's decimals.
    pub fn parse_major(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        let not_an_amount = || MoneyError::NotAnAmount(text.chars().take(40).collect());
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (text, ""),
        };
        let digits_only = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
            return Err(not_an_amount());
        }
        if text.ends_with('.') {
            return Err(not_an_amount());
        }
        let allowed = currency.minor_digits();
        if fraction.len() > usize::from(allowed) {
            return Err(MoneyError::TooManyDecimals {
                text: text.chars().take(40).collect(),
                currency,
                allowed,
            });
        }
        let amount_minor = combine_major_minor(whole, fraction, allowed)?;
        Ok(Money::from_minor(amount_minor, currency))
    }
}

/// Builds minor units from the digit strings before and after the point, with overflow checks.
fn combine_major_minor(whole: &str, fraction: &str, minor_digits: u8) -> Result<i64, MoneyError> {
    let mut amount_minor: i64 = 0;
    let padding = usize::from(minor_digits) - fraction.len();
    let all_digits = whole
        .bytes()
        .chain(fraction.bytes())
        .chain(std::iter::repeat_n(b'0', padding));
    for byte in all_digits {
        let digit = i64::from(byte - b'0');
        amount_minor = amount_minor
            .checked_mul(10)
            .and_then(|shifted| shifted.checked_add(digit))
            .ok_or(MoneyError::Overflow)?;
    }
    if amount_minor > AMOUNT_MINOR_MAX {
        return Err(MoneyError::Overflow);
    }
    Ok(amount_minor)
}

impl fmt::Display for Money {
    /// `1234.50 EUR`: major units with exactly the currency's decimals, then the code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per_major = self.currency.minor_per_major();
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let magnitude = self.amount_minor.unsigned_abs();
        let per_major = per_major.unsigned_abs();
        let whole = magnitude / per_major;
        let fraction = magnitude % per_major;
        let digits = usize::from(self.currency.minor_digits);
        if digits == 0 {
            write!(f, "{sign}{whole} {}", self.currency)
        } else {
            write!(f, "{sign}{whole}.{fraction:0digits$} {}", self.currency)
        }
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(text: &str) -> Result<Money, MoneyError> {
        Money::parse_major(text, Currency::EUR)
    }

    #[test]
    fn parses_major_units_into_minor_units() {
        assert_eq!(eur("123.45").map(|m| m.amount_minor()), Ok(12_345));
        assert_eq!(eur("123.4").map(|m| m.amount_minor()), Ok(12_340));
        assert_eq!(eur("123").map(|m| m.amount_minor()), Ok(12_300));
        assert_eq!(eur("0.01").map(|m| m.amount_minor()), Ok(1));
        let isk = Currency::parse("ISK").map(|c| Money::parse_major("1500", c));
        assert_eq!(isk.map(|r| r.map(|m| m.amount_minor())), Ok(Ok(1500)));
    }

    #[test]
    fn rejects_what_is_not_a_plain_amount() {
        for bad in [
            "", ".5", "5.", "-1", "+1", "1,50", "1e3", "1 000", "12.3.4", "abc", " 1",
        ] {
            assert!(
                matches!(eur(bad), Err(MoneyError::NotAnAmount(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            eur("1.234"),
            Err(MoneyError::TooManyDecimals { .. })
        ));
        let isk = Currency::parse("ISK").map(|c| Money::parse_major("1.5", c));
        assert!(matches!(isk, Ok(Err(MoneyError::TooManyDecimals { .. }))));
        assert_eq!(eur("99999999999999999999999"), Err(MoneyError::Overflow));
        assert_eq!(eur("10000000000000.01"), Err(MoneyError::Overflow));
    }

    #[test]
    fn arithmetic_is_checked_and_single_currency() {
        let sek = Currency::parse("SEK").map(|c| Money::from_minor(100, c));
        let one_euro = Money::from_minor(100, Currency::EUR);
        assert!(matches!(
            sek.clone().map(|s| s.checked_add(one_euro)),
            Ok(Err(MoneyError::CurrencyMismatch { .. }))
        ));
        let max = Money::from_minor(i64::MAX, Currency::EUR);
        assert_eq!(max.checked_add(one_euro), Err(MoneyError::Overflow));
        assert_eq!(
            one_euro.checked_sub(one_euro).map(|m| m.amount_minor()),
            Ok(0)
        );
    }

    #[test]
    fn displays_with_the_currency_decimals() {
        assert_eq!(
            Money::from_minor(123_450, Currency::EUR).to_string(),
            "1234.50 EUR"
        );
        assert_eq!(
            Money::from_minor(-5, Currency::EUR).to_string(),
            "-0.05 EUR"
        );
        assert_eq!(
            Money::from_minor(i64::MIN, Currency::EUR).to_string(),
            "-92233720368547758.08 EUR"
        );
    }

    #[test]
    fn unknown_currencies_are_refused() {
        assert!(Currency::parse("XYZ").is_err());
        assert!(Currency::parse("eur").is_err());
    }

    proptest::proptest! {
        #[test]
        fn display_and_parse_round_trip(amount_minor in 0_i64..=AMOUNT_MINOR_MAX) {
            let money = Money::from_minor(amount_minor, Currency::EUR);
            let shown = money.to_string();
            let major = shown.trim_end_matches(" EUR");
            proptest::prop_assert_eq!(eur(major), Ok(money));
        }
    }
}
