//! Remittances: a client's payment and its ledger posting written together, once per run
//! date, client and currency; the payment files of a date are written from these rows, so
//! they can be written again after a crash without paying twice.

use sqlx::Row;

use crate::ledger::write_posting;
use crate::models::{NewJournalEntry, NewPosting, PostOutcome, Remittance};
use crate::{SqlStore, StoreResult, journal};

pub(crate) async fn record(
    store: &SqlStore,
    remittance: &Remittance,
    posting: &NewPosting,
) -> StoreResult<PostOutcome> {
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::MAIN)).await?;
    let earlier = sqlx::query("SELECT posting_id FROM remittances WHERE run_date = $1 AND client_id = $2 AND currency = $3")
        .bind(&remittance.run_date)
        .bind(&remittance.client_id)
        .bind(&remittance.currency)
        .fetch_optional(&mut *transaction)
        .await?;
    if let Some(row) = earlier {
        transaction.rollback().await?;
        return Ok(PostOutcome::AlreadyPosted {
            posting_id: row.try_get(0)?,
        });
    }
    let posting_id = write_posting(
        &mut transaction,
        posting,
        store.backend(),
        store.keyring().key(),
    )
    .await?;
    sqlx::query(
        "INSERT INTO remittances (run_date, client_id, currency, owed_minor, commission_minor, paid_minor, debtor_iban, \
         creditor_iban, posting_id, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&remittance.run_date)
    .bind(&remittance.client_id)
    .bind(&remittance.currency)
    .bind(remittance.owed_minor)
    .bind(remittance.commission_minor)
    .bind(remittance.paid_minor)
    .bind(&remittance.debtor_iban)
    .bind(&remittance.creditor_iban)
    .bind(posting_id)
    .bind(posting.at_ms)
    .execute(&mut *transaction)
    .await?;
    let payload = serde_json::json!({ "run_date": remittance.run_date, "currency": remittance.currency, "paid_minor": remittance.paid_minor, "posting_id": posting_id });
    let entry = NewJournalEntry {
        at_ms: posting.at_ms,
        actor: posting.actor.clone(),
        kind: "client.remitted".into(),
        subject: format!("client:{}", remittance.client_id),
        payload: payload.to_string(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(PostOutcome::Posted { posting_id })
}

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
