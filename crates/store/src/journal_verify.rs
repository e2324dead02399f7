//! Verifying the journal: every entry re-chained and re-hashed (plain SHA-256 up to the keyed
//! marker, the journal key's tag from it on), and the head held to the last entry.

use reilu_vault::JournalKey;
use sqlx::{AnyPool, Row};

use crate::journal::{JournalEntry, JournalVerification, entry_hash, entry_tag};
use crate::keying::{MARKER_KIND, check_marker};
use crate::models::NewJournalEntry;
use crate::{StoreError, StoreResult};

/// Entries read per query while verifying, so memory stays flat however long the journal.
const VERIFY_PAGE_ENTRIES: i64 = 1000;

/// Where the walk along the chain stands.
struct Walk {
    expected_prev: String,
    expected_seq: i64,
    /// Whether the keyed marker has been passed: entries from it on carry tags.
    keyed: bool,
}

pub(crate) async fn verify(pool: &AnyPool, key: &JournalKey) -> StoreResult<JournalVerification> {
    let mut walk = Walk {
        expected_prev: "0".repeat(64),
        expected_seq: 1,
        keyed: false,
    };
    loop {
        let page = read_page(pool, walk.expected_seq - 1, VERIFY_PAGE_ENTRIES).await?;
        if page.is_empty() {
            break;
        }
        for stored in &page {
            if let Some(reason) = check_entry(stored, &mut walk, key) {
                return Ok(JournalVerification::Broken {
                    seq: stored.seq,
                    reason,
                });
            }
            walk.expected_prev.clone_from(&stored.hash);
            walk.expected_seq += 1;
        }
    }
    let last = walk.expected_seq - 1;
    let head = sqlx::query("SELECT seq, hash FROM journal_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    let head_seq: i64 = head.try_get(0)?;
    let head_hash: String = head.try_get(1)?;
    if head_seq != last || head_hash != walk.expected_prev {
        let reason = format!("the head says entry {head_seq}, the journal ends at {last}");
        return Ok(JournalVerification::Broken {
            seq: head_seq,
            reason,
        });
    }
    if !walk.keyed {
        return Ok(JournalVerification::Broken {
            seq: last,
            reason: "the journal has no keyed marker: it was never opened with a journal key, or the marker was removed with everything after it".into(),
        });
    }
    Ok(JournalVerification::Intact { entries: last })
}

fn check_entry(stored: &JournalEntry, walk: &mut Walk, key: &JournalKey) -> Option<String> {
    if stored.seq != walk.expected_seq {
        return Some(format!("entry {} is missing", walk.expected_seq));
    }
    if stored.prev_hash != walk.expected_prev {
        return Some("it does not chain to the entry before it".into());
    }
    let fields = NewJournalEntry {
        at_ms: stored.at_ms,
        actor: stored.actor.clone(),
        kind: stored.kind.clone(),
        subject: stored.subject.clone(),
        payload: stored.payload.clone(),
    };
    if !walk.keyed && stored.kind == MARKER_KIND {
        return match check_marker(stored.seq, &fields, &stored.prev_hash, &stored.hash, key) {
            Ok(_) => {
                walk.keyed = true;
                None
            }
            Err(reason) => Some(reason),
        };
    }
    if walk.keyed {
        if entry_tag(key, &stored.prev_hash, stored.seq, &fields) != stored.hash {
            return Some("its content does not match its tag: it was changed".into());
        }
    } else if entry_hash(&stored.prev_hash, stored.seq, &fields) != stored.hash {
        return Some("its content does not match its hash: it was changed".into());
    }
    None
}

/// Up to `limit` entries after `after_seq`, in order.
pub(crate) async fn read_page(
    pool: &AnyPool,
    after_seq: i64,
    limit: i64,
) -> StoreResult<Vec<JournalEntry>> {
    let rows = sqlx::query(
        "SELECT seq, at_ms, actor, kind, subject, payload, prev_hash, hash FROM journal \
         WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after_seq)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let read = |error: sqlx::Error| StoreError::Corrupt(format!("journal row: {error}"));
    rows.iter()
        .map(|row| {
            Ok(JournalEntry {
                seq: row.try_get(0).map_err(read)?,
                at_ms: row.try_get(1).map_err(read)?,
                actor: row.try_get(2).map_err(read)?,
                kind: row.try_get(3).map_err(read)?,
                subject: row.try_get(4).map_err(read)?,
                payload: row.try_get(5).map_err(read)?,
                prev_hash: row.try_get(6).map_err(read)?,
                hash: row.try_get(7).map_err(read)?,
            })
        })
        .collect()
}
