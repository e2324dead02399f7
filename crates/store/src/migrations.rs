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
