//! Identifiers of Reilu's own records. UUID version 7: time-ordered, so new rows land at the
//! end of the primary-key index, and unique without a central counter, so several `reilu`
//! processes can create records at once.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not {} {kind} id", article(kind))]
pub struct IdError {
    kind: &'static str,
    text: String,
}

/// "a client id", "an operator id".
fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

macro_rules! record_id {
    ($name:ident, $kind:literal) => {
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh id from the given 16 random-or-time bytes; see [`new_uuid_v7`].
            pub fn from_uuid(uuid: Uuid) -> Self {
                $name(uuid)
            }

            pub fn parse(text: &str) -> Result<Self, IdError> {
                Uuid::try_parse(text.trim())
                    .map($name)
                    .map_err(|_| IdError {
                        kind: $kind,
                        text: text.chars().take(40).collect(),
                    })
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                $name::parse(text)
            }
        }
    };
}

record_id!(ClientId, "client");
record_id!(CustomerId, "customer");
record_id!(ClaimId, "claim");
record_id!(CaseId, "case");
record_id!(OperatorId, "operator");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_refuse_garbage() {
        let uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);
        let id = ClientId::from_uuid(uuid);
        assert_eq!(ClientId::parse(&id.to_string()), Ok(id));
        let error = ClientId::parse("not-an-id").err().map(|e| e.to_string());
        assert_eq!(error.as_deref(), Some("'not-an-id' is not a client id"));
        let error = OperatorId::parse("x").err().map(|e| e.to_string());
        assert_eq!(error.as_deref(), Some("'x' is not an operator id"));
    }
}
