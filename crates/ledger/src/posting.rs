//! Postings: sets of entries that balance per currency, never changed once written. A
//! correction is a new posting that refers to the one it corrects and reverses it.

use std::collections::BTreeMap;

use reilu_core::{Currency, Money};
use serde::{Deserialize, Serialize};

use crate::account::{Account, Component};

/// Entries one posting may hold: a payment touches at most the four components of one case,
/// the bank, the client and the company; corrections mirror that.
pub const ENTRIES_PER_POSTING_MAX: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("a posting needs at least two entries")]
    TooFewEntries,
    #[error("a posting holds at most {ENTRIES_PER_POSTING_MAX} entries")]
    TooManyEntries,
    #[error("an entry of zero on {0} carries nothing")]
    ZeroEntry(String),
    #[error("the entries do not balance in {currency}: they sum to {sum_minor} minor units")]
    Unbalanced { currency: Currency, sum_minor: i64 },
    #[error("amounts overflow")]
    Overflow,
    #[error("{0}")]
    Invalid(String),
}

/// What a posting records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostingKind {
    ClaimPlaced,
    FeeCharged,
    InterestAccrued,
    PaymentReceived,
    PaymentUnmatched,
    /// A payment from the unmatched queue, allocated to a case by an agent.
    PaymentAssigned,
    Correction,
    Remittance,
    Refund,
    Sweep,
}

impl PostingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PostingKind::ClaimPlaced => "claim_placed",
            PostingKind::FeeCharged => "fee_charged",
            PostingKind::InterestAccrued => "interest_accrued",
            PostingKind::PaymentReceived => "payment_received",
            PostingKind::PaymentUnmatched => "payment_unmatched",
            PostingKind::PaymentAssigned => "payment_assigned",
            PostingKind::Correction => "correction",
            PostingKind::Remittance => "remittance",
            PostingKind::Refund => "refund",
            PostingKind::Sweep => "sweep",
        }
    }
}

/// One line of a posting: debit positive, credit negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub account: Account,
    pub amount: Money,
}

/// A balanced set of entries. Only `Posting::new` builds one, so every value of this type
/// balances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    kind: PostingKind,
    entries: Vec<Entry>,
}

impl PostingKind {
    /// Fees and interest are charges on a customer: only the gate's approval makes them.
    pub fn is_charge(self) -> bool {
        matches!(self, PostingKind::FeeCharged | PostingKind::InterestAccrued)
    }
}

impl Posting {
    /// A balanced posting of any kind but a charge (see [`crate::charge_for`]).
    pub fn new(kind: PostingKind, entries: Vec<Entry>) -> Result<Posting, LedgerError> {
        if kind.is_charge() {
            return Err(LedgerError::Invalid(format!(
                "a {} posting is made only from the gate's approval",
                kind.as_str()
            )));
        }
        Posting::sealed(kind, entries)
    }

    pub(crate) fn sealed(kind: PostingKind, entries: Vec<Entry>) -> Result<Posting, LedgerError> {
        check_balanced(&entries)?;
        Ok(Posting { kind, entries })
    }

    pub fn kind(&self) -> PostingKind {
        self.kind
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The posting that undoes this one: every entry reversed.
    pub fn reversed(&self) -> Result<Posting, LedgerError> {
        let entries = self
            .entries
            .iter()
            .map(|entry| {
                let negated = entry
                    .amount
                    .amount_minor()
                    .checked_neg()
                    .ok_or(LedgerError::Overflow)?;
                Ok(Entry {
                    account: entry.account.clone(),
                    amount: Money::from_minor(negated, entry.amount.currency()),
                })
            })
            .collect::<Result<Vec<_>, LedgerError>>()?;
        Posting::new(PostingKind::Correction, entries)
    }
}

/// Entries balance per currency, none is zero, and their number is bounded. Checked when a
/// posting is built and again by `reilu check` on what the store reads back.
pub fn check_balanced(entries: &[Entry]) -> Result<(), LedgerError> {
    if entries.len() < 2 {
        return Err(LedgerError::TooFewEntries);
    }
    if entries.len() > ENTRIES_PER_POSTING_MAX {
        return Err(LedgerError::TooManyEntries);
    }
    let mut sums: BTreeMap<Currency, i64> = BTreeMap::new();
    for entry in entries {
        if entry.amount.amount_minor() == 0 {
            return Err(LedgerError::ZeroEntry(entry.account.code()));
        }
        let sum = sums.entry(entry.amount.currency()).or_insert(0);
        *sum = sum
            .checked_add(entry.amount.amount_minor())
            .ok_or(LedgerError::Overflow)?;
    }
    match sums.into_iter().find(|(_, sum)| *sum != 0) {
        Some((currency, sum_minor)) => Err(LedgerError::Unbalanced {
            currency,
            sum_minor,
        }),
        None => Ok(()),
    }
}

fn debit(account: Account, amount: Money) -> Entry {
    Entry { account, amount }
}

fn credit(account: Account, amount: Money) -> Entry {
    Entry {
        account,
        amount: Money::from_minor(-amount.amount_minor(), amount.currency()),
    }
}

/// A claim placed: the customer owes its principal and the creditor's fees, on the client's
/// behalf.
pub fn claim_placed(
    case_number: i64,
    client: &str,
    principal: Money,
    creditor_fees: Money,
) -> Result<Posting, LedgerError> {
    let mut entries = vec![debit(
        Account::Receivable {
            case_number,
            component: Component::Principal,
        },
        principal,
    )];
    if creditor_fees.amount_minor() > 0 {
        entries.push(debit(
            Account::Receivable {
                case_number,
                component: Component::CreditorFees,
            },
            creditor_fees,
        ));
    }
    let total = principal
        .checked_add(creditor_fees)
        .map_err(|_| LedgerError::Overflow)?;
    entries.push(credit(
        Account::ClientClaims {
            client: client.to_owned(),
        },
        total,
    ));
    Posting::new(PostingKind::ClaimPlaced, entries)
}

/// A collection fee the gate approved: the customer owes it, to the company.
pub(crate) fn fee_charged(case_number: i64, amount: Money) -> Result<Posting, LedgerError> {
    let entries = vec![
        debit(
            Account::Receivable {
                case_number,
                component: Component::CollectionCosts,
            },
            amount,
        ),
        credit(Account::CostsCharged, amount),
    ];
    Posting::sealed(PostingKind::FeeCharged, entries)
}

/// Late interest the gate approved: the customer owes it, to the client.
pub(crate) fn interest_accrued(
    case_number: i64,
    client: &str,
    amount: Money,
) -> Result<Posting, LedgerError> {
    let entries = vec![
        debit(
            Account::Receivable {
                case_number,
                component: Component::Interest,
            },
            amount,
        ),
        credit(
            Account::ClientClaims {
                client: client.to_owned(),
            },
            amount,
        ),
    ];
    Posting::sealed(PostingKind::InterestAccrued, entries)
}

/// Money the bank received that matches no case yet.
pub fn payment_unmatched(bank_iban: &str, amount: Money) -> Result<Posting, LedgerError> {
    let entries = vec![
        debit(
            Account::ClientMoneyBank {
                iban: bank_iban.to_owned(),
            },
            amount,
        ),
        credit(Account::Unallocated, amount),
    ];
    Posting::new(PostingKind::PaymentUnmatched, entries)
}

/// The company's own money (collected costs, commission) moved out of a client-money account
/// to the company's own account, so the client-money account holds only what others own.
pub fn company_money_swept(
    client_money_iban: &str,
    company_iban: &str,
    amount: Money,
) -> Result<Posting, LedgerError> {
    let entries = vec![
        debit(
            Account::CompanyBank {
                iban: company_iban.to_owned(),
            },
            amount,
        ),
        credit(
            Account::ClientMoneyBank {
                iban: client_money_iban.to_owned(),
            },
            amount,
        ),
    ];
    Posting::new(PostingKind::Sweep, entries)
}
