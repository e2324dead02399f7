//! Payments from bank files, written chunk by chunk in short transactions (one per
//! [`PAYMENTS_PER_TRANSACTION`] entries), each bank entry recorded once per account and bank
//! reference (the primary key of `bank_entries`), so a re-run or a resumed import skips what
//! was recorded and posts the rest, and no lock is held for the whole file. Posting ids are taken from the
//! counter in blocks, each in a statement of its own, before the chunks that use them are
//! planned. The file's summary is journaled when it completes (`PaymentImport::finish`).
//! Returned payments and reversals are booked as corrections of the payment they return.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use reilu_core::{Currency, Money};
use reilu_ledger::{Account, Component, Entry, Posting, PostingKind, payment_unmatched};
use sqlx::{AnyPool, Row};

use crate::ledger::write_postings;
use crate::models::{
    BankEntryRecord, BankStatementRecord, BankStatementRow, CaseFacts, NewJournalEntry, NewPosting,
    PaymentInstruction, PaymentOutcome, PaymentTarget,
};
use crate::payments_plan::{ChunkFacts, ChunkPlanner, Planned, PlannedChunk};
use crate::sql::{BoundStatement, execute_all};
use crate::{Backend, SqlStore, StoreError, StoreResult, journal};

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Posting ids taken from the counter at a time after the first chunk: one counter update (a
/// short write of its own) per block instead of per chunk. Ids of a block the import does not
/// use are left unused: posting ids are unique and increasing, not gapless.
const POSTING_ID_BLOCK: i64 = 20_000;

/// Bank entries written in one transaction: planned chunks are written as they come and
/// committed together once this many are written (and at the end). Committing each 2,000-entry
/// chunk on its own cost about a tenth of an import in waits for the disk; a transaction of
/// 6,000 entries (three chunks) holds the store's write lock for a fraction of a second.
pub const PAYMENTS_PER_TRANSACTION: usize = 6_000;

/// A payment file being imported. It holds no transaction and no lock between chunks: each
/// chunk is written in a transaction of its own by [`PaymentImport::write`].
pub struct PaymentImport {
    pool: AnyPool,
    backend: Backend,
    actor: String,
    at_ms: i64,
    /// The import's one planner, until a caller that plans chunks itself (to plan one while
    /// the store writes the one before) takes it with [`PaymentImport::take_planner`].
    planner: Option<ChunkPlanner>,
    /// The sequence number of the next planned chunk to write.
    next_write: u64,
    /// Posting ids taken from the counter and not yet handed to a chunk.
    ids: Range<i64>,
    /// The transaction chunks are written in until [`PAYMENTS_PER_TRANSACTION`] entries are,
    /// and how many are. Everything the import reads goes through it while it is open (it
    /// holds SQLite's write lock, and what it wrote is not visible to other connections).
    open: Option<Tx>,
    open_entries: usize,
    /// While set, nothing is committed: the caller has not finished validating the file.
    holding: bool,
    /// The journal key the import's postings are tagged with, and the keyring its summary
    /// is journaled with.
    key: reilu_vault::JournalKey,
    keyring: crate::keying::Keyring,
}

pub(crate) async fn begin(store: &SqlStore, actor: &str, at_ms: i64) -> StoreResult<PaymentImport> {
    Ok(PaymentImport {
        pool: store.pool().clone(),
        backend: store.backend(),
        actor: actor.to_owned(),
        at_ms,
        planner: Some(ChunkPlanner::new(
            actor,
            at_ms,
            store.backend(),
            store.keyring().key(),
        )),
        next_write: 0,
        ids: 0..0,
        open: None,
        open_entries: 0,
        holding: false,
        // Refused here, before anything is written, when the store's key is not the journal's.
        key: store.keyring().writing_key()?,
        keyring: store.keyring().clone(),
    })
}

impl PaymentImport {
    /// The import's planner, for a caller that plans chunks itself (planning needs no store,
    /// so it can run on any thread). There is one: taking it twice, or recording with
    /// [`PaymentImport::record`] after taking it, is refused.
    pub fn take_planner(&mut self) -> StoreResult<ChunkPlanner> {
        self.planner
            .take()
            .ok_or_else(|| StoreError::Conflict("the import's planner was taken already".into()))
    }

    /// Reads what planning a chunk needs: the cases among `case_numbers` (owner, currency,
    /// market, receivables, version), which of the chunk's entries are recorded already, and
    /// posting ids reserved for the chunk. The store may still be without the last planned
    /// chunk (a pipelined import reads the next chunk's facts before it writes the last one);
    /// the planner makes up for that.
    pub async fn prefetch(
        &mut self,
        entries: &[&BankEntryRecord],
        case_numbers: &[i64],
    ) -> StoreResult<ChunkFacts> {
        let mut numbers = case_numbers.to_vec();
        numbers.sort_unstable();
        numbers.dedup();
        let mut pooled: Option<sqlx::pool::PoolConnection<sqlx::Any>> = None;
        let connection: &mut sqlx::AnyConnection = match self.open.as_mut() {
            Some(transaction) => transaction,
            None => pooled.insert(self.pool.acquire().await?),
        };
        let recorded = already_recorded(connection, entries, self.backend).await?;
        let cases = case_facts(connection, &numbers, self.backend).await?;
        drop(pooled);
        let needed = entries.len().saturating_sub(recorded.len());
        Ok(ChunkFacts {
            cases,
            recorded,
            posting_ids: self.reserve_ids(needed).await?,
        })
    }

    /// `count` consecutive posting ids for one chunk, from the block taken last or a new one.
    async fn reserve_ids(&mut self, count: usize) -> StoreResult<Range<i64>> {
        let count = i64::try_from(count).map_err(|_| StoreError::Corrupt("id count".into()))?;
        if self.ids.end - self.ids.start < count {
            // The first chunk takes exactly what it needs (a small file leaves no gap), later
            // ones a block at a time.
            let block = if self.ids == (0..0) {
                count
            } else {
                count.max(POSTING_ID_BLOCK)
            };
            let block_size = usize::try_from(block)
                .map_err(|_| StoreError::Corrupt("posting id block".into()))?;
            self.ids = match self.open.as_mut() {
                Some(transaction) => {
                    crate::ids::take_ids(transaction, self.backend, "posting", block_size).await?
                }
                None => {
                    // A short transaction of its own: the ids are the import's once taken
                    // (a sequence on PostgreSQL, the counter row on SQLite, held only here).
                    let mut transaction = self.pool.begin().await?;
                    let ids =
                        crate::ids::take_ids(&mut transaction, self.backend, "posting", block_size)
                            .await?;
                    transaction.commit().await?;
                    ids
                }
            };
        }
        let taken = self.ids.start..self.ids.start + count;
        self.ids.start = taken.end;
        Ok(taken)
    }

    /// Writes a planned chunk in a transaction of its own and says per entry what happened.
    /// Chunks are written in the order they were planned, each once.
    pub async fn write(&mut self, chunk: PlannedChunk) -> StoreResult<Vec<PaymentOutcome>> {
        if chunk.sequence != self.next_write {
            return Err(StoreError::Conflict(format!(
                "planned chunk {} written when chunk {} was due: chunks are written once each, in the order they were planned",
                chunk.sequence, self.next_write
            )));
        }
        self.next_write += 1;
        let writer = Writer {
            backend: self.backend,
            actor: &self.actor,
            at_ms: self.at_ms,
            key: &self.key,
        };
        let entries = chunk.len();
        let mut transaction = match self.open.take() {
            Some(transaction) => transaction,
            None => self.pool.begin().await?,
        };
        let outcomes = write_chunk(&mut transaction, chunk, &writer)
            .await
            .map_err(concurrent_import)?;
        self.open_entries += entries;
        if self.open_entries >= PAYMENTS_PER_TRANSACTION && !self.holding {
            transaction.commit().await?;
            self.open_entries = 0;
        } else {
            self.open = Some(transaction);
        }
        Ok(outcomes)
    }

    /// Commits nothing until [`PaymentImport::release`]: chunks written meanwhile stay in one
    /// open transaction, dropped with the import if it ends first. An import that validates
    /// its file while it already writes holds until the file is known good.
    pub fn hold(&mut self) {
        self.holding = true;
    }

    /// Lets the import commit again (the next write commits what is open once it is enough).
    pub fn release(&mut self) {
        self.holding = false;
    }

    /// Records a batch of bank entries as instructed (read, plan, write) and says per entry
    /// what happened.
    pub async fn record(
        &mut self,
        batch: &[PaymentInstruction],
    ) -> StoreResult<Vec<PaymentOutcome>> {
        let case_numbers: Vec<i64> = batch
            .iter()
            .filter_map(|instruction| match instruction.target {
                PaymentTarget::Case { case_number, .. } => Some(case_number),
                _ => None,
            })
            .collect();
        let entries: Vec<&BankEntryRecord> =
            batch.iter().map(|instruction| &instruction.entry).collect();
        let facts = self.prefetch(&entries, &case_numbers).await?;
        let mut planner = self.take_planner()?;
        let planned = planner.plan(batch.to_vec(), facts);
        self.planner = Some(planner);
        let chunk = planned?;
        let has_returns = chunk.has_returns();
        let outcomes = self.write(chunk).await?;
        if has_returns && let Some(planner) = self.planner.as_mut() {
            planner.forget();
        }
        Ok(outcomes)
    }

    /// Journals the import (`kind`, `subject`, `payload`: JSON) and records the file's
    /// statements with the ledger's balance of each account compared, in one transaction.
    pub async fn finish(
        mut self,
        kind: &str,
        subject: &str,
        payload: &str,
        statements: &[BankStatementRecord],
    ) -> StoreResult<()> {
        if self.holding {
            return Err(StoreError::Conflict(
                "an import held for validation was finished before it was released".into(),
            ));
        }
        if let Some(transaction) = self.open.take() {
            transaction.commit().await?;
        }
        let entry = NewJournalEntry {
            at_ms: self.at_ms,
            actor: self.actor.clone(),
            kind: kind.to_owned(),
            subject: subject.to_owned(),
            payload: payload.to_owned(),
        };
        let mut transaction = self.pool.begin().await?;
        let chain = journal::Journal {
            keyring: &self.keyring,
            backend: self.backend,
            chain: journal::MAIN,
        };
        let slot = journal::reserve(&mut transaction, chain).await?;
        for statement in statements {
            record_statement(&mut transaction, statement, self.at_ms).await?;
        }
        journal::write(&mut transaction, slot, &entry).await?;
        transaction.commit().await?;
        Ok(())
    }
}

/// A bank entry recorded by someone else between the chunk's planning and its write (two
/// imports of overlapping files at once) breaks the primary key: say what to do.
fn concurrent_import(error: StoreError) -> StoreError {
    match &error {
        StoreError::Database(sqlx::Error::Database(database)) if database.is_unique_violation() => {
            StoreError::Conflict(
                "another import recorded some of these bank entries at the same time; nothing \
                 of this chunk was written: run the import again, it resumes"
                    .into(),
            )
        }
        _ => error,
    }
}

/// One statement's row, with the ledger's balance of its client-money bank account compared
/// with its closing balance when it is the last of its account in the file.
async fn record_statement(
    transaction: &mut Tx,
    statement: &BankStatementRecord,
    at_ms: i64,
) -> StoreResult<()> {
    let (ledger, difference) = match (statement.compare_ledger, statement.closing_minor) {
        (true, Some(closing)) => {
            let row = sqlx::query(
                "SELECT balance_minor FROM account_balances WHERE account = $1 AND currency = $2",
            )
            .bind(format!("client_money_bank:{}", statement.account))
            .bind(&statement.currency)
            .fetch_optional(&mut **transaction)
            .await?;
            let ledger: i64 = match row {
                Some(row) => row.try_get(0)?,
                None => 0,
            };
            let difference = closing
                .checked_sub(ledger)
                .ok_or_else(|| StoreError::Corrupt("a statement's difference overflows".into()))?;
            (Some(ledger), Some(difference))
        }
        _ => (None, None),
    };
    sqlx::query(
        "INSERT INTO bank_statements (account, statement_id, currency, sequence, message_id, opening_minor, \
         credits_minor, debits_minor, closing_minor, closing_date, statement_difference_minor, \
         ledger_balance_minor, ledger_difference_minor, imported_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (account, statement_id, currency) DO UPDATE SET \
         ledger_balance_minor = excluded.ledger_balance_minor, \
         ledger_difference_minor = excluded.ledger_difference_minor, imported_at_ms = excluded.imported_at_ms",
    )
    .bind(&statement.account)
    .bind(&statement.statement_id)
    .bind(&statement.currency)
    .bind(&statement.sequence)
    .bind(&statement.message_id)
    .bind(statement.opening_minor)
    .bind(statement.credits_minor)
    .bind(statement.debits_minor)
    .bind(statement.closing_minor)
    .bind(&statement.closing_date)
    .bind(statement.statement_difference_minor)
    .bind(ledger)
    .bind(difference)
    .bind(at_ms)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// One batch in its own transaction (for callers that have a single batch).
pub(crate) async fn record_payments(
    store: &SqlStore,
    batch: &[PaymentInstruction],
    actor: &str,
    at_ms: i64,
) -> StoreResult<Vec<PaymentOutcome>> {
    let mut import = begin(store, actor, at_ms).await?;
    let outcomes = import.record(batch).await?;
    let recorded = outcomes
        .iter()
        .filter(|outcome| !matches!(outcome, PaymentOutcome::AlreadyRecorded))
        .count();
    let summary = serde_json::json!({ "entries": batch.len(), "recorded": recorded });
    import
        .finish("payments.recorded", "bank", &summary.to_string(), &[])
        .await?;
    Ok(outcomes)
}

/// Who writes, when, and to which backend.
struct Writer<'a> {
    backend: Backend,
    actor: &'a str,
    at_ms: i64,
    key: &'a reilu_vault::JournalKey,
}

async fn write_chunk(
    transaction: &mut Tx,
    chunk: PlannedChunk,
    writer: &Writer<'_>,
) -> StoreResult<Vec<PaymentOutcome>> {
    let Writer {
        backend,
        actor,
        at_ms,
        key,
    } = *writer;
    let PlannedChunk {
        batch,
        planned,
        first_posting_id,
        posting_count,
        reserved,
        statements,
        ..
    } = chunk;
    // The planned ids must be ids reserved for this chunk: reserved ids are taken from the
    // counter for it alone, so nobody else writes a posting with them.
    let count = i64::try_from(posting_count).unwrap_or(i64::MAX);
    let planned_end = first_posting_id.checked_add(count);
    if posting_count > 0 && (first_posting_id < reserved.start || planned_end > Some(reserved.end))
    {
        return Err(StoreError::Conflict(format!(
            "a chunk was planned with posting ids {first_posting_id}..{} outside the ids reserved for it ({}..{})",
            planned_end.unwrap_or(i64::MAX),
            reserved.start,
            reserved.end
        )));
    }
    execute_all(transaction, statements).await?;
    let mut rows = rows_of(&batch, &planned);
    for row in rows.iter_mut() {
        if row.is_return() {
            let booked =
                book_return(transaction, row.instruction, actor, at_ms, backend, key).await?;
            record_entries(transaction, std::iter::once(&booked), at_ms, backend).await?;
            *row = booked;
        }
    }
    Ok(outcomes_of(&planned, &rows))
}

/// Which of the batch's (account, bank reference) pairs were recorded before. Queried per
/// account so the look-up walks the primary key (account first) instead of scanning.
async fn already_recorded(
    connection: &mut sqlx::AnyConnection,
    entries: &[&BankEntryRecord],
    backend: Backend,
) -> StoreResult<HashSet<(String, String)>> {
    let mut by_account: HashMap<&str, Vec<&str>> = HashMap::new();
    for entry in entries {
        by_account
            .entry(entry.account_iban.as_str())
            .or_default()
            .push(entry.bank_reference.as_str());
    }
    let mut found = HashSet::new();
    for (account, references) in by_account {
        for chunk in references.chunks(500) {
            let first = crate::sql::placeholders(backend, 1, 1);
            let rest = crate::sql::placeholders(backend, 2, chunk.len());
            let sql = format!(
                "SELECT account_iban, bank_reference FROM bank_entries WHERE account_iban = {first} AND bank_reference IN ({rest})"
            );
            let mut query = sqlx::query(&sql).bind(account);
            for reference in chunk {
                query = query.bind(*reference);
            }
            for row in query.fetch_all(&mut *connection).await? {
                found.insert((row.try_get(0)?, row.try_get(1)?));
            }
        }
    }
    Ok(found)
}

pub(crate) fn ledger_error(error: reilu_ledger::LedgerError) -> StoreError {
    StoreError::Conflict(error.to_string())
}

/// Owner and receivables of the given cases, in one query per 500 cases.
async fn case_facts(
    connection: &mut sqlx::AnyConnection,
    case_numbers: &[i64],
    backend: Backend,
) -> StoreResult<Vec<CaseFacts>> {
    let mut facts = Vec::with_capacity(case_numbers.len());
    let columns = "c.case_number, c.client_id, c.market, c.currency, b.principal_minor, b.interest_minor, \
                   b.collection_costs_minor, b.creditor_fees_minor, b.version";
    for chunk in case_numbers.chunks(500) {
        let sql = format!(
            "SELECT {} FROM cases c LEFT JOIN case_balances b ON b.case_number = c.case_number \
             WHERE c.case_number IN ({})",
            crate::sql::json_rows(backend, columns, None),
            crate::sql::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for number in chunk {
            query = query.bind(*number);
        }
        let text: String = query.fetch_one(&mut *connection).await?.try_get(0)?;
        let rows: Vec<CaseFactsRow> = serde_json::from_str(&text)
            .map_err(|error| StoreError::Corrupt(format!("case facts: {error}")))?;
        for row in rows {
            facts.push(row.into_facts()?);
        }
    }
    Ok(facts)
}

/// One case's owner and receivables as `case_facts` reads them: case number, client, market,
/// currency and the four receivable balances in `Component::ALL` order (none before the
/// first posting).
#[derive(serde::Deserialize)]
struct CaseFactsRow(
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

impl CaseFactsRow {
    fn into_facts(self) -> StoreResult<CaseFacts> {
        let CaseFactsRow(case_number, client_id, market, currency_code, p, i, c, f, version) = self;
        let balances = [p, i, c, f];
        let currency = Currency::parse(&currency_code)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let owed = Component::ALL
            .iter()
            .zip(balances)
            .map(|(component, balance_minor)| {
                (
                    *component,
                    Money::from_minor(balance_minor.unwrap_or(0), currency),
                )
            })
            .collect();
        Ok(CaseFacts {
            case_number,
            client_id,
            market,
            currency: currency_code,
            owed,
            version,
        })
    }
}

/// A posting's rows for a bank entry. The bank entry's own key (account, bank reference),
/// written in the same transaction, is what makes it happen once.
pub(crate) fn to_rows(
    posting: &Posting,
    entry: &BankEntryRecord,
    corrects: Option<i64>,
    actor: &str,
    at_ms: i64,
) -> NewPosting {
    let description = format!(
        "bank entry {} on {}",
        entry.bank_reference, entry.account_iban
    );
    NewPosting {
        corrects,
        ..NewPosting::from_ledger(posting, at_ms, actor, description)
    }
}

/// What became of one bank entry, as written in `bank_entries.outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Matched,
    Unmatched,
    Ignored,
    /// A return not booked yet (booked after the rest of its batch).
    Return,
    Corrected,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Matched => "matched",
            Outcome::Unmatched | Outcome::Return => "unmatched",
            Outcome::Ignored => "ignored",
            Outcome::Corrected => "corrected",
        }
    }
}

/// One `bank_entries` row to write.
pub(crate) struct EntryRow<'a> {
    instruction: &'a PaymentInstruction,
    outcome: Outcome,
    case_number: Option<i64>,
    posting_id: Option<i64>,
    /// The posting a correction undoes.
    corrects: Option<i64>,
    reason: Cow<'a, str>,
}

impl EntryRow<'_> {
    /// A return not booked yet.
    pub(crate) fn is_return(&self) -> bool {
        self.outcome == Outcome::Return
    }
}

/// The rows of a batch's new entries, with the ids of the postings planned for them.
pub(crate) fn rows_of<'a>(
    batch: &'a [PaymentInstruction],
    planned: &[Planned],
) -> Vec<EntryRow<'a>> {
    let mut rows = Vec::with_capacity(batch.len());
    for (instruction, plan) in batch.iter().zip(planned) {
        let posting_id = plan.posting_id();
        let (outcome, case_number) = match plan {
            Planned::Skip => continue,
            Planned::Matched { case_number, .. } => (Outcome::Matched, Some(*case_number)),
            Planned::Unmatched { .. } => (Outcome::Unmatched, None),
            Planned::Return => (Outcome::Return, None),
            Planned::Ignored => (Outcome::Ignored, None),
        };
        rows.push(EntryRow {
            instruction,
            outcome,
            case_number,
            posting_id,
            corrects: None,
            reason: Cow::Borrowed(&instruction.reason),
        });
    }
    rows
}

/// Per entry of the batch, in its order, what happened.
fn outcomes_of(planned: &[Planned], rows: &[EntryRow<'_>]) -> Vec<PaymentOutcome> {
    let mut written = rows.iter();
    planned
        .iter()
        .map(|plan| {
            if matches!(plan, Planned::Skip) {
                return PaymentOutcome::AlreadyRecorded;
            }
            let Some(row) = written.next() else {
                return PaymentOutcome::AlreadyRecorded;
            };
            let posting_id = row.posting_id.unwrap_or(0);
            match row.outcome {
                Outcome::Matched => PaymentOutcome::Matched {
                    posting_id,
                    case_number: row.case_number.unwrap_or(0),
                },
                Outcome::Unmatched | Outcome::Return => PaymentOutcome::Unmatched { posting_id },
                Outcome::Ignored => PaymentOutcome::Ignored,
                Outcome::Corrected => PaymentOutcome::Corrected {
                    posting_id,
                    corrects: row.corrects.unwrap_or(0),
                },
            }
        })
        .collect()
}

/// Books a returned payment or a reversal: the payment it returns (same account, same
/// end-to-end id, same amount, money in, not corrected before) is undone by a correction
/// posting that refers to it. Without such a payment the money out waits in the unmatched
/// queue, booked against unallocated money, for an agent.
async fn book_return<'a>(
    transaction: &mut Tx,
    instruction: &'a PaymentInstruction,
    actor: &str,
    at_ms: i64,
    backend: Backend,
    key: &reilu_vault::JournalKey,
) -> StoreResult<EntryRow<'a>> {
    let entry = &instruction.entry;
    if let Some(original) = returned_payment(transaction, instruction).await? {
        let correction = reversal_of(transaction, original.posting_id).await?;
        let mut rows = vec![to_rows(
            &correction,
            entry,
            Some(original.posting_id),
            actor,
            at_ms,
        )];
        // A payment an agent assigned from the queue paid its case through the assignment's
        // posting: undone too, so the case owes again what came back, and unallocated money
        // stays as it was.
        let mut undone = format!("its posting {}", original.posting_id);
        if let Some((assignment, _)) = original.assigned {
            let reversed = reversal_of(transaction, assignment).await?;
            rows.push(to_rows(&reversed, entry, Some(assignment), actor, at_ms));
            undone = format!("{undone} and its assignment's posting {assignment}");
        }
        let ids = write_postings(transaction, &rows, backend, key).await?;
        return Ok(EntryRow {
            instruction,
            outcome: Outcome::Corrected,
            case_number: original
                .case_number
                .or(original.assigned.and_then(|(_, case)| case)),
            posting_id: ids.first().copied(),
            corrects: Some(original.posting_id),
            reason: Cow::Owned(format!(
                "{}; returns bank entry {} and undoes {undone}",
                instruction.reason, original.bank_reference
            )),
        });
    }
    let currency =
        Currency::parse(&entry.currency).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let signed = if entry.direction == "debit" {
        -entry.amount_minor
    } else {
        entry.amount_minor
    };
    let posting = payment_unmatched(&entry.account_iban, Money::from_minor(signed, currency))
        .map_err(ledger_error)?;
    let rows = to_rows(&posting, entry, None, actor, at_ms);
    let ids = write_postings(transaction, std::slice::from_ref(&rows), backend, key).await?;
    let why = "no payment with its end-to-end id (or on the case its reference names) and its amount \
               is booked on this account, or that payment was returned or refunded already";
    Ok(EntryRow {
        instruction,
        outcome: Outcome::Unmatched,
        case_number: None,
        posting_id: ids.first().copied(),
        corrects: None,
        reason: Cow::Owned(format!("{}; {why}", instruction.reason)),
    })
}

/// The booked payment a return refers to.
struct Original {
    bank_reference: String,
    posting_id: i64,
    case_number: Option<i64>,
    /// The posting and case of an agent's assignment of it from the unmatched queue.
    assigned: Option<(i64, Option<i64>)>,
}

async fn returned_payment(
    transaction: &mut Tx,
    instruction: &PaymentInstruction,
) -> StoreResult<Option<Original>> {
    let entry = &instruction.entry;
    let end_to_end_id = entry
        .end_to_end_id
        .as_deref()
        .filter(|id| *id != "NOTPROVIDED");
    let case_number = match instruction.target {
        PaymentTarget::Return { case_number } => case_number,
        _ => None,
    };
    // By the end-to-end id first; failing that (the payer's bank may give an id only on the
    // return, and entries recorded before ids were kept have none), on the case.
    if let Some(id) = end_to_end_id
        && let Some(original) = original_by(transaction, entry, KeyValue::Text(id)).await?
    {
        return Ok(Some(original));
    }
    match case_number {
        Some(number) => original_by(transaction, entry, KeyValue::Number(number)).await,
        None => Ok(None),
    }
}

/// The latest payment in (same account, amount and currency, not corrected before) with
/// this end-to-end id or on this case. A payment left unmatched counts while it waits in the
/// queue and once an agent assigned it to a case (its return undoes the assignment too), not
/// once it was refunded: that money went back to the payer already, so a return of it is a
/// second repayment an agent must look at, and waits in the queue.
async fn original_by(
    transaction: &mut Tx,
    entry: &BankEntryRecord,
    key: KeyValue<'_>,
) -> StoreResult<Option<Original>> {
    // Each condition repeats its partial index's, so the look-up uses it.
    let found_by = match key {
        KeyValue::Text(_) => {
            "b.end_to_end_id = $5 AND b.end_to_end_id IS NOT NULL AND b.end_to_end_id <> 'NOTPROVIDED'"
        }
        KeyValue::Number(_) => "b.case_number = $5 AND b.case_number IS NOT NULL",
    };
    let sql = format!(
        "SELECT b.bank_reference, b.posting_id, b.case_number, r.resolution, r.posting_id, r.case_number \
         FROM bank_entries b LEFT JOIN unmatched_resolutions r \
         ON r.account_iban = b.account_iban AND r.bank_reference = b.bank_reference \
         WHERE {found_by} AND b.account_iban = $1 AND b.amount_minor = $2 AND b.currency = $3 AND b.direction = $4 \
         AND b.outcome IN ('matched', 'unmatched') AND b.posting_id IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.corrects = b.posting_id) \
         AND (r.resolution IS NULL OR r.resolution = 'assigned') \
         ORDER BY b.imported_at_ms DESC, b.bank_reference DESC LIMIT 1"
    );
    let query = sqlx::query(&sql)
        .bind(&entry.account_iban)
        .bind(entry.amount_minor)
        .bind(&entry.currency)
        .bind("credit");
    let query = match key {
        KeyValue::Text(text) => query.bind(text),
        KeyValue::Number(number) => query.bind(number),
    };
    let row = query.fetch_optional(&mut **transaction).await?;
    row.map(|row| {
        let resolution: Option<String> = row.try_get(3)?;
        let assigned = match resolution {
            Some(_) => Some((row.try_get(4)?, row.try_get(5)?)),
            None => None,
        };
        Ok(Original {
            bank_reference: row.try_get(0)?,
            posting_id: row.try_get(1)?,
            case_number: row.try_get(2)?,
            assigned,
        })
    })
    .transpose()
}

enum KeyValue<'a> {
    Text(&'a str),
    Number(i64),
}

/// The posting that undoes `posting_id`, built by the ledger from the stored entries.
async fn reversal_of(transaction: &mut Tx, posting_id: i64) -> StoreResult<Posting> {
    let stored = crate::ledger::posting_entries(&mut **transaction, posting_id).await?;
    let mut entries = Vec::with_capacity(stored.len());
    for stored in stored {
        let account = Account::parse(&stored.account)
            .ok_or_else(|| StoreError::Corrupt(format!("account code {}", stored.account)))?;
        let currency = Currency::parse(&stored.currency)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        entries.push(Entry {
            account,
            amount: Money::from_minor(stored.amount_minor, currency),
        });
    }
    let original = Posting::new(PostingKind::PaymentReceived, entries).map_err(ledger_error)?;
    original.reversed().map_err(ledger_error)
}

const BANK_ENTRY_COLUMNS: usize = 18;

/// Inserts bank entries with their outcome and posting.
async fn record_entries<'r, 'a: 'r>(
    transaction: &mut Tx,
    rows: impl Iterator<Item = &'r EntryRow<'a>>,
    at_ms: i64,
    backend: Backend,
) -> StoreResult<()> {
    execute_all(transaction, entry_statements(rows, at_ms, backend)).await
}

/// The statements that insert bank entries with their outcome and posting.
pub(crate) fn entry_statements<'r, 'a: 'r>(
    rows: impl Iterator<Item = &'r EntryRow<'a>>,
    at_ms: i64,
    backend: Backend,
) -> Vec<BoundStatement> {
    let rows: Vec<&EntryRow<'_>> = rows.collect();
    let mut statements = Vec::new();
    for chunk in rows.chunks(500) {
        let mut statement = BoundStatement::new(format!(
            "INSERT INTO bank_entries (account_iban, bank_reference, message_id, direction, reversal, amount_minor, currency, \
             booking_date, structured_reference, unstructured, unstructured_sealed, end_to_end_id, outcome, case_number, posting_id, reason, imported_at_ms, payer_sealed) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), BANK_ENTRY_COLUMNS)
        ));
        for row in chunk {
            let entry = &row.instruction.entry;
            statement
                .bind(entry.account_iban.clone())
                .bind(entry.bank_reference.clone())
                .bind(entry.message_id.clone())
                .bind(entry.direction.clone())
                .bind(i64::from(entry.reversal))
                .bind(entry.amount_minor)
                .bind(entry.currency.clone())
                .bind(entry.booking_date.clone())
                .bind(entry.structured_reference.clone())
                // The text is kept sealed only (see `BankEntryRecord::unstructured`).
                .bind(String::new())
                .bind(entry.unstructured_sealed.clone())
                .bind(entry.end_to_end_id.clone())
                .bind(row.outcome.label())
                .bind(row.case_number)
                .bind(row.posting_id)
                .bind(row.reason.to_string())
                .bind(at_ms)
                .bind(entry.payer_sealed.clone());
        }
        statements.push(statement);
    }
    statements
}

/// Client and currency of each case, for matching payments to cases.
pub(crate) async fn case_owners(
    store: &SqlStore,
    case_numbers: &[i64],
) -> StoreResult<Vec<(i64, String, String, String)>> {
    let mut owners = Vec::with_capacity(case_numbers.len());
    for chunk in case_numbers.chunks(500) {
        let list: Vec<String> = (0..chunk.len())
            .map(|index| format!("${}", index + 1))
            .collect();
        let sql = format!(
            "SELECT case_number, client_id, market, currency FROM cases WHERE case_number IN ({})",
            list.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for number in chunk {
            query = query.bind(*number);
        }
        for row in query.fetch_all(store.pool()).await? {
            owners.push((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            ));
        }
    }
    Ok(owners)
}

/// Recorded statements, oldest closing date first per account (see `Store::bank_statements`).
pub(crate) async fn statements(
    store: &SqlStore,
    account: Option<&str>,
    until: Option<&str>,
) -> StoreResult<Vec<BankStatementRow>> {
    let rows = sqlx::query(
        "SELECT account, statement_id, currency, sequence, message_id, opening_minor, credits_minor, \
         debits_minor, closing_minor, closing_date, statement_difference_minor, ledger_balance_minor, \
         ledger_difference_minor, imported_at_ms FROM bank_statements \
         WHERE ($1 IS NULL OR account = $1) AND ($2 IS NULL OR closing_date <= $2) \
         ORDER BY account, currency, closing_date, imported_at_ms, statement_id",
    )
    .bind(account)
    .bind(until)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(BankStatementRow {
                account: row.try_get(0)?,
                statement_id: row.try_get(1)?,
                currency: row.try_get(2)?,
                sequence: row.try_get(3)?,
                message_id: row.try_get(4)?,
                opening_minor: row.try_get(5)?,
                credits_minor: row.try_get(6)?,
                debits_minor: row.try_get(7)?,
                closing_minor: row.try_get(8)?,
                closing_date: row.try_get(9)?,
                statement_difference_minor: row.try_get(10)?,
                ledger_balance_minor: row.try_get(11)?,
                ledger_difference_minor: row.try_get(12)?,
                imported_at_ms: row.try_get(13)?,
            })
        })
        .collect()
}

/// Entries whose remittance text is still in plain text (the condition repeats the partial
/// index's, so the look-up finds them without a scan).
pub(crate) async fn plain_texts(
    store: &SqlStore,
    limit: i64,
) -> StoreResult<Vec<(String, String, String)>> {
    let rows = sqlx::query(
        "SELECT account_iban, bank_reference, unstructured FROM bank_entries \
         WHERE unstructured <> '' ORDER BY account_iban, bank_reference LIMIT $1",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
        .collect()
}

pub(crate) async fn seal_texts(
    store: &SqlStore,
    sealed: &[(String, String, Vec<u8>)],
) -> StoreResult<()> {
    let mut transaction = store.pool().begin().await?;
    for (account, reference, text) in sealed {
        sqlx::query(
            "UPDATE bank_entries SET unstructured = '', unstructured_sealed = $1 \
             WHERE account_iban = $2 AND bank_reference = $3",
        )
        .bind(text.clone())
        .bind(account)
        .bind(reference)
        .execute(&mut *transaction)
        .await?;
    }
    transaction.commit().await?;
    Ok(())
}
