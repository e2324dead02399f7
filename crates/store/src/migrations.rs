//! Each backend's migrations, compiled into the binary so a new machine needs nothing else.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use crate::sql_store::Backend;

const SQLITE: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
    ),
    (
        2,
        "ledger",
        include_str!("../migrations/sqlite/0002_ledger.sql"),
    ),
    (
        3,
        "bank_entries",
        include_str!("../migrations/sqlite/0003_bank_entries.sql"),
    ),
    (
        4,
        "remittances",
        include_str!("../migrations/sqlite/0004_remittances.sql"),
    ),
    (
        5,
        "case_balances",
        include_str!("../migrations/sqlite/0005_case_balances.sql"),
    ),
    (
        6,
        "interest_accruals",
        include_str!("../migrations/sqlite/0006_interest_accruals.sql"),
    ),
    (
        7,
        "operators",
        include_str!("../migrations/sqlite/0007_operators.sql"),
    ),
    (
        8,
        "posting_lines",
        include_str!("../migrations/sqlite/0008_posting_lines.sql"),
    ),
    (
        9,
        "case_facts",
        include_str!("../migrations/sqlite/0009_case_facts.sql"),
    ),
    (
        10,
        "published_rates",
        include_str!("../migrations/sqlite/0010_published_rates.sql"),
    ),
    (
        11,
        "claim_terms",
        include_str!("../migrations/sqlite/0011_claim_terms.sql"),
    ),
    (
        12,
        "strict",
        include_str!("../migrations/sqlite/0012_strict.sql"),
    ),
    (
        13,
        "accounts",
        include_str!("../migrations/sqlite/0013_accounts.sql"),
    ),
    (
        14,
        "bank_files",
        include_str!("../migrations/sqlite/0014_bank_files.sql"),
    ),
    (
        15,
        "journal_chains",
        include_str!("../migrations/sqlite/0015_journal_chains.sql"),
    ),
    (
        16,
        "outbox",
        include_str!("../migrations/sqlite/0016_outbox.sql"),
    ),
    (
        17,
        "daily_run",
        include_str!("../migrations/sqlite/0017_daily_run.sql"),
    ),
    (
        18,
        "call_outcomes",
        include_str!("../migrations/sqlite/0018_call_outcomes.sql"),
    ),
    (
        19,
        "message_commitments",
        include_str!("../migrations/sqlite/0019_message_commitments.sql"),
    ),
    (
        20,
        "message_log",
        include_str!("../migrations/sqlite/0020_message_log.sql"),
    ),
];
const POSTGRES: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "ledger",
        include_str!("../migrations/postgres/0002_ledger.sql"),
    ),
    (
        3,
        "bank_entries",
        include_str!("../migrations/postgres/0003_bank_entries.sql"),
    ),
    (
        4,
        "remittances",
        include_str!("../migrations/postgres/0004_remittances.sql"),
    ),
    (
        5,
        "case_balances",
        include_str!("../migrations/postgres/0005_case_balances.sql"),
    ),
    (
        6,
        "interest_accruals",
        include_str!("../migrations/postgres/0006_interest_accruals.sql"),
    ),
    (
        7,
        "operators",
        include_str!("../migrations/postgres/0007_operators.sql"),
    ),
    (
        8,
        "posting_lines",
        include_str!("../migrations/postgres/0008_posting_lines.sql"),
    ),
    (
        9,
        "case_facts",
        include_str!("../migrations/postgres/0009_case_facts.sql"),
    ),
    (
        10,
        "published_rates",
        include_str!("../migrations/postgres/0010_published_rates.sql"),
    ),
    (
        11,
        "claim_terms",
        include_str!("../migrations/postgres/0011_claim_terms.sql"),
    ),
    (
        12,
        "strict",
        include_str!("../migrations/postgres/0012_strict.sql"),
    ),
    (
        13,
        "accounts",
        include_str!("../migrations/postgres/0013_accounts.sql"),
    ),
    (
        14,
        "bank_files",
        include_str!("../migrations/postgres/0014_bank_files.sql"),
    ),
    (
        15,
        "journal_chains",
        include_str!("../migrations/postgres/0015_journal_chains.sql"),
    ),
    (
        16,
        "outbox",
        include_str!("../migrations/postgres/0016_outbox.sql"),
    ),
    (
        17,
        "daily_run",
        include_str!("../migrations/postgres/0017_daily_run.sql"),
    ),
    (
        18,
        "call_outcomes",
        include_str!("../migrations/postgres/0018_call_outcomes.sql"),
    ),
    (
        19,
        "message_commitments",
        include_str!("../migrations/postgres/0019_message_commitments.sql"),
    ),
    (
        20,
        "message_log",
        include_str!("../migrations/postgres/0020_message_log.sql"),
    ),
];

/// The migrations of one backend as a source for sqlx's migrator.
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl fmt::Debug for Embedded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Embedded({} migrations)", self.0.len())
    }
}

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        let migrations = self
            .0
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    Cow::Borrowed(*sql),
                    false,
                )
            })
            .collect();
        Box::pin(async move { Ok(migrations) })
    }
}

/// Brings the schema up to date. On SQLite the migrations run on a connection of their own
/// with foreign keys off, as SQLite's procedure for rebuilding a table asks (since migration
/// 12 every table is rebuilt STRICT, see `strict`, and tables others reference are dropped
/// on the way; sqlx runs each migration in a transaction, where the pragma cannot change);
/// if anything changed, every reference is then checked, and the connection is closed
/// rather than returned to the pool with foreign keys off.
pub(crate) async fn run(pool: &sqlx::AnyPool, backend: Backend) -> crate::StoreResult<()> {
    let migrator = migrator(backend).await?;
    if backend == Backend::Postgres {
        migrator.run(pool).await?;
        return Ok(());
    }
    let mut connection = pool.acquire().await?.detach();
    let outcome = migrate_without_foreign_keys(&migrator, &mut connection).await;
    // Closing can only fail to say goodbye cleanly; the connection is gone either way.
    let _ = sqlx::Connection::close(connection).await;
    outcome
}

async fn migrate_without_foreign_keys(
    migrator: &Migrator,
    connection: &mut sqlx::AnyConnection,
) -> crate::StoreResult<()> {
    use sqlx::{Executor, Row};
    connection.execute("PRAGMA foreign_keys = OFF").await?;
    let before = applied_count(&mut *connection).await;
    // `run_direct`, not `run`: `run` on a borrowed connection makes every future that opens
    // a store not `Send` ("`Acquire` is not general enough"), and a simulation opens its copy
    // inside the `Store` trait's `Send` futures.
    migrator.run_direct(&mut *connection).await?;
    let rebuilt = crate::strict::make_strict(&mut *connection).await?;
    if rebuilt == 0 && applied_count(&mut *connection).await == before {
        return Ok(());
    }
    let broken = sqlx::query("SELECT \"table\", parent FROM pragma_foreign_key_check LIMIT 5")
        .fetch_all(&mut *connection)
        .await?;
    if broken.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = broken
        .iter()
        .map(|row| {
            let table: String = row.try_get(0).unwrap_or_default();
            let parent: String = row.try_get(1).unwrap_or_default();
            format!("{table} → {parent}")
        })
        .collect();
    Err(crate::StoreError::Corrupt(format!(
        "after migrating, rows refer to rows that do not exist: {}",
        named.join(", ")
    )))
}

/// Migrations applied so far (none before the first run creates sqlx's table).
async fn applied_count(connection: &mut sqlx::AnyConnection) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(connection)
        .await
        .and_then(|row| row.try_get::<i64, _>(0))
        .unwrap_or(0)
}

pub(crate) async fn migrator(backend: Backend) -> Result<Migrator, sqlx::migrate::MigrateError> {
    let source = match backend {
        Backend::Sqlite => Embedded(SQLITE),
        Backend::Postgres => Embedded(POSTGRES),
    };
    Migrator::new(source).await
}

#[cfg(test)]
mod tests {
    use sqlx::{AnyPool, Row};

    use super::*;
    use crate::models::PostingEntryRow;
    use crate::test_support::{postgres_test_url, sqlite_test_url, test_server_url};
    use crate::{SqlStore, Store, ledger::entries_hash};

    fn line(account: &str, amount_minor: i64) -> PostingEntryRow {
        PostingEntryRow {
            account: account.into(),
            currency: "EUR".into(),
            amount_minor,
        }
    }

    /// Writes postings the way the store did before migration 8 (entries as rows), with the
    /// balances the two postings of the test leave.
    async fn write_old_layout(pool: &AnyPool, postings: &[Vec<PostingEntryRow>]) {
        for (index, entries) in postings.iter().enumerate() {
            let id = i64::try_from(index).unwrap_or(0) + 1;
            sqlx::query("INSERT INTO postings (id, kind, at_ms, description, entries_sha256) VALUES ($1, 'test', $2, 'old', $3)")
                .bind(id)
                .bind(id * 1000)
                .bind(entries_hash(entries))
                .execute(pool)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            for (line, entry) in entries.iter().enumerate() {
                sqlx::query("INSERT INTO ledger_entries (posting_id, line, account, currency, amount_minor) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id)
                    .bind(i64::try_from(line).unwrap_or(0))
                    .bind(&entry.account)
                    .bind(&entry.currency)
                    .bind(entry.amount_minor)
                    .execute(pool)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        // The kept balances those two postings leave.
        for (account, balance_minor) in [
            ("client_money_bank:FI2112345600000785", 500),
            ("client_liability:c1", -300),
            ("client_claims:c1", -700),
            ("costs_charged", 200),
            ("company_revenue", -200),
        ] {
            sqlx::query("INSERT INTO account_balances (account, currency, balance_minor) VALUES ($1, 'EUR', $2)")
                .bind(account)
                .bind(balance_minor)
                .execute(pool)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        sqlx::query("INSERT INTO case_balances (case_number, currency, principal_minor, collection_costs_minor) VALUES (100001, 'EUR', 700, -200)")
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sqlx::query("UPDATE counters SET next_value = 3 WHERE name = 'posting'")
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[tokio::test]
    async fn postings_written_as_entry_rows_keep_every_line_in_order_after_migration_8() {
        sqlx::any::install_default_drivers();
        let mut databases = vec![(Backend::Sqlite, sqlite_test_url().map(|(url, _)| url))];
        if let Some(server) = test_server_url() {
            databases.push((Backend::Postgres, postgres_test_url(&server).await));
        }
        let placed = vec![
            line("receivable:100001:principal", 1000),
            line("client_claims:c1", -1000),
        ];
        let paid = vec![
            line("client_money_bank:FI2112345600000785", 500),
            line("receivable:100001:principal", -300),
            line("receivable:100001:collection_costs", -200),
            line("client_claims:c1", 300),
            line("client_liability:c1", -300),
            line("costs_charged", 200),
            line("company_revenue", -200),
        ];
        for (backend, url) in databases {
            let url = url.unwrap_or_else(|e| panic!("{e}"));
            let pool = AnyPool::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let before = match backend {
                Backend::Sqlite => &SQLITE[..7],
                Backend::Postgres => &POSTGRES[..7],
            };
            Migrator::new(Embedded(before))
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .run(&pool)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            write_old_layout(&pool, &[placed.clone(), paid.clone()]).await;
            pool.close().await;

            let store = SqlStore::connect(&url, crate::test_support::test_journal_key())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(store.posting_entries(1).await.ok(), Some(placed.clone()));
            assert_eq!(store.posting_entries(2).await.ok(), Some(paid.clone()));
            let check = store.check_ledger().await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                (check.postings, check.problems),
                (2, Vec::<String>::new()),
                "{backend:?}"
            );
            let statement = store
                .account_statement("client_liability:c1", 0, 10_000)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                statement
                    .lines
                    .iter()
                    .map(|line| (line.posting_id, line.amount_minor))
                    .collect::<Vec<_>>(),
                vec![(2, -300)]
            );
            store.close().await;
        }
    }

    /// Writes `count` journal entries with plain hashes, as the store did before it was
    /// keyed, and moves the head to the last.
    async fn write_plain_journal(pool: &AnyPool, count: i64) {
        let mut prev = "0".repeat(64);
        for seq in 1..=count {
            let entry = crate::NewJournalEntry {
                at_ms: seq,
                actor: "old".into(),
                kind: "note".into(),
                subject: format!("note:{seq}"),
                payload: "{}".into(),
            };
            let hash = crate::entry_hash(&prev, seq, &entry);
            sqlx::query("INSERT INTO journal (seq, at_ms, actor, kind, subject, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(seq)
                .bind(entry.at_ms)
                .bind(&entry.actor)
                .bind(&entry.kind)
                .bind(&entry.subject)
                .bind(&entry.payload)
                .bind(&prev)
                .bind(&hash)
                .execute(pool)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            prev = hash;
        }
        sqlx::query("UPDATE journal_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(count)
            .bind(&prev)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// A store from before the journal was keyed (migrations 1–11, plain hashes, postings
    /// without tags, a client journaled without its IBAN) is keyed when first opened: its old
    /// entries verify as they are, the marker follows them, and what it sealed is held to it.
    #[tokio::test]
    async fn a_journal_from_before_the_key_is_keyed_on_first_open_and_stays_checked() {
        sqlx::any::install_default_drivers();
        let mut databases = vec![(Backend::Sqlite, sqlite_test_url().map(|(url, _)| url))];
        if let Some(server) = test_server_url() {
            databases.push((Backend::Postgres, postgres_test_url(&server).await));
        }
        let paid = vec![
            line("client_money_bank:FI2112345600000785", 500),
            line("unallocated", -500),
        ];
        for (backend, url) in databases {
            let url = url.unwrap_or_else(|e| panic!("{e}"));
            let pool = AnyPool::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let before = match backend {
                Backend::Sqlite => &SQLITE[..11],
                Backend::Postgres => &POSTGRES[..11],
            };
            Migrator::new(Embedded(before))
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .run(&pool)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            write_plain_journal(&pool, 3).await;
            for statement in [
                "INSERT INTO clients (id, name, market, iban, api_key_hash, commission_bp, created_at_ms) VALUES ('c1', 'Old Oy', 'FI', 'FI2112345600000785', 'h', 500, 1)",
                "INSERT INTO account_balances (account, currency, balance_minor) VALUES ('client_money_bank:FI2112345600000785', 'EUR', 500), ('unallocated', 'EUR', -500)",
                "INSERT INTO account_lines (account, posting_id, line, currency, amount_minor) VALUES ('client_money_bank:FI2112345600000785', 1, 0, 'EUR', 500), ('unallocated', 1, 1, 'EUR', -500)",
                "UPDATE counters SET next_value = 2 WHERE name = 'posting'",
            ] {
                if statement.starts_with("INSERT INTO account_balances") {
                    sqlx::query("INSERT INTO postings (id, kind, at_ms, description, entries_sha256, lines) VALUES (1, 'payment_unmatched', 1, 'old', $1, $2)")
                        .bind(entries_hash(&paid))
                        .bind(crate::ledger::lines_json(&paid).unwrap_or_default())
                        .execute(&pool)
                        .await
                        .unwrap_or_else(|e| panic!("{e}"));
                }
                sqlx::query(statement)
                    .execute(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("{statement}: {e}"));
            }

            let key = crate::test_support::test_journal_key();
            let store = SqlStore::connect(&url, key.clone())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                store.verify_journal().await.ok(),
                Some(crate::JournalVerification::Intact { entries: 4 }),
                "{backend:?}: three plain entries and the marker"
            );
            let marker: (String, String) =
                sqlx::query_as("SELECT kind, payload FROM journal WHERE seq = 4")
                    .fetch_one(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(marker.0, crate::MARKER_KIND);
            assert!(marker.1.contains("\"plain_through\":3"), "{}", marker.1);
            assert!(marker.1.contains("\"postings_through\":1"), "{}", marker.1);
            let check = store.check_ledger().await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(check.problems, Vec::<String>::new(), "{backend:?}");
            // Opening again keys nothing twice.
            store.close().await;
            let store = SqlStore::connect(&url, key)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                store.verify_journal().await.ok(),
                Some(crate::JournalVerification::Intact { entries: 4 })
            );

            // The old posting and client were sealed by the marker.
            let tampering: &[&str] = match backend {
                Backend::Sqlite => &[
                    "DROP TRIGGER postings_are_append_only_update",
                    "DROP TRIGGER journal_is_append_only_update",
                ],
                Backend::Postgres => &[
                    "DROP TRIGGER postings_are_append_only ON postings",
                    "DROP TRIGGER journal_is_append_only ON journal",
                ],
            };
            for statement in tampering.iter().chain(&[
                "UPDATE postings SET description = 'new' WHERE id = 1",
                "UPDATE clients SET commission_bp = 0 WHERE id = 'c1'",
            ]) {
                sqlx::query(statement)
                    .execute(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("{statement}: {e}"));
            }
            let text = store
                .check_ledger()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .problems
                .join("; ");
            assert!(
                text.contains("the postings written before the journal was keyed (ids up to 1)"),
                "{text}"
            );
            assert!(
                text.contains("its commission is 0 bp, the journal recorded 500 bp"),
                "{text}"
            );

            // An old entry rewritten with its plain hashes recomputed no longer reaches the
            // marker, whose tag holds the hash of the entry before it.
            sqlx::query("UPDATE journal SET payload = '{\"forged\":1}' WHERE seq = 2")
                .execute(&pool)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let mut prev: String = sqlx::query_scalar("SELECT hash FROM journal WHERE seq = 1")
                .fetch_one(&pool)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            for seq in 2..=3 {
                let row: (i64, String, String, String, String) = sqlx::query_as(
                    "SELECT at_ms, actor, kind, subject, payload FROM journal WHERE seq = $1",
                )
                .bind(seq)
                .fetch_one(&pool)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
                let entry = crate::NewJournalEntry {
                    at_ms: row.0,
                    actor: row.1,
                    kind: row.2,
                    subject: row.3,
                    payload: row.4,
                };
                let hash = crate::entry_hash(&prev, seq, &entry);
                sqlx::query("UPDATE journal SET prev_hash = $1, hash = $2 WHERE seq = $3")
                    .bind(&prev)
                    .bind(&hash)
                    .bind(seq)
                    .execute(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                prev = hash;
            }
            match store.verify_journal().await {
                Ok(crate::JournalVerification::Broken { seq, reason }) => {
                    assert_eq!(seq, 4, "{reason}");
                    assert!(reason.contains("does not chain"), "{reason}");
                }
                other => panic!("{backend:?}: a rewritten old entry verified: {other:?}"),
            }
            store.close().await;
            pool.close().await;
        }
    }

    #[tokio::test]
    async fn what_a_later_migration_added_first_survives_the_strict_rebuild() {
        sqlx::any::install_default_drivers();
        let (url, _folder) = sqlite_test_url().unwrap_or_else(|e| panic!("{e}"));
        let pool = AnyPool::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        Migrator::new(Embedded(&SQLITE[..11]))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .run(&pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // As a database in the field that ran a migration numbered after 12 before it.
        for sql in [
            "ALTER TABLE clients ADD COLUMN note TEXT",
            "CREATE INDEX clients_by_note ON clients (note)",
            "INSERT INTO clients (id, name, market, iban, api_key_hash, created_at_ms, note) \
             VALUES ('c1', 'Kauppa Oy', 'FI', 'FI2112345600000785', 'h', 1, 'kept')",
        ] {
            sqlx::query(sql)
                .execute(&pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        pool.close().await;
        let store = SqlStore::connect(&url, crate::test_support::test_journal_key())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let one = |sql: &'static str| {
            let pool = store.pool().clone();
            async move {
                let row = sqlx::query(sql)
                    .fetch_one(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                row.try_get::<String, _>(0)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
        };
        assert_eq!(
            one("SELECT note FROM clients WHERE id = 'c1'").await,
            "kept"
        );
        assert_eq!(
            one("SELECT CAST(strict AS TEXT) FROM pragma_table_list WHERE name = 'clients'").await,
            "1"
        );
        assert_eq!(
            one("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clients' AND sql IS NOT NULL").await,
            "clients_by_note"
        );
        store.close().await;
    }
}
