//! How much one claim, one case and one client may hold: the limits intake enforces so that
//! no balance kept or summed anywhere can leave `i64`.
//!
//! Every balance Reilu keeps is an `i64` of minor units (at most about 9.2 × 10^18). A client
//! could otherwise place claims whose sum does not fit: six API batches of 1,000 claims at
//! [`crate::money::AMOUNT_MINOR_MAX`] each add up to 1.2 × 10^19, and SQLite turns an integer
//! `balance + n` that overflows into a floating-point value instead of failing. With these
//! limits no client's balance exceeds the largest amount accepted from outside (10^15), so
//! company-wide sums over every client (a bank account's balance, `reilu check`'s totals per
//! currency) stay exact unless more than 9,000 clients are each at their limit, and interest
//! on a case at its limit (computed in i128) is far from any bound.
//!
//! They are minor units, so their size in money depends on the currency. The smallest
//! currency unit among the markets is the forint (HUF has two decimals in ISO 4217, about
//! 400 forints to the euro): 10^12 minor units are 10,000,000,000.00 HUF, about 25 million
//! euros, and 10,000,000,000.00 EUR. A claim a collection agency takes is orders of magnitude
//! smaller; a value at these limits is a typing error or an attack.

/// The largest principal one claim may have, and separately the largest creditor fees:
/// 10^12 minor units (10,000,000,000.00 in a currency with two decimals).
pub const CLAIM_AMOUNT_MAX_MINOR: i64 = 1_000_000_000_000;

/// The most one case may owe once a claim is placed on it: every component of its
/// receivable (principal, interest, collection costs, creditor fees) together, 10^13 minor
/// units (five claims at their limit, fees included).
pub const CASE_OUTSTANDING_MAX_MINOR: i64 = 10_000_000_000_000;

/// The most a client may have outstanding in one currency (what its placed claims' principal
/// and fees still owe, less what was paid): 10^15 minor units, a hundred cases at their
/// limit, and [`crate::money::AMOUNT_MINOR_MAX`]. A file or an API batch places nothing past
/// it: the claims that would cross it are refused one by one, the others placed.
pub const CLIENT_OUTSTANDING_MAX_MINOR: i64 = 1_000_000_000_000_000;

// The limits nest, and leave the headroom described above (checked when compiling).
const _: () = assert!(CLAIM_AMOUNT_MAX_MINOR * 2 <= CASE_OUTSTANDING_MAX_MINOR);
const _: () = assert!(CASE_OUTSTANDING_MAX_MINOR < CLIENT_OUTSTANDING_MAX_MINOR);
const _: () = assert!(CLIENT_OUTSTANDING_MAX_MINOR <= crate::money::AMOUNT_MINOR_MAX);
const _: () = assert!(CLIENT_OUTSTANDING_MAX_MINOR.checked_mul(9_000).is_some());
