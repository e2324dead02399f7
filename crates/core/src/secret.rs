//! Personal data in memory: a wrapper whose `Debug` masks the value and which has no
//! `Display` and no `Serialize`, so it cannot leak into a log line or a JSON answer by
//! accident. Reading it is an explicit `peek()` or `expose()`.

use std::fmt;
use std::marker::PhantomData;

/// How a secret shows itself in `Debug`.
pub trait MaskStrategy {
    fn mask(value: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

/// Shows nothing of the value.
pub enum Redacted {}

/// Shows the domain of an e-mail address and the first character of its local part:
/// `j***@example.com`. The domain is usually the mail provider and tells little of the person.
pub enum EmailMask {}

/// Shows the last two characters only: `***34`, enough for a clerk to tell two numbers apart.
pub enum TailMask {}

impl MaskStrategy for Redacted {
    fn mask(_value: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl MaskStrategy for EmailMask {
    fn mask(value: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match value.rsplit_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                write!(f, "{first}***@{domain}")
            }
            None => f.write_str("***"),
        }
    }
}

impl MaskStrategy for TailMask {
    fn mask(value: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = value.chars().count();
        // Short values would be shown nearly whole: mask them entirely.
        if count < 6 {
            return f.write_str("***");
        }
        let tail: String = value.chars().skip(count - 2).collect();
        write!(f, "***{tail}")
    }
}

/// A piece of personal data held as text.
pub struct Secret<S: MaskStrategy = Redacted> {
    value: String,
    strategy: PhantomData<S>,
}

impl<S: MaskStrategy> Secret<S> {
    pub fn new(value: String) -> Self {
        Secret {
            value,
            strategy: PhantomData,
        }
    }

    /// Borrows the value. Every call site is a place where personal data is read.
    pub fn peek(&self) -> &str {
        &self.value
    }

    /// Gives the value up.
    pub fn expose(self) -> String {
        self.value
    }
}

impl<S: MaskStrategy> Clone for Secret<S> {
    fn clone(&self) -> Self {
        Secret::new(self.value.clone())
    }
}

impl<S: MaskStrategy> PartialEq for Secret<S> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<S: MaskStrategy> Eq for Secret<S> {}

impl<S: MaskStrategy> fmt::Debug for Secret<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        S::mask(&self.value, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_strategy_masks_exactly_as_documented() {
        let email: Secret<EmailMask> = Secret::new("jane.doe@example.com".into());
        assert_eq!(format!("{email:?}"), "j***@example.com");
        let phone: Secret<TailMask> = Secret::new("+358401234567".into());
        assert_eq!(format!("{phone:?}"), "***67");
        let short: Secret<TailMask> = Secret::new("12345".into());
        assert_eq!(format!("{short:?}"), "***");
        let name: Secret = Secret::new("Jane Doe".into());
        assert_eq!(format!("{name:?}"), "***");
        let not_email: Secret<EmailMask> = Secret::new("no-at-sign".into());
        assert_eq!(format!("{not_email:?}"), "***");
    }

    #[test]
    fn debug_of_a_containing_struct_stays_masked() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            name: Secret,
        }
        let holder = Holder {
            name: Secret::new("Matti Meikäläinen".into()),
        };
        let shown = format!("{holder:?} {holder:#?}");
        assert!(!shown.contains("Matti"), "{shown}");
        assert_eq!(holder.name.peek(), "Matti Meikäläinen");
    }
}
