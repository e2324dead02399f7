//! Operators: the company's own staff who run Reilu (as opposed to clients, who place claims),
//! and what each role may do.
//!
//! Roles are kept apart on purpose (segregation of duties, principle 9): whoever manages the
//! staff's access (`admin`) does not move money, and whoever moves money (`finance`) cannot
//! give anyone access. A person who needs both holds two operator keys, and the journal shows
//! which one acted.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// What an operator is, fixed when the operator is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorRole {
    /// Money in and out: imports bank files, runs remittances.
    Finance,
    /// Staff access: adds and revokes operators.
    Admin,
}

/// Something an operator may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    ImportPayments,
    RunRemittances,
    ManageOperators,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an operator role (finance or admin)")]
pub struct RoleError(String);

impl OperatorRole {
    pub const ALL: [OperatorRole; 2] = [OperatorRole::Finance, OperatorRole::Admin];

    pub fn parse(text: &str) -> Result<Self, RoleError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "finance" => Ok(OperatorRole::Finance),
            "admin" => Ok(OperatorRole::Admin),
            _ => Err(RoleError(text.chars().take(40).collect())),
        }
    }

    /// The role as stored and shown: `finance`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorRole::Finance => "finance",
            OperatorRole::Admin => "admin",
        }
    }

    /// Whether this role may do `permission`. Exhaustive on both sides, so a new role or a new
    /// permission does not compile until someone decides who may do what.
    pub fn allows(self, permission: Permission) -> bool {
        match (self, permission) {
            (OperatorRole::Finance, Permission::ImportPayments | Permission::RunRemittances) => {
                true
            }
            (OperatorRole::Finance, Permission::ManageOperators) => false,
            (OperatorRole::Admin, Permission::ManageOperators) => true,
            (OperatorRole::Admin, Permission::ImportPayments | Permission::RunRemittances) => false,
        }
    }

    /// The roles that may do `permission`, for messages that tell an operator who can.
    pub fn allowed_to(permission: Permission) -> impl Iterator<Item = OperatorRole> {
        OperatorRole::ALL
            .into_iter()
            .filter(move |role| role.allows(permission))
    }
}

impl Permission {
    /// What the permission lets one do, in words for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Permission::ImportPayments => "import payment files",
            Permission::RunRemittances => "run remittances",
            Permission::ManageOperators => "manage operators",
        }
    }
}

impl fmt::Display for OperatorRole {
    /// Honours width and alignment (`{:<7}`), for tables.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for OperatorRole {
    type Err = RoleError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        OperatorRole::parse(text)
    }
}

impl Serialize for OperatorRole {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_text_and_refuse_others() {
        for role in OperatorRole::ALL {
            assert_eq!(OperatorRole::parse(role.as_str()), Ok(role));
        }
        assert_eq!(OperatorRole::parse(" Finance "), Ok(OperatorRole::Finance));
        assert_eq!(
            OperatorRole::parse("root").map_err(|e| e.to_string()),
            Err("'root' is not an operator role (finance or admin)".into())
        );
    }

    #[test]
    fn finance_moves_money_and_admin_manages_access_never_both() {
        assert!(OperatorRole::Finance.allows(Permission::ImportPayments));
        assert!(OperatorRole::Finance.allows(Permission::RunRemittances));
        assert!(!OperatorRole::Finance.allows(Permission::ManageOperators));
        assert!(OperatorRole::Admin.allows(Permission::ManageOperators));
        assert!(!OperatorRole::Admin.allows(Permission::ImportPayments));
        let importers: Vec<_> = OperatorRole::allowed_to(Permission::ImportPayments).collect();
        assert_eq!(importers, [OperatorRole::Finance]);
    }
}
