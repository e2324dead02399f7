//! Contact details from outside, parsed once into types that are valid by construction.

use std::fmt;

use crate::secret::{EmailMask, Secret, TailMask};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("not a valid e-mail address")]
    Email,
    #[error(
        "not an E.164 phone number: write + and the country code, then 6 to 14 digits, e.g. +358401234567"
    )]
    Phone,
}

/// An e-mail address, lower-cased in the domain, masked in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Email(Secret<EmailMask>);

impl Email {
    /// Accepts an address of the form `local@domain.tld` (RFC 5322 addr-spec without comments
    /// or quoted local parts, which no real debtor address uses) of at most 254 characters.
    pub fn parse(text: &str) -> Result<Self, ContactError> {
        let text = text.trim();
        if text.len() > 254 || !text.contains('@') {
            return Err(ContactError::Email);
        }
        let options = email_address::Options::default().without_display_text();
        let parsed = email_address::EmailAddress::parse_with_options(text, options)
            .map_err(|_| ContactError::Email)?;
        let domain = parsed.domain();
        // Mail must reach the customer: a bare host or an address literal is refused.
        let domain_ok = domain.contains('.')
            && !domain.starts_with('[')
            && domain.rsplit('.').next().is_some_and(|tld| tld.len() >= 2);
        if !domain_ok || parsed.local_part().starts_with('"') {
            return Err(ContactError::Email);
        }
        let canonical = format!("{}@{}", parsed.local_part(), domain.to_ascii_lowercase());
        Ok(Email(Secret::new(canonical)))
    }

    pub fn peek(&self) -> &str {
        self.0.peek()
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({:?})", self.0)
    }
}

/// A phone number in E.164 form (`+` and at most 15 digits), masked in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Phone(Secret<TailMask>);

impl Phone {
    /// Accepts `+` followed by 8 to 15 digits, the first not zero (ITU-T E.164 § 6: at most
    /// 15 digits with the country code; country codes never start with 0). Spaces are removed.
    pub fn parse(text: &str) -> Result<Self, ContactError> {
        let compact: String = text.chars().filter(|c| *c != ' ').collect();
        let digits = compact.strip_prefix('+').ok_or(ContactError::Phone)?;
        let all_digits = digits.bytes().all(|byte| byte.is_ascii_digit());
        let length_ok = (8..=15).contains(&digits.len());
        if !all_digits || !length_ok || digits.starts_with('0') {
            return Err(ContactError::Phone);
        }
        Ok(Phone(Secret::new(compact)))
    }

    pub fn peek(&self) -> &str {
        self.0.peek()
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_parsed_and_masked() {
        let email = Email::parse(" Matti.Meikalainen@Example.FI ");
        assert_eq!(
            email.as_ref().map(|e| e.peek()),
            Ok("Matti.Meikalainen@example.fi")
        );
        assert_eq!(
            email.map(|e| format!("{e:?}")),
            Ok("Email(M***@example.fi)".to_owned())
        );
        for bad in [
            "",
            "plain",
            "a@b",
            "@example.com",
            "a@@example.com",
            "a b@example.com",
            "a@[1.2.3.4]",
            "a@example.c",
        ] {
            assert_eq!(Email::parse(bad), Err(ContactError::Email), "{bad:?}");
        }
    }

    #[test]
    fn phones_must_be_e164() {
        assert_eq!(
            Phone::parse("+358 40 1234567").as_ref().map(|p| p.peek()),
            Ok("+358401234567")
        );
        assert_eq!(
            Phone::parse("+358401234567").map(|p| format!("{p:?}")),
            Ok("Phone(***67)".to_owned())
        );
        for bad in [
            "",
            "0401234567",
            "+0401234567",
            "+35840123456789012",
            "+358-40-123",
            "+1234567",
            "tel:+358401234567",
        ] {
            assert_eq!(Phone::parse(bad), Err(ContactError::Phone), "{bad:?}");
        }
    }
}
