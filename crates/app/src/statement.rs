//! A client's statement: what was collected for it and paid out to it in a period, from its
//! client-money liability account, with running balances ("owed to you"), as JSON or CSV.
//! Each collection names its case and the client's own references of the case's claims; a
//! remittance shows the commission kept as a line of its own, then what was paid.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use reilu_core::{Currency, Money};
use reilu_store::{DetailedLine, PostingEntryRow, Store};
use serde::Serialize;

use crate::{App, AppError, AppResult};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRow {
    /// When it was booked, UTC.
    pub booked_at: String,
    pub posting_id: i64,
    /// The posting's kind (`payment_received`, `correction`, `remittance`, …), or
    /// `commission` for the commission kept at a remittance.
    pub kind: String,
    pub description: String,
    pub currency: String,
    /// Positive when collected for the client, negative when paid out to it or kept.
    pub amount: String,
    /// What the company owes the client after this row, in this currency.
    pub owed_after: String,
    /// The case the money was collected on, if any.
    pub case_number: Option<i64>,
    /// The client's own references of that case's claims.
    pub claim_refs: Vec<String>,
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

/// One movement of a client's liability, as statements and remittance reports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Movement {
    pub at_ms: i64,
    pub posting_id: i64,
    pub kind: String,
    pub description: String,
    pub currency: String,
    /// What it adds to what the client is owed (collections positive, payouts negative).
    pub owed_minor: i64,
    pub case_number: Option<i64>,
    pub claim_refs: Vec<String>,
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
        let start_ms = start_of(from);
        let end = to.succ_opt().unwrap_or(to);
        let end_ms = start_of(end);
        let account = format!("client_liability:{}", client.id);
        // The opening balances from the account's statement; the lines with their postings.
        let opening_minor = self
            .store
            .account_statement(&account, start_ms, start_ms)
            .await?
            .opening;
        let lines = self
            .store
            .account_lines_detailed(&account, start_ms, end_ms)
            .await?;
        // Liabilities carry credit (negative) balances: owed to the client is the negation.
        let mut owed: BTreeMap<String, i64> = opening_minor
            .iter()
            .map(|(currency, minor)| (currency.clone(), -minor))
            .collect();
        let mut rows = Vec::with_capacity(lines.len());
        for movement in self.movements(&lines).await? {
            let balance = owed.entry(movement.currency.clone()).or_insert(0);
            *balance = balance
                .checked_add(movement.owed_minor)
                .ok_or_else(|| AppError::Invalid("a statement balance overflows".into()))?;
            rows.push(StatementRow {
                booked_at: booked_at(movement.at_ms),
                posting_id: movement.posting_id,
                kind: movement.kind,
                description: movement.description,
                amount: show(movement.owed_minor, &movement.currency)?,
                owed_after: show(*balance, &movement.currency)?,
                currency: movement.currency,
                case_number: movement.case_number,
                claim_refs: movement.claim_refs,
            });
        }
        let opening = opening_minor
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

    /// A client liability's lines as movements: a remittance becomes the commission kept and
    /// the payment, every other line names the case of its posting and that case's claim
    /// references.
    pub(crate) async fn movements(&self, lines: &[DetailedLine]) -> AppResult<Vec<Movement>> {
        let mut cases: Vec<i64> = lines
            .iter()
            .filter_map(|line| case_of(&line.posting))
            .collect();
        cases.sort_unstable();
        cases.dedup();
        let mut references: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for (case_number, reference) in self.store.claim_references(&cases).await? {
            references.entry(case_number).or_default().push(reference);
        }
        let mut movements = Vec::with_capacity(lines.len());
        for detailed in lines {
            let line = &detailed.line;
            let case_number = case_of(&detailed.posting);
            let movement = Movement {
                at_ms: line.at_ms,
                posting_id: line.posting_id,
                kind: line.kind.clone(),
                description: line.description.clone(),
                currency: line.currency.clone(),
                owed_minor: line
                    .amount_minor
                    .checked_neg()
                    .ok_or_else(|| AppError::Invalid("a statement amount overflows".into()))?,
                case_number,
                claim_refs: case_number
                    .and_then(|case| references.get(&case).cloned())
                    .unwrap_or_default(),
            };
            let commission_minor = commission_of(&detailed.posting, &line.currency);
            if line.kind == "remittance" && commission_minor > 0 {
                movements.push(Movement {
                    kind: "commission".into(),
                    description: format!("commission kept at the {}", line.description),
                    owed_minor: -commission_minor,
                    ..movement.clone()
                });
                movements.push(Movement {
                    owed_minor: movement.owed_minor + commission_minor,
                    ..movement
                });
            } else {
                movements.push(movement);
            }
        }
        Ok(movements)
    }
}

/// The case whose receivables a posting moves (a payment, its correction), if any.
fn case_of(posting: &[PostingEntryRow]) -> Option<i64> {
    posting.iter().find_map(|entry| {
        let rest = entry.account.strip_prefix("receivable:")?;
        rest.split_once(':')?.0.parse().ok()
    })
}

/// What a remittance posting kept as commission (the company's revenue it credits).
fn commission_of(posting: &[PostingEntryRow], currency: &str) -> i64 {
    posting
        .iter()
        .filter(|entry| entry.account == "company_revenue" && entry.currency == currency)
        .map(|entry| entry.amount_minor.saturating_neg())
        .sum()
}

fn start_of(day: NaiveDate) -> i64 {
    Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .timestamp_millis()
}

pub(crate) fn booked_at(at_ms: i64) -> String {
    Utc.timestamp_millis_opt(at_ms)
        .single()
        .map(|at| at.to_rfc3339())
        .unwrap_or_default()
}

/// An amount in its currency, as statements and reports print it (`12.50 EUR`).
pub(crate) fn show(minor: i64, currency: &str) -> AppResult<String> {
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
                "case_number",
                "claim_refs",
            ])
            .map_err(io)?;
        for row in &self.rows {
            let posting_id = row.posting_id.to_string();
            let case_number = row.case_number.map(|n| n.to_string()).unwrap_or_default();
            writer
                .write_record([
                    &row.booked_at,
                    &posting_id,
                    &row.kind,
                    &row.description,
                    &row.currency,
                    &row.amount,
                    &row.owed_after,
                    &case_number,
                    &row.claim_refs.join("; "),
                ])
                .map_err(io)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|error| AppError::Io(error.to_string()))?;
        String::from_utf8(bytes).map_err(|error| AppError::Io(error.to_string()))
    }
}
