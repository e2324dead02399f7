//! The unmatched queue, worked: bank entries that matched no case wait here until an agent
//! assigns one to a case (allocated as a matched payment would have been) or refunds it to
//! the payer. A resolution is a row of its own, written once per entry with its posting;
//! the queue is the unmatched entries without one (and not returned by the bank since).

use reilu_core::{Currency, Money};
use reilu_ledger::{Allocation, Component, allocate};
use sqlx::Row;

use crate::ledger::write_posting;
use crate::models::{NewJournalEntry, NewPosting, UnmatchedPayment};
use crate::payouts::NewResolution;
use crate::{SqlStore, StoreError, StoreResult, journal};

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A bank entry as the queue's work sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedEntry {
    pub account_iban: String,
    pub bank_reference: String,
    /// `credit` or `debit`.
    pub direction: String,
    pub amount_minor: i64,
    pub currency: String,
    pub booking_date: Option<String>,
    /// `matched`, `unmatched`, `ignored` or `corrected`.
    pub outcome: String,
    pub case_number: Option<i64>,
    /// The bank returned it (a correction undoes its posting).
    pub returned: bool,
    /// `assigned` or `refunded`, with the case it was assigned to.
    pub resolution: Option<(String, Option<i64>)>,
    /// The payer's name and IBAN from the statement, sealed; None when it gave none.
    pub payer_sealed: Option<Vec<u8>>,
}

impl QueuedEntry {
    /// Why this entry cannot be assigned or refunded now, if it cannot.
    pub fn refusal(&self) -> Option<String> {
        let which = format!(
            "bank entry {} on {}",
            self.bank_reference, self.account_iban
        );
        if let Some((resolution, case)) = &self.resolution {
            return Some(match (resolution.as_str(), case) {
                ("assigned", Some(case)) => format!("{which} was assigned to case {case} already"),
                _ => format!("{which} was {resolution} already"),
            });
        }
        if self.outcome != "unmatched" {
            let case = self
                .case_number
                .map(|case| format!(" (case {case})"))
                .unwrap_or_default();
            return Some(format!(
                "{which} is {}{case}, not waiting in the unmatched queue",
                self.outcome
            ));
        }
        if self.returned {
            return Some(format!("{which} was returned by the bank since"));
        }
        if self.direction != "credit" {
            return Some(format!(
                "{which} is money out (a return that matched no payment): it can be neither assigned nor refunded"
            ));
        }
        None
    }
}

const ENTRY_COLUMNS: &str = "b.account_iban, b.bank_reference, b.direction, b.amount_minor, b.currency, b.booking_date, \
     b.outcome, b.case_number, \
     CAST(CASE WHEN EXISTS (SELECT 1 FROM postings p WHERE p.corrects = b.posting_id) THEN 1 ELSE 0 END AS BIGINT), \
     r.resolution, r.case_number, b.payer_sealed \
     FROM bank_entries b LEFT JOIN unmatched_resolutions r \
     ON r.account_iban = b.account_iban AND r.bank_reference = b.bank_reference";

fn entry_from_row(row: &sqlx::any::AnyRow) -> StoreResult<QueuedEntry> {
    let resolution: Option<String> = row.try_get(9)?;
    let returned = row.try_get::<i64, _>(8)? != 0;
    Ok(QueuedEntry {
        account_iban: row.try_get(0)?,
        bank_reference: row.try_get(1)?,
        direction: row.try_get(2)?,
        amount_minor: row.try_get(3)?,
        currency: row.try_get(4)?,
        booking_date: row.try_get(5)?,
        outcome: row.try_get(6)?,
        case_number: row.try_get(7)?,
        returned,
        resolution: match resolution {
            Some(kind) => Some((kind, row.try_get(10)?)),
            None => None,
        },
        payer_sealed: row.try_get(11)?,
    })
}

/// The entries with this bank reference (on one account, or on any).
pub(crate) async fn entries(
    store: &SqlStore,
    bank_reference: &str,
    account_iban: Option<&str>,
) -> StoreResult<Vec<QueuedEntry>> {
    let rows = match account_iban {
        Some(account) => {
            sqlx::query(&format!(
                "SELECT {ENTRY_COLUMNS} WHERE b.account_iban = $1 AND b.bank_reference = $2"
            ))
            .bind(account)
            .bind(bank_reference)
            .fetch_all(store.pool())
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {ENTRY_COLUMNS} WHERE b.bank_reference = $1 ORDER BY b.account_iban"
            ))
            .bind(bank_reference)
            .fetch_all(store.pool())
            .await?
        }
    };
    rows.iter().map(entry_from_row).collect()
}

/// The entry, read inside a writing transaction; refused unless it still waits in the queue.
pub(crate) async fn check_still_queued(
    transaction: &mut Tx,
    account_iban: &str,
    bank_reference: &str,
) -> StoreResult<QueuedEntry> {
    let row = sqlx::query(&format!(
        "SELECT {ENTRY_COLUMNS} WHERE b.account_iban = $1 AND b.bank_reference = $2"
    ))
    .bind(account_iban)
    .bind(bank_reference)
    .fetch_optional(&mut **transaction)
    .await?;
    let Some(row) = row else {
        return Err(StoreError::NotFound(format!(
            "no bank entry {bank_reference} on {account_iban}"
        )));
    };
    let entry = entry_from_row(&row)?;
    match entry.refusal() {
        Some(why) => Err(StoreError::Conflict(why)),
        None => Ok(entry),
    }
}

pub(crate) async fn insert_resolution(
    transaction: &mut Tx,
    resolution: &NewResolution,
    posting_id: i64,
    actor: &str,
    at_ms: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO unmatched_resolutions (account_iban, bank_reference, resolution, case_number, posting_id, actor, resolved_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&resolution.account_iban)
    .bind(&resolution.bank_reference)
    .bind(&resolution.resolution)
    .bind(resolution.case_number)
    .bind(posting_id)
    .bind(actor)
    .bind(at_ms)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// The unmatched queue by booking date (entries without one last), then by when they were
/// imported: what waits longest comes first.
pub(crate) async fn queue(store: &SqlStore, limit: i64) -> StoreResult<Vec<UnmatchedPayment>> {
    let rows = sqlx::query(
        "SELECT account_iban, bank_reference, CASE WHEN direction = 'debit' THEN -amount_minor ELSE amount_minor END, \
         currency, booking_date, structured_reference, unstructured, reason, unstructured_sealed \
         FROM bank_entries b WHERE outcome = 'unmatched' \
         AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.corrects = b.posting_id) \
         AND NOT EXISTS (SELECT 1 FROM unmatched_resolutions r \
                         WHERE r.account_iban = b.account_iban AND r.bank_reference = b.bank_reference) \
         ORDER BY booking_date IS NULL, booking_date, imported_at_ms, bank_reference LIMIT $1",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(UnmatchedPayment {
                account_iban: row.try_get(0)?,
                bank_reference: row.try_get(1)?,
                amount_minor: row.try_get(2)?,
                currency: row.try_get(3)?,
                booking_date: row.try_get(4)?,
                structured_reference: row.try_get(5)?,
                unstructured: row.try_get(6)?,
                reason: row.try_get(7)?,
                unstructured_sealed: row.try_get(8)?,
            })
        })
        .collect()
}

/// A queued entry to allocate to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub account_iban: String,
    pub bank_reference: String,
    pub case_number: i64,
    /// The order the case's market allocates payments in.
    pub allocation_order: Vec<Component>,
    pub actor: String,
    pub at_ms: i64,
}

/// What an assignment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    pub posting_id: i64,
    pub client_id: String,
    pub allocation: Allocation,
}

/// A case as an assignment needs it: owner, currency, status, receivables.
struct CaseToPay {
    client_id: String,
    currency: String,
    status: String,
    owed_minor: [i64; 4],
}

async fn case_to_pay(transaction: &mut Tx, case_number: i64) -> StoreResult<CaseToPay> {
    let columns = crate::ledger::CASE_BALANCE_COLUMNS
        .iter()
        .map(|column| format!("COALESCE(b.{column}, 0)"))
        .collect::<Vec<_>>()
        .join(", ");
    let row = sqlx::query(&format!(
        "SELECT c.client_id, c.currency, c.status, {columns} FROM cases c \
         LEFT JOIN case_balances b ON b.case_number = c.case_number WHERE c.case_number = $1"
    ))
    .bind(case_number)
    .fetch_optional(&mut **transaction)
    .await?;
    let Some(row) = row else {
        return Err(StoreError::NotFound(format!("no case {case_number}")));
    };
    let mut owed_minor = [0_i64; 4];
    for (index, owed) in owed_minor.iter_mut().enumerate() {
        *owed = row.try_get(3 + index)?;
    }
    Ok(CaseToPay {
        client_id: row.try_get(0)?,
        currency: row.try_get(1)?,
        status: row.try_get(2)?,
        owed_minor,
    })
}

/// How a queued entry pays a case: refused unless the case is open and in the entry's
/// currency.
fn allocation_for(
    entry: &QueuedEntry,
    case_number: i64,
    case: &CaseToPay,
    order: &[Component],
) -> StoreResult<Allocation> {
    if case.status != "open" {
        return Err(StoreError::Conflict(format!(
            "case {case_number} is {}, not open: nothing is assigned to it",
            case.status
        )));
    }
    if case.currency != entry.currency {
        return Err(StoreError::Conflict(format!(
            "the entry is in {} but case {case_number} is in {}",
            entry.currency, case.currency
        )));
    }
    let currency =
        Currency::parse(&case.currency).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let outstanding: Vec<(Component, Money)> = Component::ALL
        .iter()
        .zip(case.owed_minor)
        .map(|(component, minor)| (*component, Money::from_minor(minor, currency)))
        .collect();
    allocate(
        Money::from_minor(entry.amount_minor, currency),
        &outstanding,
        order,
    )
    .map_err(crate::payments::ledger_error)
}

/// Allocates a queued entry to a case in one transaction: the posting moves the money from
/// unallocated to the case exactly as a matched payment's would from the bank, the entry
/// leaves the queue, and the journal says who did it.
pub(crate) async fn assign(store: &SqlStore, assignment: &Assignment) -> StoreResult<Assigned> {
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::MAIN)).await?;
    let entry = check_still_queued(
        &mut transaction,
        &assignment.account_iban,
        &assignment.bank_reference,
    )
    .await?;
    let case_number = assignment.case_number;
    let case = case_to_pay(&mut transaction, case_number).await?;
    let allocation = allocation_for(&entry, case_number, &case, &assignment.allocation_order)?;
    let posting = reilu_ledger::unallocated_assigned(case_number, &case.client_id, &allocation)
        .map_err(crate::payments::ledger_error)?;
    let description = format!(
        "bank entry {} on {} assigned to case {case_number}",
        entry.bank_reference, entry.account_iban
    );
    let rows = NewPosting {
        idempotency_key: Some(format!(
            "assign:{}:{}",
            entry.account_iban, entry.bank_reference
        )),
        ..NewPosting::from_ledger(&posting, assignment.at_ms, &assignment.actor, description)
    };
    let posting_id = write_posting(
        &mut transaction,
        &rows,
        store.backend(),
        store.keyring().key(),
    )
    .await?;
    let resolution = NewResolution {
        account_iban: entry.account_iban.clone(),
        bank_reference: entry.bank_reference.clone(),
        resolution: "assigned".into(),
        case_number: Some(case_number),
        posting: 0,
    };
    insert_resolution(
        &mut transaction,
        &resolution,
        posting_id,
        &assignment.actor,
        assignment.at_ms,
    )
    .await?;
    let payload = serde_json::json!({
        "account_iban": entry.account_iban, "bank_reference": entry.bank_reference,
        "amount_minor": entry.amount_minor, "currency": entry.currency, "posting_id": posting_id,
    });
    let journal_entry = NewJournalEntry {
        at_ms: assignment.at_ms,
        actor: assignment.actor.clone(),
        kind: "payment.assigned".into(),
        subject: format!("case:{case_number}"),
        payload: payload.to_string(),
    };
    journal::write(&mut transaction, slot, &journal_entry).await?;
    transaction.commit().await?;
    Ok(Assigned {
        posting_id,
        client_id: case.client_id,
        allocation,
    })
}

/// A case holding money paid beyond its debt, owed back to the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverpaidCase {
    pub case_number: i64,
    pub currency: String,
    /// Positive: what is owed back.
    pub overpaid_minor: i64,
    /// The latest payment on the case whose payer the statement named; None when no payment
    /// on it named one.
    pub payer: Option<PayerOnRecord>,
}

/// A bank entry's payer as the statement named them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerOnRecord {
    pub account_iban: String,
    pub bank_reference: String,
    /// Name and IBAN, sealed by the vault (see `reilu_app::unmatched::seal_payer`).
    pub sealed: Vec<u8>,
}

/// Every case owed money back, by case number, each with its latest payer on record.
pub(crate) async fn overpaid_cases(store: &SqlStore) -> StoreResult<Vec<OverpaidCase>> {
    let rows = sqlx::query(
        "SELECT account, currency, balance_minor FROM account_balances \
         WHERE account LIKE 'overpaid:%' AND balance_minor < 0 ORDER BY account, currency",
    )
    .fetch_all(store.pool())
    .await?;
    let mut cases = Vec::with_capacity(rows.len());
    for row in &rows {
        let account: String = row.try_get(0)?;
        let case_number: i64 = account
            .strip_prefix("overpaid:")
            .and_then(|number| number.parse().ok())
            .ok_or_else(|| StoreError::Corrupt(format!("account code {account}")))?;
        let balance_minor: i64 = row.try_get(2)?;
        cases.push(OverpaidCase {
            case_number,
            currency: row.try_get(1)?,
            overpaid_minor: balance_minor
                .checked_neg()
                .ok_or_else(|| StoreError::Corrupt("overpaid balance".into()))?,
            payer: latest_payer(store, case_number).await?,
        });
    }
    cases.sort_by_key(|case| case.case_number);
    Ok(cases)
}

/// The payer of the latest payment on the case (matched to it, or assigned from the queue)
/// that the bank did not return and whose statement named the payer.
async fn latest_payer(store: &SqlStore, case_number: i64) -> StoreResult<Option<PayerOnRecord>> {
    let not_returned = "b.payer_sealed IS NOT NULL AND b.direction = 'credit' \
         AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.corrects = b.posting_id)";
    let matched = sqlx::query(&format!(
        "SELECT b.account_iban, b.bank_reference, b.payer_sealed, b.booking_date, b.imported_at_ms FROM bank_entries b \
         WHERE b.case_number = $1 AND b.case_number IS NOT NULL AND b.outcome = 'matched' AND {not_returned}"
    ))
    .bind(case_number)
    .fetch_all(store.pool())
    .await?;
    let assigned = sqlx::query(&format!(
        "SELECT b.account_iban, b.bank_reference, b.payer_sealed, b.booking_date, b.imported_at_ms \
         FROM unmatched_resolutions r JOIN bank_entries b \
         ON b.account_iban = r.account_iban AND b.bank_reference = r.bank_reference \
         WHERE r.case_number = $1 AND r.case_number IS NOT NULL AND r.resolution = 'assigned' AND {not_returned}"
    ))
    .bind(case_number)
    .fetch_all(store.pool())
    .await?;
    // Latest by booking date, then import time, then bank reference.
    type Order = (Option<String>, i64, String);
    let mut latest: Option<(Order, PayerOnRecord)> = None;
    for row in matched.iter().chain(assigned.iter()) {
        let bank_reference: String = row.try_get(1)?;
        let order: Order = (row.try_get(3)?, row.try_get(4)?, bank_reference.clone());
        if latest.as_ref().is_none_or(|(best, _)| order > *best) {
            let payer = PayerOnRecord {
                account_iban: row.try_get(0)?,
                bank_reference,
                sealed: row.try_get(2)?,
            };
            latest = Some((order, payer));
        }
    }
    Ok(latest.map(|(_, payer)| payer))
}
