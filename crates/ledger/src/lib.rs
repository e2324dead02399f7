//! The double-entry ledger of client money. Pure: it builds balanced postings and checks
//! them; the store keeps them, append-only.

pub mod account;
pub mod allocation;
pub mod posting;

pub use account::{Account, Component};
pub use allocation::{Allocation, allocate, payment_received, refund, remittance};
pub use posting::{
    ENTRIES_PER_POSTING_MAX, Entry, LedgerError, Posting, PostingKind, check_balanced,
    claim_placed, company_money_swept, fee_charged, interest_accrued, payment_unmatched,
};
