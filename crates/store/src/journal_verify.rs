//! Verifying the journal, chain by chain: every entry re-chained and re-hashed (on chain
//! `main` plain SHA-256 up to the keyed marker, the journal key's tag from it on; every other
//! chain tagged from its first entry), and each chain's head held to its last entry.

use reilu_vault::JournalKey;
use sqlx::{AnyPool, Row};

use crate::journal::{
    GENESIS_HASH, JournalEntry, JournalVerification, MAIN, entry_hash, stored_entry_tag,
};
use crate::keying::{MARKER_KIND, check_marker};
use crate::{StoreError, StoreResult};

/// Entries read per query while verifying, so memory stays flat however long the journal.
const VERIFY_PAGE_ENTRIES: i64 = 1000;

/// How one chain stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainVerification {
    pub chain: String,
    /// Entries that verified (all of them, when intact).
    pub entries: i64,
    /// The first broken entry's place in the chain and why.
    pub broken: Option<(i64, String)>,
}

/// Where the walk along a chain stands.
struct Walk {
    expected_prev: String,
    expected_seq: i64,
    /// Whether entries carry tags from here on: on `main` from the keyed marker, elsewhere
    /// from the start.
    keyed: bool,
}

/// The whole journal as one answer: the first broken entry (chain `main` first), or how
/// many entries all chains hold.
pub(crate) async fn verify(pool: &AnyPool, key: &JournalKey) -> StoreResult<JournalVerification> {
    let chains = verify_chains(pool, key).await?;
    let mut entries = 0;
    for chain in chains {
        if let Some((seq, reason)) = chain.broken {
            let reason = if chain.chain == MAIN {
                reason
            } else {
                format!("chain '{}': {reason}", chain.chain)
            };
            return Ok(JournalVerification::Broken { seq, reason });
        }
        entries += chain.entries;
    }
    Ok(JournalVerification::Intact { entries })
}

/// Every chain, `main` first: those with a head and those with entries (an entry on a chain
/// without a head is reported, not skipped).
pub(crate) async fn verify_chains(
    pool: &AnyPool,
    key: &JournalKey,
) -> StoreResult<Vec<ChainVerification>> {
    let rows = sqlx::query(
        "SELECT chain FROM journal_heads UNION SELECT DISTINCT chain FROM journal ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    let mut names: Vec<String> = rows
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    if !names.iter().any(|name| name == MAIN) {
        names.push(MAIN.to_owned());
    }
    names.sort_by_key(|name| (name != MAIN, name.clone()));
    let mut chains = Vec::with_capacity(names.len());
    for name in names {
        chains.push(verify_chain(pool, key, &name).await?);
    }
    Ok(chains)
}

async fn verify_chain(
    pool: &AnyPool,
    key: &JournalKey,
    chain: &str,
) -> StoreResult<ChainVerification> {
    let mut walk = Walk {
        expected_prev: GENESIS_HASH.to_owned(),
        expected_seq: 1,
        keyed: chain != MAIN,
    };
    let report = |entries: i64, broken: Option<(i64, String)>| ChainVerification {
        chain: chain.to_owned(),
        entries,
        broken,
    };
    loop {
        let page = read_page(pool, chain, walk.expected_seq - 1, VERIFY_PAGE_ENTRIES).await?;
        if page.is_empty() {
            break;
        }
        for stored in &page {
            if let Some(reason) = check_entry(stored, &mut walk, key) {
                return Ok(report(
                    walk.expected_seq - 1,
                    Some((stored.chain_seq, reason)),
                ));
            }
            walk.expected_prev.clone_from(&stored.hash);
            walk.expected_seq += 1;
        }
    }
    let last = walk.expected_seq - 1;
    let head = sqlx::query("SELECT seq, hash FROM journal_heads WHERE chain = $1")
        .bind(chain)
        .fetch_optional(pool)
        .await?;
    let (head_seq, head_hash): (i64, String) = match head {
        Some(row) => (row.try_get(0)?, row.try_get(1)?),
        None => (0, GENESIS_HASH.to_owned()),
    };
    if head_seq != last || head_hash != walk.expected_prev {
        let reason = format!("the head says entry {head_seq}, the chain ends at {last}");
        return Ok(report(last, Some((head_seq, reason))));
    }
    if !walk.keyed {
        let reason = "the journal has no keyed marker: it was never opened with a journal key, or the marker was removed with everything after it";
        return Ok(report(last, Some((last, reason.into()))));
    }
    Ok(report(last, None))
}

fn check_entry(stored: &JournalEntry, walk: &mut Walk, key: &JournalKey) -> Option<String> {
    if stored.chain_seq != walk.expected_seq {
        return Some(format!("entry {} is missing", walk.expected_seq));
    }
    if stored.prev_hash != walk.expected_prev {
        return Some("it does not chain to the entry before it".into());
    }
    if !walk.keyed && stored.kind == MARKER_KIND {
        return match check_marker(stored, key) {
            Ok(_) => {
                walk.keyed = true;
                None
            }
            Err(reason) => Some(reason),
        };
    }
    if walk.keyed {
        if stored_entry_tag(key, stored) != stored.hash {
            return Some("its content does not match its tag: it was changed".into());
        }
    } else if stored.seq != stored.chain_seq
        || entry_hash(&stored.prev_hash, stored.seq, &stored.fields()) != stored.hash
    {
        // Entries from before the key were all of one chain, numbered alike in both orders.
        return Some("its content does not match its hash: it was changed".into());
    }
    None
}

/// Up to `limit` entries of `chain` after `after_seq` (a place in the chain), in order.
pub(crate) async fn read_page(
    pool: &AnyPool,
    chain: &str,
    after_seq: i64,
    limit: i64,
) -> StoreResult<Vec<JournalEntry>> {
    let rows = sqlx::query(
        "SELECT seq, chain, chain_seq, at_ms, actor, kind, subject, payload, prev_hash, hash \
         FROM journal WHERE chain = $1 AND chain_seq > $2 ORDER BY chain_seq LIMIT $3",
    )
    .bind(chain)
    .bind(after_seq)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let read = |error: sqlx::Error| StoreError::Corrupt(format!("journal row: {error}"));
    rows.iter()
        .map(|row| {
            Ok(JournalEntry {
                seq: row.try_get(0).map_err(read)?,
                chain: row.try_get(1).map_err(read)?,
                chain_seq: row.try_get(2).map_err(read)?,
                at_ms: row.try_get(3).map_err(read)?,
                actor: row.try_get(4).map_err(read)?,
                kind: row.try_get(5).map_err(read)?,
                subject: row.try_get(6).map_err(read)?,
                payload: row.try_get(7).map_err(read)?,
                prev_hash: row.try_get(8).map_err(read)?,
                hash: row.try_get(9).map_err(read)?,
            })
        })
        .collect()
}
