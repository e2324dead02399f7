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
            Err(error) => Err(IbanError {
                text: text.chars().take(40).collect(),
                reason: error.to_string(),
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
