//! The double-entry ledger of client money. Pure: it builds balanced postings and checks
//! them; the store keeps them, append-only.

pub mod account;
pub mod allocation;
mod charge;
pub mod posting;

pub use account::{Account, Component};
pub use allocation::{
    Allocation, allocate, payment_received, refund, remittance, unallocated_assigned,
    unallocated_refunded,
};
pub use charge::{charge_for, charged_amount};
pub use posting::{
    ENTRIES_PER_POSTING_MAX, Entry, LedgerError, Posting, PostingKind, check_balanced,
    claim_placed, company_money_swept, payment_unmatched,
};
