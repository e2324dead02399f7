//! Planning a chunk of bank entries: which are new, how each payment is allocated and which
//! postings it needs. Planning is pure computation on what the store read before
//! ([`ChunkFacts`]), so a payments import can plan one chunk on another thread while the
//! store writes the one before (see `PaymentImport::prefetch`).

use std::collections::{HashMap, HashSet};

use reilu_core::{Currency, Money};
use reilu_ledger::{Component, allocate, payment_received, payment_unmatched};

use crate::ledger::{Seal, SealedPosting, posting_statements};
use crate::models::{CaseFacts, NewPosting, PaymentInstruction, PaymentTarget};
use crate::payments::{entry_statements, ledger_error, rows_of, to_rows};
use crate::sql::BoundStatement;
use crate::{Backend, StoreError, StoreResult};

/// A batch larger than this is a caller's bug: imports stream files in smaller chunks.
pub const PAYMENTS_PER_BATCH_MAX: usize = 20_000;

/// What the store held for a chunk when it was read: its cases (owner, currency, market,
/// receivables and version), which of its bank entries were recorded already, and the posting
/// ids reserved for it.
#[derive(Debug)]
pub struct ChunkFacts {
    pub cases: Vec<CaseFacts>,
    pub(crate) recorded: HashSet<(String, String)>,
    /// Posting ids taken from the counter for this chunk alone (one per entry not recorded
    /// yet, the most it can need): nobody else can hand them out, so the ids the chunk is
    /// planned with are the ids it is written with.
    pub(crate) posting_ids: std::ops::Range<i64>,
}

/// Receivables of cases as the plan allocates them, so two payments of one case see each
/// other.
type Owed = HashMap<i64, Vec<(Component, Money)>>;

/// Plans chunks one after the other, down to the statements that write them (so the task
/// that owns the transaction only runs them). It remembers the chunk it planned last (its
/// cases' receivables after allocation, its bank entries, the posting ids it planned),
/// because the facts of the next chunk may have been read before that chunk was written:
/// what it remembers takes precedence. Each import has one planner, and its chunks must be
/// written in the order they were planned (the import refuses anything else: a chunk skipped
/// or written twice would leave the planner's memory wrong).
#[derive(Debug)]
pub struct ChunkPlanner {
    actor: String,
    at_ms: i64,
    backend: Backend,
    /// The journal key the planned postings are tagged with.
    key: reilu_vault::JournalKey,
    owed: Owed,
    last_keys: HashSet<(String, String)>,
    /// The version each case of the last chunk will have once that chunk is written.
    last_versions: HashMap<i64, i64>,
    next_sequence: u64,
}

/// A chunk ready to write.
#[derive(Debug)]
pub struct PlannedChunk {
    pub(crate) batch: Vec<PaymentInstruction>,
    pub(crate) planned: Vec<Planned>,
    /// Its place in the order of planning, from 0.
    pub(crate) sequence: u64,
    /// The ids its postings were planned with: `posting_count` of them from the first, all
    /// inside `reserved` (the writer refuses the chunk otherwise).
    pub(crate) first_posting_id: i64,
    pub(crate) posting_count: usize,
    pub(crate) reserved: std::ops::Range<i64>,
    /// The SQL that writes its postings, their `account_lines` and balances, and its bank
    /// entries (all but the returns, which are booked as they are written).
    pub(crate) statements: Vec<BoundStatement>,
}

impl PlannedChunk {
    /// How many bank entries the chunk holds.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }

    /// Whether the chunk books returns. Returns are booked as they are written, against what
    /// the store holds then, and change the receivables of their cases: the next chunk must
    /// be read after this one is written and planned with a planner that forgot it.
    pub fn has_returns(&self) -> bool {
        self.planned
            .iter()
            .any(|plan| matches!(plan, Planned::Return))
    }
}

/// What to do with one bank entry of a chunk.
#[derive(Debug)]
pub(crate) enum Planned {
    Skip,
    Matched { case_number: i64, posting_id: i64 },
    Unmatched { posting_id: i64 },
    Return,
    Ignored,
}

impl Planned {
    pub(crate) fn posting_id(&self) -> Option<i64> {
        match self {
            Planned::Matched { posting_id, .. } | Planned::Unmatched { posting_id } => {
                Some(*posting_id)
            }
            Planned::Skip | Planned::Ignored | Planned::Return => None,
        }
    }
}

impl ChunkPlanner {
    pub(crate) fn new(
        actor: &str,
        at_ms: i64,
        backend: Backend,
        key: &reilu_vault::JournalKey,
    ) -> Self {
        ChunkPlanner {
            actor: actor.to_owned(),
            at_ms,
            backend,
            key: key.clone(),
            owed: Owed::new(),
            last_keys: HashSet::new(),
            last_versions: HashMap::new(),
            next_sequence: 0,
        }
    }

    /// Forgets the last chunk: call it once everything planned is written and the store may
    /// hold more than the plan knows (after returns were booked).
    pub fn forget(&mut self) {
        self.owed.clear();
        self.last_keys.clear();
        self.last_versions.clear();
    }

    /// Plans a chunk from the facts read for it. Every case a payment is instructed to must be
    /// among the facts.
    pub fn plan(
        &mut self,
        batch: Vec<PaymentInstruction>,
        facts: ChunkFacts,
    ) -> StoreResult<PlannedChunk> {
        if batch.len() > PAYMENTS_PER_BATCH_MAX {
            return Err(StoreError::Conflict(format!(
                "a batch holds at most {PAYMENTS_PER_BATCH_MAX} payments"
            )));
        }
        let mut owed = Owed::with_capacity(facts.cases.len());
        let mut versions = HashMap::with_capacity(facts.cases.len());
        for case in facts.cases {
            // A case of the last chunk: its receivables and version as that chunk leaves
            // them, which the store may not hold yet.
            let receivables = self.owed.remove(&case.case_number).unwrap_or(case.owed);
            owed.insert(case.case_number, receivables);
            let version = self.last_versions.get(&case.case_number).copied();
            if let Some(version) = version.or(case.version) {
                versions.insert(case.case_number, version);
            }
        }
        let fresh = self.fresh_entries(&batch, &facts.recorded);
        let first_posting_id = facts.posting_ids.start;
        let mut postings: Vec<SealedPosting> = Vec::new();
        let mut planned = Vec::with_capacity(batch.len());
        for (instruction, is_fresh) in batch.iter().zip(&fresh) {
            planned.push(match (is_fresh, &instruction.target) {
                (false, _) => Planned::Skip,
                // Returns are booked after the rest of the chunk, so one that returns a
                // payment of this same chunk finds it.
                (true, PaymentTarget::Return { .. }) => Planned::Return,
                (true, _) => {
                    let posting_id = first_posting_id + postings.len() as i64;
                    let (plan, posting) =
                        plan_one(instruction, &mut owed, posting_id, &self.actor, self.at_ms)?;
                    postings.extend(posting);
                    plan
                }
            });
        }
        let count = i64::try_from(postings.len()).unwrap_or(i64::MAX);
        if first_posting_id.checked_add(count) > Some(facts.posting_ids.end) {
            return Err(StoreError::Conflict(format!(
                "a chunk needs {count} posting ids, {} were reserved for it",
                facts.posting_ids.end - facts.posting_ids.start
            )));
        }
        let sealed: Vec<(&NewPosting, &Seal)> = postings
            .iter()
            .map(|sealed| (&sealed.posting, &sealed.seal))
            .collect();
        let mut statements = posting_statements(
            &sealed,
            first_posting_id,
            self.backend,
            &self.key,
            Some(&versions),
        )?;
        // Once written, every case whose receivables the chunk changes is one version on.
        for touched in touched_cases(&postings) {
            if let Some(version) = versions.get_mut(&touched) {
                *version += 1;
            }
        }
        let rows = rows_of(&batch, &planned);
        statements.extend(entry_statements(
            rows.iter().filter(|row| !row.is_return()),
            self.at_ms,
            self.backend,
        ));
        // The rows borrow the batch, which the chunk takes next.
        drop(rows);
        self.owed = owed;
        self.last_versions = versions;
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        Ok(PlannedChunk {
            batch,
            planned,
            sequence,
            first_posting_id,
            posting_count: postings.len(),
            reserved: facts.posting_ids,
            statements,
        })
    }

    /// Per entry, whether it is new: not recorded in the store, not in the last chunk (which
    /// may not be written yet) and not earlier in this chunk. Remembers this chunk's entries.
    fn fresh_entries(
        &mut self,
        batch: &[PaymentInstruction],
        recorded: &HashSet<(String, String)>,
    ) -> Vec<bool> {
        let mut keys = HashSet::with_capacity(batch.len());
        let fresh = batch
            .iter()
            .map(|instruction| {
                let key = (
                    instruction.entry.account_iban.clone(),
                    instruction.entry.bank_reference.clone(),
                );
                let new = !recorded.contains(&key) && !self.last_keys.contains(&key);
                new && keys.insert(key)
            })
            .collect();
        self.last_keys = keys;
        fresh
    }
}

/// The cases whose receivables the postings change.
fn touched_cases(postings: &[SealedPosting]) -> HashSet<i64> {
    postings
        .iter()
        .flat_map(|sealed| sealed.posting.entries.iter())
        .filter_map(|entry| crate::ledger::receivable(&entry.account).map(|(case, _)| case))
        .collect()
}

/// One new bank entry's plan, with the posting it needs (written with `posting_id`).
fn plan_one(
    instruction: &PaymentInstruction,
    owed: &mut Owed,
    posting_id: i64,
    actor: &str,
    at_ms: i64,
) -> StoreResult<(Planned, Option<SealedPosting>)> {
    let entry = &instruction.entry;
    let currency =
        Currency::parse(&entry.currency).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let amount = Money::from_minor(entry.amount_minor, currency);
    match &instruction.target {
        PaymentTarget::Case {
            case_number,
            client_id,
            allocation_order,
        } => {
            let balances = owed
                .get_mut(case_number)
                .ok_or_else(|| StoreError::NotFound(format!("case {case_number}")))?;
            let allocation = allocate(amount, balances, allocation_order).map_err(ledger_error)?;
            for (component, part) in &allocation.parts {
                if let Some((_, left)) = balances.iter_mut().find(|(c, _)| c == component) {
                    *left = Money::from_minor(left.amount_minor() - part.amount_minor(), currency);
                }
            }
            let posting =
                payment_received(&entry.account_iban, *case_number, client_id, &allocation)
                    .map_err(ledger_error)?;
            Ok((
                Planned::Matched {
                    case_number: *case_number,
                    posting_id,
                },
                Some(SealedPosting::seal(to_rows(
                    &posting, entry, None, actor, at_ms,
                ))?),
            ))
        }
        PaymentTarget::Unmatched => {
            // Money out that matches nothing (a debit) is booked the other way round.
            let signed = if entry.direction == "debit" {
                Money::from_minor(-entry.amount_minor, currency)
            } else {
                amount
            };
            let posting = payment_unmatched(&entry.account_iban, signed).map_err(ledger_error)?;
            Ok((
                Planned::Unmatched { posting_id },
                Some(SealedPosting::seal(to_rows(
                    &posting, entry, None, actor, at_ms,
                ))?),
            ))
        }
        PaymentTarget::Return { .. } => Ok((Planned::Return, None)),
        PaymentTarget::Ignored => Ok((Planned::Ignored, None)),
    }
}
