//! Allocating a payment to what the case owes, in the order the market's law prescribes
//! (a rule-pack parameter): each component is paid off in turn, and what is left over is an
//! overpayment owed back to the customer.

use reilu_core::Money;

use crate::account::{Account, Component};
use crate::posting::{Entry, LedgerError, Posting, PostingKind};

/// How a payment was split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// Amount per component, in the order paid; components that got nothing are left out.
    pub parts: Vec<(Component, Money)>,
    /// What exceeds the whole debt.
    pub overpaid: Money,
}

impl Allocation {
    pub fn total(&self) -> Result<Money, LedgerError> {
        self.parts.iter().try_fold(self.overpaid, |sum, (_, part)| {
            sum.checked_add(*part).map_err(|_| LedgerError::Overflow)
        })
    }
}

/// Splits `amount` over the outstanding components in `order`; components the order leaves
/// out come after it, in the fixed order principal, interest, costs, creditor fees.
pub fn allocate(
    amount: Money,
    outstanding: &[(Component, Money)],
    order: &[Component],
) -> Result<Allocation, LedgerError> {
    if amount.amount_minor() <= 0 {
        return Err(LedgerError::Invalid(
            "a payment to allocate must be positive".into(),
        ));
    }
    let mut sequence: Vec<Component> = Vec::with_capacity(Component::ALL.len());
    for component in order.iter().chain(Component::ALL.iter()) {
        if !sequence.contains(component) {
            sequence.push(*component);
        }
    }
    let mut left_minor = amount.amount_minor();
    let mut parts = Vec::new();
    for component in sequence {
        let owed_minor: i64 = outstanding
            .iter()
            .filter(|(c, _)| *c == component)
            .map(|(_, owed)| owed.amount_minor().max(0))
            .sum();
        let paid_minor = owed_minor.min(left_minor);
        if paid_minor > 0 {
            parts.push((component, Money::from_minor(paid_minor, amount.currency())));
            left_minor -= paid_minor;
        }
    }
    let allocation = Allocation {
        parts,
        overpaid: Money::from_minor(left_minor, amount.currency()),
    };
    debug_assert_eq!(
        allocation.total().ok(),
        Some(amount),
        "allocation keeps every cent"
    );
    Ok(allocation)
}

/// A payment allocated to a case: the bank holds the money, the receivables shrink, the
/// client's share becomes owed to the client, the costs become the company's, and any excess
/// is owed back to the customer.
pub fn payment_received(
    bank_iban: &str,
    case_number: i64,
    client: &str,
    allocation: &Allocation,
) -> Result<Posting, LedgerError> {
    let bank = Account::ClientMoneyBank {
        iban: bank_iban.to_owned(),
    };
    let entries = allocated_entries(bank, case_number, client, allocation)?;
    Posting::new(PostingKind::PaymentReceived, entries)
}

/// A payment that waited in the unmatched queue, allocated to a case by an agent: the same
/// entries as [`payment_received`], with the money taken from unallocated (where the bank's
/// receipt put it) instead of from the bank.
pub fn unallocated_assigned(
    case_number: i64,
    client: &str,
    allocation: &Allocation,
) -> Result<Posting, LedgerError> {
    let entries = allocated_entries(Account::Unallocated, case_number, client, allocation)?;
    Posting::new(PostingKind::PaymentAssigned, entries)
}

/// A payment that matched no case, sent back to its payer from the client-money account.
pub fn unallocated_refunded(bank_iban: &str, amount: Money) -> Result<Posting, LedgerError> {
    let entries = vec![
        Entry {
            account: Account::Unallocated,
            amount,
        },
        Entry {
            account: Account::ClientMoneyBank {
                iban: bank_iban.to_owned(),
            },
            amount: Money::from_minor(-amount.amount_minor(), amount.currency()),
        },
    ];
    Posting::new(PostingKind::Refund, entries)
}

/// The entries of an allocated payment, the money coming from `source`.
fn allocated_entries(
    source: Account,
    case_number: i64,
    client: &str,
    allocation: &Allocation,
) -> Result<Vec<Entry>, LedgerError> {
    let total = allocation.total()?;
    let currency = total.currency();
    let credit = |account: Account, minor: i64| Entry {
        account,
        amount: Money::from_minor(-minor, currency),
    };
    let debit = |account: Account, minor: i64| Entry {
        account,
        amount: Money::from_minor(minor, currency),
    };
    let mut entries = vec![debit(source, total.amount_minor())];
    let (mut client_minor, mut costs_minor) = (0_i64, 0_i64);
    for (component, part) in &allocation.parts {
        entries.push(credit(
            Account::Receivable {
                case_number,
                component: *component,
            },
            part.amount_minor(),
        ));
        if component.belongs_to_client() {
            client_minor += part.amount_minor();
        } else {
            costs_minor += part.amount_minor();
        }
    }
    if allocation.overpaid.amount_minor() > 0 {
        entries.push(credit(
            Account::Overpaid { case_number },
            allocation.overpaid.amount_minor(),
        ));
    }
    if client_minor > 0 {
        entries.push(debit(
            Account::ClientClaims {
                client: client.to_owned(),
            },
            client_minor,
        ));
        entries.push(credit(
            Account::ClientLiability {
                client: client.to_owned(),
            },
            client_minor,
        ));
    }
    if costs_minor > 0 {
        entries.push(debit(Account::CostsCharged, costs_minor));
        entries.push(credit(Account::CompanyRevenue, costs_minor));
    }
    Ok(entries)
}

/// Paying a client what it is owed less the agreed commission, which the company keeps.
pub fn remittance(
    client: &str,
    bank_iban: &str,
    owed: Money,
    commission: Money,
) -> Result<Posting, LedgerError> {
    let paid = owed
        .checked_sub(commission)
        .map_err(|_| LedgerError::Overflow)?;
    if paid.amount_minor() <= 0 || commission.amount_minor() < 0 {
        return Err(LedgerError::Invalid(
            "a remittance pays a positive amount after commission".into(),
        ));
    }
    let currency = owed.currency();
    let mut entries = vec![
        Entry {
            account: Account::ClientLiability {
                client: client.to_owned(),
            },
            amount: owed,
        },
        Entry {
            account: Account::ClientMoneyBank {
                iban: bank_iban.to_owned(),
            },
            amount: Money::from_minor(-paid.amount_minor(), currency),
        },
    ];
    if commission.amount_minor() > 0 {
        entries.push(Entry {
            account: Account::CompanyRevenue,
            amount: Money::from_minor(-commission.amount_minor(), currency),
        });
    }
    Posting::new(PostingKind::Remittance, entries)
}

/// Refunding an overpayment to the customer.
pub fn refund(case_number: i64, bank_iban: &str, amount: Money) -> Result<Posting, LedgerError> {
    let entries = vec![
        Entry {
            account: Account::Overpaid { case_number },
            amount,
        },
        Entry {
            account: Account::ClientMoneyBank {
                iban: bank_iban.to_owned(),
            },
            amount: Money::from_minor(-amount.amount_minor(), amount.currency()),
        },
    ];
    Posting::new(PostingKind::Refund, entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reilu_core::Currency;

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, Currency::EUR)
    }

    const COSTS_FIRST: [Component; 3] = [
        Component::CollectionCosts,
        Component::Interest,
        Component::Principal,
    ];

    fn owed() -> Vec<(Component, Money)> {
        vec![
            (Component::Principal, eur(10_000)),
            (Component::Interest, eur(500)),
            (Component::CollectionCosts, eur(1_400)),
            (Component::CreditorFees, eur(300)),
        ]
    }

    #[test]
    fn a_partial_payment_pays_costs_then_interest_then_principal() {
        let allocation =
            allocate(eur(2_000), &owed(), &COSTS_FIRST).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            allocation.parts,
            vec![
                (Component::CollectionCosts, eur(1_400)),
                (Component::Interest, eur(500)),
                (Component::Principal, eur(100))
            ]
        );
        assert_eq!(allocation.overpaid, eur(0));
    }

    #[test]
    fn an_overpayment_is_owed_back() {
        let allocation =
            allocate(eur(13_000), &owed(), &COSTS_FIRST).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(allocation.overpaid, eur(800));
        assert_eq!(
            allocation.parts.last(),
            Some(&(Component::CreditorFees, eur(300))),
            "components the order leaves out come last"
        );
        let posting = payment_received("FI2112345600000785", 100_001, "client-1", &allocation);
        assert!(posting.is_ok(), "{posting:?}");
    }

    #[test]
    fn every_flow_balances_and_a_correction_undoes_it() {
        let allocation =
            allocate(eur(2_000), &owed(), &COSTS_FIRST).unwrap_or_else(|e| panic!("{e}"));
        let payment = payment_received("FI2112345600000785", 100_001, "client-1", &allocation)
            .unwrap_or_else(|e| panic!("{e}"));
        let reversal = payment.reversed().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reversal.entries().len(), payment.entries().len());
        assert!(remittance("client-1", "FI2112345600000785", eur(600), eur(60)).is_ok());
        assert!(
            remittance("client-1", "FI2112345600000785", eur(60), eur(60)).is_err(),
            "nothing left to pay"
        );
        assert!(refund(100_001, "FI2112345600000785", eur(800)).is_ok());
        assert!(unallocated_refunded("FI2112345600000785", eur(800)).is_ok());
        let assigned = unallocated_assigned(100_001, "client-1", &allocation)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(assigned.entries()[0].account, Account::Unallocated);
        assert_eq!(
            assigned.entries()[1..],
            payment.entries()[1..],
            "assigned from the queue as the bank's payment would have been"
        );
        assert!(allocate(eur(0), &owed(), &COSTS_FIRST).is_err());
    }

    proptest::proptest! {
        #[test]
        fn allocation_keeps_every_cent_and_never_overpays_a_component(
            amount in 1_i64..10_000_000,
            principal in 0_i64..5_000_000,
            interest in 0_i64..500_000,
            costs in 0_i64..50_000,
        ) {
            let owed = vec![(Component::Principal, eur(principal)), (Component::Interest, eur(interest)), (Component::CollectionCosts, eur(costs))];
            let allocation = allocate(eur(amount), &owed, &COSTS_FIRST).unwrap_or_else(|e| panic!("{e}"));
            proptest::prop_assert_eq!(allocation.total().ok(), Some(eur(amount)));
            for (component, part) in &allocation.parts {
                let limit = owed.iter().find(|(c, _)| c == component).map(|(_, m)| m.amount_minor()).unwrap_or(0);
                proptest::prop_assert!(part.amount_minor() <= limit);
            }
            let posting = payment_received("FI2112345600000785", 1, "c", &allocation);
            proptest::prop_assert!(posting.is_ok());
        }
    }
}
