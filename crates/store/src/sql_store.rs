//! The SQL implementation of [`Store`] over sqlx's `Any` driver: one code path, two backends.

use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor, Row};

use crate::models::*;
use crate::operators::{NewOperator, OperatorRow, Revocation};
use crate::payments::PaymentImport;
use crate::{
    Store, StoreError, StoreResult, clients, intake, interest, journal, ledger, ledger_check,
    operators, payments, remittances,
};

/// Which database a [`SqlStore`] talks to; chosen once from the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// The store on SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    /// SQLite's checkpoint task runs while any clone of the store lives (see `checkpoint`).
    checkpointer: Option<std::sync::Arc<tokio::sync::watch::Sender<()>>>,
    /// The key the journal is tagged with (see `keying`).
    keyring: crate::keying::Keyring,
}

/// SQLite settings for every connection: WAL lets readers work beside the one writer,
/// `synchronous = FULL` makes every commit durable (money and the journal live here), the
/// busy timeout makes a second writer wait for the first instead of failing, commits do not
/// checkpoint the log (a task does, see `checkpoint`), and a log that grew large (a big
/// import is one transaction) is cut back to 64 MiB when it is next reused.
const SQLITE_CONNECTION_SETUP: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA cache_size = -65536; \
     PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;";

/// PostgreSQL: plan each execution of a prepared statement with its own parameters. Tables
/// here start empty and grow fast; a generic plan chosen while a table was small (a
/// sequential scan) would otherwise stay cached on the connection while the table grows to
/// millions of rows (seen: bank-entry look-ups 14x slower after 200,000 payments).
const POSTGRES_CONNECTION_SETUP: &str = "SET plan_cache_mode = force_custom_plan";

impl SqlStore {
    /// Connects to `url` (`sqlite://PATH?mode=rwc` or `postgres://…`), migrates the schema
    /// and opens the journal with `journal_key` (keying it the first time, see `keying`). A
    /// key other than the journal's opens the store for reading only: every write is refused
    /// with the reason, and `verify_journal` reports it.
    pub async fn connect(url: &str, journal_key: reilu_vault::JournalKey) -> StoreResult<Self> {
        let backend = Backend::from_url(url).ok_or_else(|| StoreError::Connect {
            url: redact_url(url),
            source: sqlx::Error::Configuration(
                "the URL must start with sqlite: or postgres://".into(),
            ),
        })?;
        install_default_drivers();
        // Statements slower than a second are logged at info, not warn: imports and
        // `reilu check` run long statements by design (sums over every account line), and a
        // warning on the console of a command that went well reads as a fault. `RUST_LOG`
        // with `sqlx=info` shows them.
        let connect_options = url
            .parse::<AnyConnectOptions>()
            .map_err(|source| StoreError::Connect {
                url: redact_url(url),
                source,
            })?
            .log_slow_statements(log::LevelFilter::Info, Duration::from_secs(1));
        Self::open(connect_options, backend, journal_key, None).await
    }

    /// The simulation's copy of `live` in `schema` of the same PostgreSQL database (see
    /// `simulation_copy`): the same server and credentials, each connection's `search_path`
    /// set to the copy's schema, so that every statement, unqualified, reads and writes there.
    pub(crate) async fn connect_in_schema(live: &SqlStore, schema: &str) -> StoreResult<Self> {
        let options = AnyConnectOptions::clone(&live.pool.connect_options());
        let key = live.keyring.key().clone();
        Self::open(options, live.backend, key, Some(schema.to_owned())).await
    }

    /// Builds the pool (each connection set up for its backend, and with `search_path` when
    /// a schema is named), migrates and opens the journal.
    async fn open(
        connect_options: AnyConnectOptions,
        backend: Backend,
        journal_key: reilu_vault::JournalKey,
        schema: Option<String>,
    ) -> StoreResult<Self> {
        let connections_max = match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 16,
        };
        let search_path =
            schema.map(|schema| format!("SET search_path TO \"{}\"", schema.replace('"', "\"\"")));
        let options = AnyPoolOptions::new()
            .max_connections(connections_max)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |connection, _| {
                let search_path = search_path.clone();
                Box::pin(async move {
                    match backend {
                        Backend::Sqlite => connection.execute(SQLITE_CONNECTION_SETUP).await?,
                        Backend::Postgres => connection.execute(POSTGRES_CONNECTION_SETUP).await?,
                    };
                    if let Some(search_path) = search_path {
                        connection.execute(search_path.as_str()).await?;
                    }
                    Ok(())
                })
            });
        let url = redact_url(connect_options.database_url.as_str());
        let pool = options
            .connect_with(connect_options)
            .await
            .map_err(|source| StoreError::Connect { url, source })?;
        let checkpointer = (backend == Backend::Sqlite)
            .then(|| std::sync::Arc::new(crate::checkpoint::spawn(pool.clone())));
        crate::migrations::run(&pool, backend).await?;
        let keyring = crate::keying::open(&pool, backend, journal_key).await?;
        Ok(SqlStore {
            pool,
            backend,
            checkpointer,
            keyring,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) fn keyring(&self) -> &crate::keying::Keyring {
        &self.keyring
    }

    /// Writing to one chain of the journal (see `journal`).
    pub(crate) fn journal(&self, chain: &'static str) -> journal::Journal<'_> {
        journal::Journal {
            keyring: &self.keyring,
            backend: self.backend,
            chain,
        }
    }

    /// Stops the checkpoint task, copies SQLite's log back into the database file (so the
    /// file alone holds everything committed) and closes every connection.
    pub async fn close(&self) {
        if self.pool.is_closed() {
            return;
        }
        if let Some(checkpointer) = &self.checkpointer {
            // No receiver left only means the task has stopped already.
            let _ = checkpointer.send(());
            crate::checkpoint::run(&self.pool).await;
        }
        self.pool.close().await;
    }
}

/// The URL without its password, for error messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            let user = credentials.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        let row = sqlx::query("SELECT COUNT(*) FROM journal_heads WHERE chain = 'main'")
            .fetch_one(&self.pool)
            .await?;
        let heads: i64 = row.try_get(0)?;
        if heads == 1 {
            Ok(())
        } else {
            Err(StoreError::Corrupt("journal head missing".into()))
        }
    }

    async fn insert_client(&self, client: &NewClient, at_ms: i64) -> StoreResult<()> {
        clients::insert(self, client, at_ms).await
    }

    async fn list_clients(&self) -> StoreResult<Vec<ClientRow>> {
        clients::list(self).await
    }

    async fn client_by_id(&self, id: &str) -> StoreResult<Option<ClientRow>> {
        clients::by_column(self, "id", id).await
    }

    async fn client_by_api_key_hash(&self, hash: &str) -> StoreResult<Option<ClientRow>> {
        clients::by_column(self, "api_key_hash", hash).await
    }

    async fn insert_operator(
        &self,
        operator: &NewOperator,
        actor: &str,
        at_ms: i64,
    ) -> StoreResult<()> {
        operators::insert(self, operator, actor, at_ms).await
    }

    async fn revoke_operator(
        &self,
        id: &reilu_core::OperatorId,
        actor: &str,
        at_ms: i64,
    ) -> StoreResult<Revocation> {
        operators::revoke(self, id, actor, at_ms).await
    }

    async fn list_operators(&self) -> StoreResult<Vec<OperatorRow>> {
        operators::list(self).await
    }

    async fn operator_by_api_key_hash(&self, hash: &str) -> StoreResult<Option<OperatorRow>> {
        operators::by_api_key_hash(self, hash).await
    }

    async fn place_claims(
        &self,
        batch: &ClaimBatch,
        idempotency: Option<&IdempotencyRequest>,
        respond: &(dyn Fn(&[Placement]) -> StoredResponse + Sync),
    ) -> StoreResult<PlaceOutcome> {
        intake::place_claims(self, batch, idempotency, respond, &intake::keep_stored).await
    }

    async fn place_claims_merging(
        &self,
        batch: &ClaimBatch,
        idempotency: Option<&IdempotencyRequest>,
        respond: &(dyn Fn(&[Placement]) -> StoredResponse + Sync),
        merge: &MergeContacts<'_>,
    ) -> StoreResult<PlaceOutcome> {
        intake::place_claims(self, batch, idempotency, respond, merge).await
    }

    async fn counts(&self) -> StoreResult<StoreCounts> {
        let sql = "SELECT (SELECT COUNT(*) FROM clients), (SELECT COUNT(*) FROM customers), \
                   (SELECT COUNT(*) FROM cases), (SELECT COUNT(*) FROM claims), \
                   (SELECT COUNT(*) FROM journal)";
        let row = sqlx::query(sql).fetch_one(&self.pool).await?;
        Ok(StoreCounts {
            clients: row.try_get(0)?,
            customers: row.try_get(1)?,
            cases: row.try_get(2)?,
            claims: row.try_get(3)?,
            journal_entries: row.try_get(4)?,
        })
    }

    async fn append_journal(&self, entry: &NewJournalEntry) -> StoreResult<i64> {
        let mut transaction = self.pool.begin().await?;
        let chain = journal::chain_of_event(&entry.kind);
        let slot = journal::reserve(&mut transaction, self.journal(chain)).await?;
        let seq = journal::write(&mut transaction, slot, entry).await?;
        transaction.commit().await?;
        Ok(seq)
    }

    async fn verify_journal(&self) -> StoreResult<journal::JournalVerification> {
        crate::journal_verify::verify(&self.pool, self.keyring.key()).await
    }

    async fn verify_journal_chains(&self) -> StoreResult<Vec<crate::ChainVerification>> {
        crate::journal_verify::verify_chains(&self.pool, self.keyring.key()).await
    }

    async fn post(&self, posting: &NewPosting) -> StoreResult<PostOutcome> {
        ledger::post(self, posting).await
    }

    async fn balances(&self, prefix: &str) -> StoreResult<Vec<(String, String, i64)>> {
        ledger::balances(self, prefix).await
    }

    async fn check_ledger(&self) -> StoreResult<LedgerCheck> {
        ledger_check::check(&self.pool, self.backend, self.keyring.key()).await
    }

    async fn begin_payment_import(&self, actor: &str, at_ms: i64) -> StoreResult<PaymentImport> {
        payments::begin(self, actor, at_ms).await
    }

    async fn record_payments(
        &self,
        batch: &[PaymentInstruction],
        actor: &str,
        at_ms: i64,
    ) -> StoreResult<Vec<PaymentOutcome>> {
        payments::record_payments(self, batch, actor, at_ms).await
    }

    async fn bank_statements(
        &self,
        account: Option<&str>,
        until: Option<&str>,
    ) -> StoreResult<Vec<BankStatementRow>> {
        payments::statements(self, account, until).await
    }

    async fn plain_remittance_texts(
        &self,
        limit: i64,
    ) -> StoreResult<Vec<(String, String, String)>> {
        payments::plain_texts(self, limit).await
    }

    async fn seal_remittance_texts(&self, sealed: &[(String, String, Vec<u8>)]) -> StoreResult<()> {
        payments::seal_texts(self, sealed).await
    }

    async fn unmatched_payments(&self, limit: i64) -> StoreResult<Vec<UnmatchedPayment>> {
        crate::unmatched::queue(self, limit).await
    }

    async fn cases_owed(
        &self,
        case_numbers: &[i64],
    ) -> StoreResult<std::collections::HashMap<i64, i64>> {
        let mut connection = self.pool.acquire().await?;
        intake::case_outstanding(&mut connection, case_numbers, self.backend).await
    }

    async fn case_owners(
        &self,
        case_numbers: &[i64],
    ) -> StoreResult<Vec<(i64, String, String, String)>> {
        payments::case_owners(self, case_numbers).await
    }

    async fn remittances_on(&self, run_date: &str) -> StoreResult<Vec<Remittance>> {
        remittances::on_date(self, run_date).await
    }

    async fn posting_by_key(&self, key: &str) -> StoreResult<Option<i64>> {
        let row = sqlx::query("SELECT id FROM postings WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| row.try_get(0)).transpose()?)
    }

    async fn posting_entries(&self, posting_id: i64) -> StoreResult<Vec<PostingEntryRow>> {
        ledger::posting_entries(&self.pool, posting_id).await
    }

    async fn account_statement(
        &self,
        account: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<AccountStatement> {
        ledger::statement(self, account, from_ms, to_ms).await
    }

    async fn count_open_cases(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE status = 'open'")
                .fetch_one(self.pool())
                .await?,
        )
    }

    async fn open_interest_cases(
        &self,
        after_case_number: i64,
        limit: i64,
    ) -> StoreResult<Vec<InterestCase>> {
        interest::open_cases(self, after_case_number, limit).await
    }

    async fn execute(
        &self,
        batch: Vec<reilu_rules::CaseDecision>,
        actor: &str,
        at_ms: i64,
    ) -> StoreResult<Vec<crate::Execution>> {
        let batch = batch
            .into_iter()
            .map(|decision| (decision, crate::Effects::default()))
            .collect();
        crate::execute::execute(self, batch, actor, at_ms).await
    }

    async fn case_steps(
        &self,
        case_numbers: &[i64],
    ) -> StoreResult<std::collections::HashMap<i64, Vec<crate::CaseStepRow>>> {
        crate::daily_run::case_steps(self, case_numbers).await
    }

    async fn strategy_outcomes(&self) -> StoreResult<crate::StrategyOutcomeRows> {
        crate::strategy_report::strategy_outcomes(self).await
    }

    async fn commitment_by_code(&self, code: &str) -> StoreResult<Option<crate::CommitmentRow>> {
        crate::commitments::by_code(self, code).await
    }

    async fn log_size(&self) -> StoreResult<u64> {
        crate::message_log::size(self).await
    }

    async fn log_nodes(
        &self,
        keys: &[(u32, u64)],
    ) -> StoreResult<std::collections::HashMap<(u32, u64), [u8; 32]>> {
        crate::message_log::nodes(self, keys).await
    }

    async fn log_leaves(&self, from: u64, limit: i64) -> StoreResult<Vec<crate::LogLeafRow>> {
        crate::message_log::leaves(self, from, limit).await
    }

    async fn log_index_of_code(&self, code: &str) -> StoreResult<Option<u64>> {
        crate::message_log::index_of_code(self, code).await
    }

    async fn open_call_tasks(&self, limit: i64) -> StoreResult<Vec<crate::OutboxMessage>> {
        crate::call_tasks::open_tasks(self, limit).await
    }

    async fn record_call_outcome(
        &self,
        call: &crate::NewCallOutcome,
    ) -> StoreResult<crate::CallRecorded> {
        crate::call_tasks::record(self, call).await
    }

    async fn call_outcomes(
        &self,
        case_numbers: &[i64],
    ) -> StoreResult<std::collections::HashMap<i64, Vec<crate::CallOutcomeRow>>> {
        crate::call_tasks::outcomes_of(self, case_numbers).await
    }

    async fn case_recipients(
        &self,
        case_numbers: &[i64],
    ) -> StoreResult<std::collections::HashMap<i64, crate::CaseRecipientRow>> {
        crate::daily_run::case_recipients(self, case_numbers).await
    }

    async fn start_run_day(
        &self,
        run_date: &str,
        actor: &str,
        at_ms: i64,
    ) -> StoreResult<crate::RunDayState> {
        crate::daily_run::start_run_day(self, run_date, actor, at_ms).await
    }

    async fn finish_run_day(
        &self,
        run_date: &str,
        summary: &str,
        actor: &str,
        at_ms: i64,
    ) -> StoreResult<()> {
        crate::daily_run::finish_run_day(self, run_date, summary, actor, at_ms).await
    }

    async fn execute_with(
        &self,
        batch: Vec<(reilu_rules::CaseDecision, crate::Effects)>,
        actor: &str,
        at_ms: i64,
    ) -> StoreResult<Vec<crate::Execution>> {
        crate::execute::execute(self, batch, actor, at_ms).await
    }

    async fn case_facts(
        &self,
        case_numbers: &[i64],
    ) -> StoreResult<std::collections::HashMap<i64, crate::CaseFactRows>> {
        crate::case_facts::read(self, case_numbers).await
    }

    async fn change_case_fact(
        &self,
        case_number: i64,
        change: &crate::FactChange,
        actor: &str,
        at_ms: i64,
    ) -> StoreResult<crate::FactChanged> {
        crate::case_facts::change(self, case_number, change, actor, at_ms).await
    }

    async fn case_decisions(&self, case_number: i64) -> StoreResult<Vec<DecisionRow>> {
        crate::case_facts::decisions(self, case_number).await
    }

    async fn case_by_number(&self, case_number: i64) -> StoreResult<Option<CaseRow>> {
        intake::case_by_number(self, case_number).await
    }

    async fn insert_published_rate(
        &self,
        rate: &crate::NewPublishedRate,
        at_ms: i64,
    ) -> StoreResult<i64> {
        crate::rates::insert(self, rate, at_ms).await
    }

    async fn published_rates(&self) -> StoreResult<Vec<crate::PublishedRateRow>> {
        crate::rates::all(self).await
    }
    async fn enqueue_messages(&self, messages: &[crate::NewOutboxMessage]) -> StoreResult<()> {
        crate::outbox::enqueue(self, messages).await
    }

    async fn lease_messages(
        &self,
        worker: &str,
        channels: &[&str],
        limit: i64,
        policy: &crate::DeliveryPolicy,
        now_ms: i64,
    ) -> StoreResult<Vec<crate::OutboxMessage>> {
        crate::outbox::lease(self, worker, channels, limit, policy, now_ms).await
    }

    async fn record_attempts(
        &self,
        records: &[crate::AttemptRecord],
        policy: &crate::DeliveryPolicy,
        now_ms: i64,
    ) -> StoreResult<()> {
        crate::outbox::record(self, records, policy, now_ms).await
    }

    async fn outbox_messages(
        &self,
        state: Option<crate::OutboxState>,
        limit: i64,
    ) -> StoreResult<Vec<crate::OutboxMessage>> {
        crate::outbox::list(self, state, limit).await
    }

    async fn outbox_message(&self, id: i64) -> StoreResult<Option<crate::OutboxMessage>> {
        crate::outbox::by_id(self, id).await
    }

    async fn outbox_attempts(&self, id: i64) -> StoreResult<Vec<crate::OutboxAttemptRow>> {
        crate::outbox::attempts(self, id).await
    }

    async fn retry_message(&self, id: i64, actor: &str, now_ms: i64) -> StoreResult<bool> {
        crate::outbox::retry(self, id, actor, now_ms).await
    }

    async fn outbox_counts(&self) -> StoreResult<Vec<(crate::OutboxState, i64)>> {
        crate::outbox::counts(self).await
    }

    async fn simulation_copy(&self) -> StoreResult<crate::SimulationCopy> {
        crate::simulation_copy::copy(self).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_passwords() {
        assert_eq!(
            redact_url("postgres://reilu:s3cret@db:5432/reilu"),
            "postgres://reilu:***@db:5432/reilu"
        );
        assert_eq!(
            redact_url("sqlite://./reilu-data/reilu.db"),
            "sqlite://./reilu-data/reilu.db"
        );
        assert_eq!(Backend::from_url("mysql://x"), None);
    }
}
