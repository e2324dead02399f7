//! A client's statement: what was collected for it and paid out to it in a period, from its
//! client-money liability account, with running balances ("owed to you"), as JSON or CSV.

use chrono::{NaiveDate, TimeZone, Utc};
use reilu_core::{Currency, Money};
use reilu_store::Store;
use serde::Serialize;

use crate::{App, AppError, AppResult};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRow {
    /// When it was booked, UTC.
    pub booked_at: String,
    pub posting_id: i64,
    pub kind: String,
    pub description: String,
    pub currency: String,
    /// Positive when collected for the client, negative when paid out to it.
    pub amount: String,
    /// What the company owes the client after this row, in this currency.
    pub owed_after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientStatement {
    pub client_id: String,
    pub from: String,
    /// Exclusive end: the day after the last day covered.
    pub to: String,
    pub opening: Vec<(String, String)>,
    pub rows: Vec<StatementRow>,
    pub closing: Vec<(String, String)>,
}

impl<S: Store> App<S> {
    /// `[from, to]` inclusive, in UTC days.
    pub async fn client_statement(
        &self,
        client_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<ClientStatement> {
        let client = self.client(client_id).await?;
        if to < from {
            return Err(AppError::Invalid(format!(
                "the period ends ({to}) before it starts ({from})"
            )));
        }
        let start_ms = Utc
            .from_utc_datetime(&from.and_time(chrono::NaiveTime::MIN))
            .timestamp_millis();
        let end = to.succ_opt().unwrap_or(to);
        let end_ms = Utc
            .from_utc_datetime(&end.and_time(chrono::NaiveTime::MIN))
            .timestamp_millis();
        let account = format!("client_liability:{}", client.id);
        let statement = self
            .store
            .account_statement(&account, start_ms, end_ms)
            .await?;
        // Liabilities carry credit (negative) balances: owed to the client is the negation.
        let mut owed: Vec<(String, i64)> = statement
            .opening
            .iter()
            .map(|(currency, minor)| (currency.clone(), -minor))
            .collect();
        let mut rows = Vec::with_capacity(statement.lines.len());
        for line in &statement.lines {
            let position = match owed
                .iter()
                .position(|(currency, _)| *currency == line.currency)
            {
                Some(position) => position,
                None => {
                    owed.push((line.currency.clone(), 0));
                    owed.len() - 1
                }
            };
            owed[position].1 -= line.amount_minor;
            let booked_at = Utc
                .timestamp_millis_opt(line.at_ms)
                .single()
                .map(|at| at.to_rfc3339())
                .unwrap_or_default();
            rows.push(StatementRow {
                booked_at,
                posting_id: line.posting_id,
                kind: line.kind.clone(),
                description: line.description.clone(),
                currency: line.currency.clone(),
                amount: show(-line.amount_minor, &line.currency)?,
                owed_after: show(owed[position].1, &line.currency)?,
            });
        }
        let opening = statement
            .opening
            .iter()
            .map(|(currency, minor)| Ok((currency.clone(), show(-minor, currency)?)))
            .collect::<AppResult<Vec<_>>>()?;
        let closing = owed
            .iter()
            .map(|(currency, minor)| Ok((currency.clone(), show(*minor, currency)?)))
            .collect::<AppResult<Vec<_>>>()?;
        Ok(ClientStatement {
            client_id: client.id,
            from: from.to_string(),
            to: end.to_string(),
            opening,
            rows,
            closing,
        })
    }
}

fn show(minor: i64, currency: &str) -> AppResult<String> {
    let currency =
        Currency::parse(currency).map_err(|error| AppError::Invalid(error.to_string()))?;
    Ok(Money::from_minor(minor, currency).to_string())
}

impl ClientStatement {
    pub fn to_csv(&self) -> AppResult<String> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let io = |error: csv::Error| AppError::Io(error.to_string());
        writer
            .write_record([
                "booked_at",
                "posting_id",
                "kind",
                "description",
                "currency",
                "amount",
                "owed_after",
            ])
            .map_err(io)?;
        for row in &self.rows {
            let posting_id = row.posting_id.to_string();
            writer
                .write_record([
                    &row.booked_at,
                    &posting_id,
                    &row.kind,
                    &row.description,
                    &row.currency,
                    &row.amount,
                    &row.owed_after,
                ])
                .map_err(io)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|error| AppError::Io(error.to_string()))?;
        String::from_utf8(bytes).map_err(|error| AppError::Io(error.to_string()))
    }
}
