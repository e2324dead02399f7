//! Remittances: what each client was paid on a run date, in each currency. They are written
//! with their postings as part of a payout run (see `payouts`); the reports of a date are
//! written from these rows.

use sqlx::Row;

use crate::models::Remittance;
use crate::{SqlStore, StoreResult};

pub(crate) async fn on_date(store: &SqlStore, run_date: &str) -> StoreResult<Vec<Remittance>> {
    let rows = sqlx::query(
        "SELECT run_date, client_id, currency, owed_minor, commission_minor, paid_minor, debtor_iban, creditor_iban \
         FROM remittances WHERE run_date = $1 ORDER BY currency, debtor_iban, client_id",
    )
    .bind(run_date)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Remittance {
                run_date: row.try_get(0)?,
                client_id: row.try_get(1)?,
                currency: row.try_get(2)?,
                owed_minor: row.try_get(3)?,
                commission_minor: row.try_get(4)?,
                paid_minor: row.try_get(5)?,
                debtor_iban: row.try_get(6)?,
                creditor_iban: row.try_get(7)?,
            })
        })
        .collect()
}
