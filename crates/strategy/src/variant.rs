//! Champion/challenger assignment: a case's variant follows from a stable hash, so the same
//! case stays in the same variant across runs, machines and releases.

use sha2::{Digest, Sha256};

/// Buckets a case can fall in; variant shares are whole percents of them.
pub const VARIANT_BUCKETS: u32 = 100;

/// The case's bucket, 0–99: the first 8 bytes of SHA-256 over the UTF-8 text
/// `"<strategy id>:<case number>"` (the number in decimal, `-` for negatives), read as a
/// big-endian unsigned integer, modulo 100. SHA-256 rather than std's `Hash`, whose output
/// may change between Rust releases. The modulo's bias over 2^64 is below 10^-17.
pub fn variant_bucket(strategy_id: &str, case_number: i64) -> u32 {
    let digest = Sha256::digest(format!("{strategy_id}:{case_number}").as_bytes());
    let mut head = [0_u8; 8];
    head.copy_from_slice(&digest[..8]);
    let bucket = u64::from_be_bytes(head) % u64::from(VARIANT_BUCKETS);
    // Below 100, so it fits.
    u32::try_from(bucket).unwrap_or(0)
}
