//! Reilu's store: one trait, [`Store`], and one SQL implementation, [`SqlStore`], that runs
//! on the embedded SQLite file and on PostgreSQL. The SQL is written once where the two
//! dialects agree (nearly everywhere: `$n` placeholders, `ON CONFLICT`, `RETURNING`); each
//! backend has its own migrations. The store knows no keys: personal data reaches it sealed
//! by the vault, and it hands sealed bytes back.

mod accounts;
pub mod bench_limit;
mod call_tasks;
mod case_facts;
mod checkpoint;
mod claim_terms;
mod clients;
mod commitments;
mod daily_run;
mod execute;
mod ids;
mod intake;
mod interest;
mod journal;
mod journal_checkpoint;
mod journal_verify;
mod keying;
mod ledger;
mod ledger_check;
mod message_log;
mod migrations;
mod models;
mod money_out;
mod operators;
mod outbox;
mod payments;
mod payments_plan;
mod payouts;
mod rates;
mod remittances;
mod row_check;
mod row_seals;
mod simulation_copy;
mod sql;
mod sql_store;
mod statements;
mod strategy_report;
mod strict;
pub mod test_support;
mod unmatched;

use std::future::Future;

pub use accounts::{AccountClosed, BankAccountKind, BankAccountRow, NewBankAccount};
pub use call_tasks::{CallOutcome, CallOutcomeRow, CallRecorded, NewCallOutcome};
pub use case_facts::{
    CONTACTS_PER_SNAPSHOT_MAX, CaseFactRows, ChargeRow, ContactRow, FactChange, FactChanged,
    HoldRow,
};
pub use commitments::{CommitmentRow, SignedCommitment};
pub use daily_run::{CaseRecipientRow, CaseStepRow, RunDayState};
pub use execute::{DECISIONS_PER_BATCH_MAX, Effects, Execution, StepDone};
pub use journal::{
    ACCESS, ADMIN, JournalEntry, JournalVerification, MAIN, Position, RULES, entry_hash, entry_tag,
    stored_entry_tag,
};
pub use journal_checkpoint::{CHECKPOINT_FORMAT, CheckpointHead, JournalCheckpoint, JournalState};
pub use journal_verify::ChainVerification;
pub use keying::MARKER_KIND;
pub use ledger::entries_hash;
pub use message_log::{LogLeafRow, leaf_data};
pub use models::*;
pub use money_out::PayoutStore;
pub use operators::{NewOperator, OperatorRow, Revocation};
pub use outbox::{
    AttemptOutcome, AttemptRecord, DeliveryPolicy, NewOutboxMessage, OutboxAttemptRow,
    OutboxMessage, OutboxState,
};
pub use payments::{PAYMENTS_PER_TRANSACTION, PaymentImport};
pub use payments_plan::{ChunkFacts, ChunkPlanner, PAYMENTS_PER_BATCH_MAX, PlannedChunk};
pub use payouts::{
    BalanceGuard, Guard, NewPayoutFile, NewPayoutRun, NewRefund, NewResolution, PayoutFileRow,
    PayoutRunRow, RunRecorded,
};
pub use rates::{NewPublishedRate, PublishedRateRow};
pub use reilu_vault::JournalKey;
pub use simulation_copy::SimulationCopy;
pub use sql_store::{Backend, SqlStore, redact_url};
pub use statements::DetailedLine;
pub use strategy_report::{StrategyOutcomeRows, VariantCountsRow, VariantMoneyRow};
pub use unmatched::{Assigned, Assignment, OverpaidCase, PayerOnRecord, QueuedEntry};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("the store's schema could not be migrated: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("the store holds a value it cannot read back: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Conflict(String),
    /// What a write rested on changed meanwhile (another writer got there first); nothing of
    /// it was written, and doing it again from a fresh read succeeds.
    #[error("{0}")]
    Stale(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything Reilu keeps. Methods that write do so in one transaction each and append to the
/// journal in that same transaction, so an event is recorded exactly when it happened.
pub trait Store: PayoutStore + Clone + Send + Sync + 'static {
    /// Succeeds once the store answers and its schema is migrated.
    fn ping(&self) -> impl Future<Output = StoreResult<()>> + Send;

    fn insert_client(
        &self,
        client: &NewClient,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn list_clients(&self) -> impl Future<Output = StoreResult<Vec<ClientRow>>> + Send;
    fn client_by_id(&self, id: &str)
    -> impl Future<Output = StoreResult<Option<ClientRow>>> + Send;
    fn client_by_api_key_hash(
        &self,
        hash: &str,
    ) -> impl Future<Output = StoreResult<Option<ClientRow>>> + Send;

    /// Adds an operator (a member of staff) and journals it, in one transaction.
    fn insert_operator(
        &self,
        operator: &NewOperator,
        actor: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Revokes an operator's key for good and journals it, in one transaction; revoking twice
    /// writes nothing the second time.
    fn revoke_operator(
        &self,
        id: &reilu_core::OperatorId,
        actor: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<Revocation>> + Send;
    /// Every operator, revoked ones included, oldest first.
    fn list_operators(&self) -> impl Future<Output = StoreResult<Vec<OperatorRow>>> + Send;
    /// The operator, revoked or not, whose API key has this hash.
    fn operator_by_api_key_hash(
        &self,
        hash: &str,
    ) -> impl Future<Output = StoreResult<Option<OperatorRow>>> + Send;

    /// Places a batch of validated claims of one client: creates the customers and cases they
    /// need, skips claims the client already placed (same `client_claim_ref`), and says per
    /// row what happened. With `idempotency`, the answer is stored with the writes, and a
    /// repeated key returns the stored answer instead of placing anything.
    fn place_claims(
        &self,
        batch: &ClaimBatch,
        idempotency: Option<&IdempotencyRequest>,
        respond: &(dyn Fn(&[Placement]) -> StoredResponse + Sync),
    ) -> impl Future<Output = StoreResult<PlaceOutcome>> + Send;

    /// [`Store::place_claims`], and in the same transaction each customer a placed claim names
    /// who existed before the batch (or whom the batch names twice) gets the claims' newer
    /// contact data: the store reads their sealed records, journals the read, and `merge` (the
    /// app, which alone can open and seal) says which records changed; those are written and
    /// journaled as `customer.contact_updated`.
    fn place_claims_merging(
        &self,
        batch: &ClaimBatch,
        idempotency: Option<&IdempotencyRequest>,
        respond: &(dyn Fn(&[Placement]) -> StoredResponse + Sync),
        merge: &MergeContacts<'_>,
    ) -> impl Future<Output = StoreResult<PlaceOutcome>> + Send;

    fn counts(&self) -> impl Future<Output = StoreResult<StoreCounts>> + Send;

    /// Appends one entry to the journal in its own transaction.
    fn append_journal(
        &self,
        entry: &NewJournalEntry,
    ) -> impl Future<Output = StoreResult<i64>> + Send;

    /// Re-computes every chain of the journal; the first broken entry, or how many there are.
    fn verify_journal(&self) -> impl Future<Output = StoreResult<JournalVerification>> + Send;

    /// Re-computes every chain of the journal and says per chain how it stands.
    fn verify_journal_chains(
        &self,
    ) -> impl Future<Output = StoreResult<Vec<ChainVerification>>> + Send;

    /// Writes a balanced posting and its account balances in one transaction, once per
    /// idempotency key.
    fn post(&self, posting: &NewPosting) -> impl Future<Output = StoreResult<PostOutcome>> + Send;

    /// Kept balances of the accounts whose code starts with `prefix`: (account, currency, minor).
    fn balances(
        &self,
        prefix: &str,
    ) -> impl Future<Output = StoreResult<Vec<(String, String, i64)>>> + Send;

    /// Re-derives every ledger invariant from the entries.
    fn check_ledger(&self) -> impl Future<Output = StoreResult<LedgerCheck>> + Send;

    /// Starts importing one payment file, chunk by chunk, each chunk a transaction of its own
    /// (see [`PaymentImport`]); [`PaymentImport::finish`] journals the file's summary.
    fn begin_payment_import(
        &self,
        actor: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<PaymentImport>> + Send;

    /// Records bank entries once per account and bank reference, posting each as instructed
    /// (allocated to a case, unallocated, a correction, or not at all), all in one transaction.
    fn record_payments(
        &self,
        batch: &[PaymentInstruction],
        actor: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<Vec<PaymentOutcome>>> + Send;

    /// Recorded statements, newest closing date last per account: every one of `account`
    /// (all accounts when `None`) whose closing date is on or before `until` (`YYYY-MM-DD`;
    /// all when `None`).
    fn bank_statements(
        &self,
        account: Option<&str>,
        until: Option<&str>,
    ) -> impl Future<Output = StoreResult<Vec<BankStatementRow>>> + Send;

    /// Up to `limit` bank entries whose remittance text is still kept in plain text (written
    /// before migration 14): (account, bank reference, text).
    fn plain_remittance_texts(
        &self,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<(String, String, String)>>> + Send;

    /// Replaces the plain remittance text of these entries (account, bank reference) with the
    /// sealed text, in one transaction.
    fn seal_remittance_texts(
        &self,
        sealed: &[(String, String, Vec<u8>)],
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The unmatched payments queue by booking date (the longest waiting first), without the
    /// entries assigned or refunded since.
    fn unmatched_payments(
        &self,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<UnmatchedPayment>>> + Send;

    /// (case number, client id, market, currency) of the given cases that exist.
    /// What each of the cases owes now, all components of its receivable together, in minor
    /// units of its currency (never less than zero); a case without balances is left out.
    fn cases_owed(
        &self,
        case_numbers: &[i64],
    ) -> impl Future<Output = StoreResult<std::collections::HashMap<i64, i64>>> + Send;

    fn case_owners(
        &self,
        case_numbers: &[i64],
    ) -> impl Future<Output = StoreResult<Vec<(i64, String, String, String)>>> + Send;

    /// The remittances of a run date, ordered for writing payment files.
    fn remittances_on(
        &self,
        run_date: &str,
    ) -> impl Future<Output = StoreResult<Vec<Remittance>>> + Send;

    /// The posting written with this idempotency key, if any.
    fn posting_by_key(&self, key: &str) -> impl Future<Output = StoreResult<Option<i64>>> + Send;

    /// The entries of one posting in line order (empty when there is no such posting).
    fn posting_entries(
        &self,
        posting_id: i64,
    ) -> impl Future<Output = StoreResult<Vec<PostingEntryRow>>> + Send;

    /// An account's entries in `[from_ms, to_ms)` with its balance before.
    fn account_statement(
        &self,
        account: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> impl Future<Output = StoreResult<AccountStatement>> + Send;

    /// How many cases are open (a run's progress counts up to it).
    fn count_open_cases(&self) -> impl Future<Output = StoreResult<i64>> + Send;

    /// Open cases after `after_case_number` in case-number order, at most `limit`, with what
    /// the interest run needs (terms, how far interest has run, balances).
    fn open_interest_cases(
        &self,
        after_case_number: i64,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<InterestCase>>> + Send;

    /// The one executor of the gate's decisions on stored cases, in one transaction: each
    /// decision recorded once per decision id (journaled with its reasons); each approval
    /// carried out — its posting, fee, contact or accrual record — only while the case is at
    /// the version the gate decided on. Says per decision what was done.
    fn execute(
        &self,
        batch: Vec<reilu_rules::CaseDecision>,
        actor: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<Vec<Execution>>> + Send;

    /// As [`Store::execute`], with what each carried-out decision leaves besides its own
    /// records (the strategy step it does), and decisions chained on an earlier one of the
    /// batch (see [`Effects`]).
    fn execute_with(
        &self,
        batch: Vec<(reilu_rules::CaseDecision, Effects)>,
        actor: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<Vec<Execution>>> + Send;

    /// Every strategy step each of the given cases has done, oldest first.
    fn case_steps(
        &self,
        case_numbers: &[i64],
    ) -> impl Future<Output = StoreResult<std::collections::HashMap<i64, Vec<CaseStepRow>>>> + Send;

    /// The champion/challenger report's counts, grouped per strategy, path and variant of each
    /// case's first step (see `strategy_report`).
    fn strategy_outcomes(&self) -> impl Future<Output = StoreResult<StrategyOutcomeRows>> + Send;

    /// The message commitment a verification code names, with its signing key's public half.
    fn commitment_by_code(
        &self,
        code: &str,
    ) -> impl Future<Output = StoreResult<Option<CommitmentRow>>> + Send;

    /// How many leaves the transparency log of message commitments holds.
    fn log_size(&self) -> impl Future<Output = StoreResult<u64>> + Send;

    /// The hashes of the log's complete subtrees at `keys` (level, index) that it holds.
    fn log_nodes(
        &self,
        keys: &[(u32, u64)],
    ) -> impl Future<Output = StoreResult<std::collections::HashMap<(u32, u64), [u8; 32]>>> + Send;

    /// The log's leaves from index `from` on, at most `limit`, with their commitments as
    /// stored now.
    fn log_leaves(
        &self,
        from: u64,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<LogLeafRow>>> + Send;

    /// The log index of the commitment with this code.
    fn log_index_of_code(
        &self,
        code: &str,
    ) -> impl Future<Output = StoreResult<Option<u64>>> + Send;

    /// The call tasks not done yet (phone messages), the earliest callable first.
    fn open_call_tasks(
        &self,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<OutboxMessage>>> + Send;

    /// Records what a call task's call came to, once per task, journaled.
    fn record_call_outcome(
        &self,
        call: &NewCallOutcome,
    ) -> impl Future<Output = StoreResult<CallRecorded>> + Send;

    /// Every call outcome of the given cases, oldest first.
    fn call_outcomes(
        &self,
        case_numbers: &[i64],
    ) -> impl Future<Output = StoreResult<std::collections::HashMap<i64, Vec<CallOutcomeRow>>>> + Send;

    /// Who the given cases' messages go to (sealed personal data) and the creditor's name.
    fn case_recipients(
        &self,
        case_numbers: &[i64],
    ) -> impl Future<Output = StoreResult<std::collections::HashMap<i64, CaseRecipientRow>>> + Send;

    /// Records that the daily run of `run_date` (YYYY-MM-DD) starts, unless it started or
    /// finished before; says which (journaled).
    fn start_run_day(
        &self,
        run_date: &str,
        actor: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<RunDayState>> + Send;

    /// Records that the daily run of `run_date` finished, with its summary (JSON; journaled).
    fn finish_run_day(
        &self,
        run_date: &str,
        summary: &str,
        actor: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The stored facts of the given cases that exist (holds, flags, contact attempts, fees
    /// charged, limitation interruptions, principal changes) with each case's version.
    fn case_facts(
        &self,
        case_numbers: &[i64],
    ) -> impl Future<Output = StoreResult<std::collections::HashMap<i64, CaseFactRows>>> + Send;

    /// Changes one fact of a case, journaled with who and why, and moves its version.
    fn change_case_fact(
        &self,
        case_number: i64,
        change: &FactChange,
        actor: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<FactChanged>> + Send;

    /// The decisions recorded on a case, oldest first: (decision id, at_ms, actor, executed,
    /// posting id, the decision as JSON).
    fn case_decisions(
        &self,
        case_number: i64,
    ) -> impl Future<Output = StoreResult<Vec<DecisionRow>>> + Send;

    /// Sealed personal data of a case's customer, for those allowed to read it.
    fn case_by_number(
        &self,
        case_number: i64,
    ) -> impl Future<Output = StoreResult<Option<CaseRow>>> + Send;

    /// Records a published late rate with its journal entry (who, the citation) in one
    /// transaction; refused (`Conflict`) if a recorded rate of the same market and customer
    /// kind shares a day with it. Returns the journal entry's sequence number.
    fn insert_published_rate(
        &self,
        rate: &NewPublishedRate,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<i64>> + Send;

    /// Every published late rate, by market and start.
    fn published_rates(&self) -> impl Future<Output = StoreResult<Vec<PublishedRateRow>>> + Send;
    /// Writes messages to the outbox in one transaction of their own (the executor writes
    /// them in the decision's); a message whose decision id is there already is skipped.
    fn enqueue_messages(
        &self,
        messages: &[NewOutboxMessage],
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Leases up to `limit` due messages of `channels` to `worker` (see
    /// `DeliveryPolicy::lease_ms`), after
    /// putting messages whose lease expired back in the queue (or dead, after their last
    /// attempt). Two workers never hold the same message.
    fn lease_messages(
        &self,
        worker: &str,
        channels: &[&str],
        limit: i64,
        policy: &DeliveryPolicy,
        now_ms: i64,
    ) -> impl Future<Output = StoreResult<Vec<OutboxMessage>>> + Send;

    /// Records delivery attempts in one transaction: sent, or failed with the next attempt
    /// after a backoff, or dead after `DeliveryPolicy::attempts_max`.
    fn record_attempts(
        &self,
        records: &[AttemptRecord],
        policy: &DeliveryPolicy,
        now_ms: i64,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Outbox messages in a state (all when `None`), oldest first, at most `limit`.
    fn outbox_messages(
        &self,
        state: Option<OutboxState>,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<OutboxMessage>>> + Send;

    fn outbox_message(
        &self,
        id: i64,
    ) -> impl Future<Output = StoreResult<Option<OutboxMessage>>> + Send;

    /// A message's attempts in the order they were recorded.
    fn outbox_attempts(
        &self,
        id: i64,
    ) -> impl Future<Output = StoreResult<Vec<OutboxAttemptRow>>> + Send;

    /// Puts a dead message back in the queue, journaled; false when no dead message has `id`.
    fn retry_message(
        &self,
        id: i64,
        actor: &str,
        now_ms: i64,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// How many outbox messages are in each state.
    fn outbox_counts(&self) -> impl Future<Output = StoreResult<Vec<(OutboxState, i64)>>> + Send;

    /// A copy of the whole store, in one consistent snapshot, to run days forward on without
    /// writing this one (`reilu simulate`): what a rule or strategy change would do. The
    /// caller discards it ([`SimulationCopy::discard`]), on errors too.
    fn simulation_copy(&self) -> impl Future<Output = StoreResult<SimulationCopy>> + Send;
}
