//! Client bank accounts: IBANs checked with the `iban_validate` crate (ISO 13616 structure,
//! the country's length and format from the SWIFT IBAN registry, and the mod-97 check).

use std::fmt;

use iban::IbanLike;

/// An IBAN in electronic form: upper case, no spaces.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AccountIban(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not a valid IBAN: {reason}")]
pub struct IbanError {
    text: String,
    reason: String,
}

impl AccountIban {
    pub fn parse(text: &str) -> Result<Self, IbanError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        match compact.parse::<iban::Iban>() {
            Ok(parsed) => Ok(AccountIban(parsed.electronic_str().to_owned())),
            Err(_) => Err(IbanError {
                text: text.chars().take(40).collect(),
                reason: what_is_wrong(&compact),
            }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn country(&self) -> &str {
        &self.0[..2]
    }
}

/// Says which part of a refused IBAN is wrong: its form, its country, its length or form for
/// that country, or only its check digits. Each is found by repairing the others: the same
/// country and account part with check digits computed afresh show whether anything but the
/// check digits is wrong. A check-digit mismatch is reported without the digits that would
/// match: they would make a mistyped account number valid, and pay the wrong account.
fn what_is_wrong(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let shaped = (5..=34).contains(&compact.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[4..].iter().all(u8::is_ascii_alphanumeric);
    if !shaped {
        return "an IBAN is two letters for the country, two check digits and up to 30 letters \
                and digits for the account"
            .into();
    }
    let (country, account) = (&compact[..2], &compact[4..]);
    match with_check_digits(country, account).parse::<iban::Iban>() {
        Ok(_) => "the check digits do not match the account number: a character is mistyped \
                  (compare it with the account holder's own papers)"
            .into(),
        Err(iban::ParseIbanError::UnknownCountry(_)) => {
            format!("{country} is not a country that uses IBANs")
        }
        Err(_) => match expected_length(country, account) {
            Some(length) if length != compact.len() => format!(
                "a {country} IBAN has {length} characters, this one has {}",
                compact.len()
            ),
            _ => format!("the account part is not in the form a {country} IBAN has"),
        },
    }
}

/// The country's IBAN length, found by trying the account part cut or padded with zeros to
/// every length an IBAN may have.
fn expected_length(country: &str, account: &str) -> Option<usize> {
    (15..=34).find(|length| {
        let mut padded: String = account.chars().take(length - 4).collect();
        while padded.len() < length - 4 {
            padded.push('0');
        }
        with_check_digits(country, &padded)
            .parse::<iban::Iban>()
            .is_ok()
    })
}

/// The IBAN of `country` and `account` with the check digits ISO 13616 gives them (MOD 97-10
/// of ISO 7064 over the account, the country and 00, letters counting A = 10 … Z = 35).
fn with_check_digits(country: &str, account: &str) -> String {
    let mut remainder: u32 = 0;
    for character in account.chars().chain(country.chars()).chain("00".chars()) {
        let value = character.to_digit(36).unwrap_or(0);
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    format!("{country}{:02}{account}", 98 - remainder)
}

impl fmt::Display for AccountIban {
    /// The print format of ISO 13616: groups of four.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let grouped: Vec<String> = self
            .0
            .as_bytes()
            .chunks(4)
            .map(|group| String::from_utf8_lossy(group).into_owned())
            .collect();
        f.write_str(&grouped.join(" "))
    }
}

impl fmt::Debug for AccountIban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountIban({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_example_ibans() {
        // Examples from the SWIFT IBAN registry.
        for (input, electronic) in [
            ("FI21 1234 5600 0007 85", "FI2112345600000785"),
            ("se45 5000 0000 0583 9825 7466", "SE4550000000058398257466"),
            ("NO9386011117947", "NO9386011117947"),
            ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
            ("GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819"),
        ] {
            assert_eq!(
                AccountIban::parse(input).map(|iban| iban.0),
                Ok(electronic.to_owned())
            );
        }
        let shown = AccountIban::parse("FI2112345600000785").map(|iban| iban.to_string());
        assert_eq!(shown, Ok("FI21 1234 5600 0007 85".to_owned()));
    }

    #[test]
    fn says_which_part_of_a_wrong_iban_is_wrong() {
        let reason = |text: &str| {
            AccountIban::parse(text)
                .err()
                .map(|error| error.reason)
                .unwrap_or_default()
        };
        let digits = reason("FI2112345600000786");
        assert!(digits.contains("check digits do not match"), "{digits}");
        assert!(
            !digits.contains("FI58"),
            "no digits that would make it valid: {digits}"
        );
        let swapped = reason("GB29 NWBK 6016 1331 9268 91");
        assert!(swapped.contains("check digits"), "{swapped}");
        let short = reason("FI21123456000007");
        assert!(
            short.contains("a FI IBAN has 18 characters, this one has 16"),
            "{short}"
        );
        let long = reason("DE89370400440532013000123");
        assert!(long.contains("a DE IBAN has 22 characters"), "{long}");
        let country = reason("XX2112345600000785");
        assert!(
            country.contains("XX is not a country that uses IBANs"),
            "{country}"
        );
        let form = reason("not an iban");
        assert!(form.contains("two letters for the country"), "{form}");
        assert_eq!(
            with_check_digits("FI", "12345600000785"),
            "FI2112345600000785"
        );
        assert_eq!(
            with_check_digits("GB", "NWBK60161331926819"),
            "GB29NWBK60161331926819"
        );
    }

    #[test]
    fn refuses_wrong_check_digits_and_lengths() {
        for bad in [
            "FI2112345600000786",
            "FI21123456000007",
            "XX2112345600000785",
            "",
            "not an iban",
        ] {
            assert!(AccountIban::parse(bad).is_err(), "{bad}");
        }
    }
}
