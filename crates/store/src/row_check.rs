//! `reilu check` for the rows the journal vouches for: each posting against its tag (or, for
//! postings older than the key, the marker's digest), each client against what the journal
//! recorded of it, and each case's claims against what their placement posted.

use std::collections::{BTreeMap, HashMap};

use futures_util::TryStreamExt;
use reilu_ledger::Component;
use reilu_vault::JournalKey;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::keying::Marker;
use crate::ledger::receivable;
use crate::models::{LedgerCheck, PostingEntryRow};
use crate::row_seals::{ClientSeal, PostingRow, PostingsDigest};
use crate::{StoreError, StoreResult};

/// The kind of the posting intake writes for a batch of claims.
pub(crate) const PLACEMENT_KIND: &str = "claims_placed";

/// The posting columns [`PostingSeals::add`] reads, in order (`PostingRow::read` takes the
/// first seven).
pub(crate) const POSTING_SEAL_COLUMNS: &str =
    "id, kind, at_ms, corrects, idempotency_key, description, entries_sha256, mac";

/// Postings held to their tags, or to the marker's digest for those older than the key.
pub(crate) struct PostingSeals<'a> {
    key: &'a JournalKey,
    marker: Option<&'a Marker>,
    old: PostingsDigest,
    /// Postings with a tag that does not hold, or none (reported together when many).
    changed: Vec<i64>,
    untagged: Vec<i64>,
}

/// Ids of changed postings named in full; beyond this they are counted.
const POSTINGS_NAMED_MAX: usize = 20;

impl<'a> PostingSeals<'a> {
    pub(crate) fn new(key: &'a JournalKey, marker: Option<&'a Marker>) -> Self {
        PostingSeals {
            key,
            marker,
            old: PostingsDigest::default(),
            changed: Vec::new(),
            untagged: Vec::new(),
        }
    }

    /// One posting row, read with [`POSTING_SEAL_COLUMNS`] first. Without a sound marker
    /// (another key, or the marker gone, which the check reports) tags are not checked: every
    /// one would fail and say nothing more than that one problem.
    pub(crate) fn add(&mut self, row: &AnyRow) -> StoreResult<()> {
        let Some(marker) = self.marker else {
            return Ok(());
        };
        let posting = PostingRow::read(row)?;
        let through = marker.postings_through;
        if posting.id <= through {
            self.old.add(&posting);
            return Ok(());
        }
        let mac: Option<String> = row.try_get(7)?;
        match mac {
            None => self.untagged.push(posting.id),
            Some(mac) if !posting.verify(self.key, &mac) => self.changed.push(posting.id),
            Some(_) => {}
        }
        Ok(())
    }

    pub(crate) fn report(self, report: &mut LedgerCheck) {
        let name = |ids: &[i64]| {
            let named: Vec<String> = ids
                .iter()
                .take(POSTINGS_NAMED_MAX)
                .map(i64::to_string)
                .collect();
            let more = ids.len().saturating_sub(POSTINGS_NAMED_MAX);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("{}{more}", named.join(", "))
        };
        if !self.changed.is_empty() {
            report.problems.push(format!(
                "posting {} was changed after it was written: its kind, description, time, key or lines no longer match its tag",
                name(&self.changed)
            ));
        }
        if !self.untagged.is_empty() {
            report.problems.push(format!(
                "posting {} has no tag: it was not written by Reilu after the journal was keyed",
                name(&self.untagged)
            ));
        }
        if let Some(marker) = self.marker {
            let (_, digest) = self.old.finish();
            if digest != marker.postings_sha256 {
                report.problems.push(format!(
                    "the postings written before the journal was keyed (ids up to {}) are not the ones sealed then: one was changed, added or removed",
                    marker.postings_through
                ));
            }
        }
    }
}

/// Per case, what its claims hold minus what their placement posted, for principal and
/// creditor fees: how many amounts, their sum and an order-free fingerprint of them. All
/// zero when every claim still holds what was placed.
#[derive(Default)]
pub(crate) struct ClaimPrints {
    cases: HashMap<i64, [Print; 2]>,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
struct Print {
    count: i64,
    sum_minor: i64,
    fingerprint: u64,
}

impl Print {
    fn add(&mut self, amount_minor: i64, sign: i64) {
        self.count = self.count.wrapping_add(sign);
        self.sum_minor = self.sum_minor.wrapping_add(sign.wrapping_mul(amount_minor));
        let print = mix(amount_minor as u64);
        self.fingerprint = if sign > 0 {
            self.fingerprint.wrapping_add(print)
        } else {
            self.fingerprint.wrapping_sub(print)
        };
    }
}

/// The SplitMix64 finaliser (Steele, Lea, Flood 2014): a well-spread print of one amount,
/// summed so that the order of claims does not matter.
fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The components a claim carries, in the order `ClaimPrints` keeps them.
const CLAIM_COMPONENTS: [Component; 2] = [Component::Principal, Component::CreditorFees];

impl ClaimPrints {
    /// The lines of a placement posting (`claims_placed`): one per claim and component.
    pub(crate) fn add_placement(&mut self, entries: &[PostingEntryRow]) {
        for entry in entries {
            if let Some((case_number, component)) = receivable(&entry.account)
                && let Some(index) = CLAIM_COMPONENTS.iter().position(|c| *c == component)
            {
                self.cases.entry(case_number).or_default()[index].add(entry.amount_minor, 1);
            }
        }
    }

    /// Every claim, by case, against what the placements posted.
    pub(crate) async fn compare_claims(
        mut self,
        connection: &mut AnyConnection,
        report: &mut LedgerCheck,
    ) -> StoreResult<()> {
        {
            let mut claims = sqlx::query(
                "SELECT c.case_number, cl.principal_minor, cl.creditor_fees_minor \
                 FROM claims cl JOIN cases c ON c.id = cl.case_id",
            )
            .fetch(&mut *connection);
            while let Some(row) = claims.try_next().await? {
                let case_number: i64 = row.try_get(0)?;
                let amounts: [i64; 2] = [row.try_get(1)?, row.try_get(2)?];
                let prints = self.cases.entry(case_number).or_default();
                for (print, amount_minor) in prints.iter_mut().zip(amounts) {
                    // A placement posts no line for a component of zero.
                    if amount_minor != 0 {
                        print.add(amount_minor, -1);
                    }
                }
            }
        }
        let mut cases: Vec<(&i64, &[Print; 2])> = self
            .cases
            .iter()
            .filter(|(_, prints)| prints.iter().any(|print| *print != Print::default()))
            .collect();
        cases.sort_unstable_by_key(|(case_number, _)| **case_number);
        for (case_number, prints) in cases {
            for (print, component) in prints.iter().zip(["principal", "creditor fees"]) {
                if *print == Print::default() {
                    continue;
                }
                report.problems.push(if print.sum_minor != 0 || print.count != 0 {
                    format!(
                        "case {case_number}: its claims' {component} is not what their placement posted (the claims hold {} minor units less than was placed): a claim was changed after it was placed",
                        print.sum_minor
                    )
                } else {
                    format!(
                        "case {case_number}: its claims' {component} amounts are not the ones placed (the total agrees): a claim was changed after it was placed"
                    )
                });
            }
        }
        Ok(())
    }
}

/// Each client against the journal: its name, market, IBAN and commission as the newest
/// journal record of it says (a `client.added` entry, or the marker for clients older than
/// the key).
pub(crate) async fn check_clients(
    connection: &mut AnyConnection,
    marker: &Marker,
    marker_seq: i64,
    report: &mut LedgerCheck,
) -> StoreResult<()> {
    let mut expected: BTreeMap<String, ClientSeal> = marker.clients.clone();
    let rows = sqlx::query(
        "SELECT subject, payload FROM journal WHERE seq > $1 AND kind = 'client.added' ORDER BY seq",
    )
    .bind(marker_seq)
    .fetch_all(&mut *connection)
    .await?;
    for row in &rows {
        let subject: String = row.try_get(0)?;
        let payload: String = row.try_get(1)?;
        let Some(id) = subject.strip_prefix("client:") else {
            continue;
        };
        let seal: ClientSeal = serde_json::from_str(&payload).map_err(|error| {
            StoreError::Corrupt(format!("the journal's record of client {id}: {error}"))
        })?;
        expected.insert(id.to_owned(), seal);
    }
    let clients =
        sqlx::query("SELECT id, name, market, iban, commission_bp FROM clients ORDER BY id")
            .fetch_all(&mut *connection)
            .await?;
    for row in &clients {
        let id: String = row.try_get(0)?;
        let stored = ClientSeal {
            name: row.try_get(1)?,
            market: row.try_get(2)?,
            iban: row.try_get(3)?,
            commission_bp: row.try_get(4)?,
        };
        match expected.get(&id) {
            None => report.problems.push(format!(
                "client {id} is not in the journal: it was added behind the store's back"
            )),
            Some(journaled) if *journaled != stored => {
                report
                    .problems
                    .push(client_difference(&id, journaled, &stored));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Names the fields of a client that differ from the journal's record.
fn client_difference(id: &str, journaled: &ClientSeal, stored: &ClientSeal) -> String {
    let mut fields = Vec::new();
    if journaled.iban != stored.iban {
        fields.push(format!(
            "its IBAN is {}, the journal recorded {}",
            stored.iban, journaled.iban
        ));
    }
    if journaled.commission_bp != stored.commission_bp {
        fields.push(format!(
            "its commission is {} bp, the journal recorded {} bp",
            stored.commission_bp, journaled.commission_bp
        ));
    }
    if journaled.name != stored.name {
        fields.push("its name is not the one journaled".into());
    }
    if journaled.market != stored.market {
        fields.push(format!(
            "its market is {}, the journal recorded {}",
            stored.market, journaled.market
        ));
    }
    format!(
        "client {id} was changed behind the store's back: {}",
        fields.join("; ")
    )
}
