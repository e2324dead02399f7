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
        14,
        "bank_files",
        include_str!("../migrations/sqlite/0014_bank_files.sql"),
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
        14,
        "bank_files",
        include_str!("../migrations/postgres/0014_bank_files.sql"),
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

pub(crate) async fn migrator(backend: Backend) -> Result<Migrator, sqlx::migrate::MigrateError> {
    let source = match backend {
        Backend::Sqlite => Embedded(SQLITE),
        Backend::Postgres => Embedded(POSTGRES),
    };
    Migrator::new(source).await
}

#[cfg(test)]
mod tests {
    use sqlx::AnyPool;

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

            let store = SqlStore::connect(&url)
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
}
