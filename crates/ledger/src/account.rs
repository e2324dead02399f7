//! The ledger's accounts. Each has a stable text code, which is how the store keys balances.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What part of a case's debt a receivable holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    Principal,
    Interest,
    CollectionCosts,
    CreditorFees,
}

impl Component {
    pub const ALL: [Component; 4] = [
        Component::Principal,
        Component::Interest,
        Component::CollectionCosts,
        Component::CreditorFees,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Component::Principal => "principal",
            Component::Interest => "interest",
            Component::CollectionCosts => "collection_costs",
            Component::CreditorFees => "creditor_fees",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Component::ALL
            .into_iter()
            .find(|component| component.as_str() == text)
    }

    /// Who the money collected for this component belongs to: the company keeps collection
    /// costs; principal, interest and the creditor's own fees belong to the client.
    pub fn belongs_to_client(self) -> bool {
        self != Component::CollectionCosts
    }
}

/// An account. Debits are positive, credits negative; every posting sums to zero.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    /// What the customer owes on a case, by component (an asset of the collection, debit balance).
    Receivable {
        case_number: i64,
        component: Component,
    },
    /// Debt placed by a client and not yet collected: the counterpart of the receivables
    /// that belong to the client (a memo account, credit balance).
    ClientClaims { client: String },
    /// Collection costs charged and not yet collected: the counterpart of the cost receivables.
    CostsCharged,
    /// What the company owes a client: money collected for it and not yet paid out.
    ClientLiability { client: String },
    /// The segregated client-money bank account, by its IBAN (debit balance: money held).
    ClientMoneyBank { iban: String },
    /// Money received that is not matched to a case yet.
    Unallocated,
    /// Paid in excess of the debt: owed back to the customer until refunded.
    Overpaid { case_number: i64 },
    /// The company's own money held in the client-money account: collected costs and the
    /// commission kept, until swept to the company's own account.
    CompanyRevenue,
    /// The company's own bank account, by its IBAN: where its money is swept out of the
    /// client-money account (debit balance: what was swept there).
    CompanyBank { iban: String },
}

impl Account {
    /// The stable text code: `receivable:100001:principal`, `client_liability:<id>`, …
    pub fn code(&self) -> String {
        match self {
            Account::Receivable {
                case_number,
                component,
            } => format!("receivable:{case_number}:{}", component.as_str()),
            Account::ClientClaims { client } => format!("client_claims:{client}"),
            Account::CostsCharged => "costs_charged".to_owned(),
            Account::ClientLiability { client } => format!("client_liability:{client}"),
            Account::ClientMoneyBank { iban } => format!("client_money_bank:{iban}"),
            Account::Unallocated => "unallocated".to_owned(),
            Account::Overpaid { case_number } => format!("overpaid:{case_number}"),
            Account::CompanyRevenue => "company_revenue".to_owned(),
            Account::CompanyBank { iban } => format!("company_bank:{iban}"),
        }
    }

    /// Reads a code back; None for text that is not an account code.
    pub fn parse(code: &str) -> Option<Account> {
        let mut parts = code.splitn(3, ':');
        let kind = parts.next()?;
        let first = parts.next();
        let second = parts.next();
        match (kind, first, second) {
            ("receivable", Some(case), Some(component)) => Some(Account::Receivable {
                case_number: case.parse().ok()?,
                component: Component::parse(component)?,
            }),
            ("client_claims", Some(client), None) => Some(Account::ClientClaims {
                client: client.to_owned(),
            }),
            ("costs_charged", None, None) => Some(Account::CostsCharged),
            ("client_liability", Some(client), None) => Some(Account::ClientLiability {
                client: client.to_owned(),
            }),
            ("client_money_bank", Some(iban), None) => Some(Account::ClientMoneyBank {
                iban: iban.to_owned(),
            }),
            ("unallocated", None, None) => Some(Account::Unallocated),
            ("overpaid", Some(case), None) => Some(Account::Overpaid {
                case_number: case.parse().ok()?,
            }),
            ("company_revenue", None, None) => Some(Account::CompanyRevenue),
            ("company_bank", Some(iban), None) => Some(Account::CompanyBank {
                iban: iban.to_owned(),
            }),
            _ => None,
        }
    }

    /// The case an account belongs to, if any.
    pub fn case_number(&self) -> Option<i64> {
        match self {
            Account::Receivable { case_number, .. } | Account::Overpaid { case_number } => {
                Some(*case_number)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        let accounts = [
            Account::Receivable {
                case_number: 100_001,
                component: Component::CollectionCosts,
            },
            Account::ClientClaims {
                client: "c-1".into(),
            },
            Account::CostsCharged,
            Account::ClientLiability {
                client: "c-1".into(),
            },
            Account::ClientMoneyBank {
                iban: "FI2112345600000785".into(),
            },
            Account::Unallocated,
            Account::Overpaid { case_number: 7 },
            Account::CompanyRevenue,
            Account::CompanyBank {
                iban: "FI0950000120000026".into(),
            },
        ];
        for account in accounts {
            assert_eq!(
                Account::parse(&account.code()),
                Some(account.clone()),
                "{account}"
            );
        }
        assert_eq!(Account::parse("receivable:x:principal"), None);
        assert_eq!(Account::parse("nonsense"), None);
    }
}
