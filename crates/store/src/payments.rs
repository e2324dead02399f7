//! Payments from bank files: each bank entry recorded once per account and bank reference,
//! allocated and posted in the same transaction as its record, so a crash between the two
//! cannot happen and a re-run skips what is already recorded.

use std::collections::{HashMap, HashSet};

use reilu_core::{Currency, Money};
use reilu_ledger::{Component, Posting, allocate, payment_received, payment_unmatched};
use sqlx::Row;

use crate::ledger::write_postings;
use crate::models::{
    BankEntryRecord, NewJournalEntry, NewPosting, PaymentInstruction, PaymentOutcome,
    PaymentTarget, PostingEntryRow, UnmatchedPayment,
};
use crate::{Backend, SqlStore, StoreError, StoreResult, journal};

/// A batch larger than this is a caller's bug: imports stream files in smaller chunks.
pub const PAYMENTS_PER_BATCH_MAX: usize = 20_000;

pub(crate) async fn record_payments(
    store: &SqlStore,
    batch: &[PaymentInstruction],
    actor: &str,
    at_ms: i64,
) -> StoreResult<Vec<PaymentOutcome>> {
    if batch.len() > PAYMENTS_PER_BATCH_MAX {
        return Err(StoreError::Conflict(format!(
            "a batch holds at most {PAYMENTS_PER_BATCH_MAX} payments"
        )));
    }
    let backend = store.backend();
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction).await?;
    let recorded = already_recorded(&mut transaction, batch, backend).await?;
    let mut seen_in_batch: HashSet<(&str, &str)> = HashSet::new();
    let fresh: Vec<bool> = batch
        .iter()
        .map(|instruction| {
            let key = (
                instruction.entry.account_iban.as_str(),
                instruction.entry.bank_reference.as_str(),
            );
            !recorded.contains(&(key.0.to_owned(), key.1.to_owned())) && seen_in_batch.insert(key)
        })
        .collect();
    let mut owed = outstanding(&mut transaction, batch, &fresh, backend).await?;
    let mut planned: Vec<Planned> = Vec::with_capacity(batch.len());
    for (instruction, is_fresh) in batch.iter().zip(&fresh) {
        planned.push(if *is_fresh {
            plan(instruction, &mut owed, actor, at_ms)?
        } else {
            Planned::Skip
        });
    }
    let postings: Vec<NewPosting> = planned
        .iter()
        .filter_map(|plan| plan.posting().cloned())
        .collect();
    let ids = write_postings(&mut transaction, &postings, backend).await?;
    let outcomes = record_entries(&mut transaction, batch, &planned, &ids, at_ms, backend).await?;
    let recorded_now = outcomes
        .iter()
        .filter(|outcome| !matches!(outcome, PaymentOutcome::AlreadyRecorded))
        .count();
    let payload = serde_json::json!({ "entries": batch.len(), "recorded": recorded_now });
    let entry = NewJournalEntry {
        at_ms,
        actor: actor.to_owned(),
        kind: "payments.recorded".into(),
        subject: "bank".into(),
        payload: payload.to_string(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(outcomes)
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// What to do with one bank entry of a batch.
enum Planned {
    Skip,
    Matched {
        case_number: i64,
        posting: NewPosting,
    },
    Unmatched {
        posting: NewPosting,
    },
    Ignored,
}

impl Planned {
    fn posting(&self) -> Option<&NewPosting> {
        match self {
            Planned::Matched { posting, .. } | Planned::Unmatched { posting } => Some(posting),
            Planned::Skip | Planned::Ignored => None,
        }
    }
}

/// Receivables of the batch's cases, keyed by (case, currency), read once per batch; the
/// plan updates them as it allocates, so two payments of one case in a batch see each other.
type Owed = HashMap<(i64, String), Vec<(Component, Money)>>;

fn plan(
    instruction: &PaymentInstruction,
    owed: &mut Owed,
    actor: &str,
    at_ms: i64,
) -> StoreResult<Planned> {
    let entry = &instruction.entry;
    let currency =
        Currency::parse(&entry.currency).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let amount = Money::from_minor(entry.amount_minor, currency);
    match &instruction.target {
        PaymentTarget::Case {
            case_number,
            client_id,
            allocation_order,
        } => {
            let balances = owed
                .entry((*case_number, entry.currency.clone()))
                .or_default();
            let allocation = allocate(amount, balances, allocation_order).map_err(ledger_error)?;
            for (component, part) in &allocation.parts {
                if let Some((_, left)) = balances.iter_mut().find(|(c, _)| c == component) {
                    *left = Money::from_minor(left.amount_minor() - part.amount_minor(), currency);
                }
            }
            let posting =
                payment_received(&entry.account_iban, *case_number, client_id, &allocation)
                    .map_err(ledger_error)?;
            Ok(Planned::Matched {
                case_number: *case_number,
                posting: to_rows(&posting, entry, actor, at_ms),
            })
        }
        PaymentTarget::Unmatched => {
            let posting = payment_unmatched(&entry.account_iban, amount).map_err(ledger_error)?;
            Ok(Planned::Unmatched {
                posting: to_rows(&posting, entry, actor, at_ms),
            })
        }
        PaymentTarget::Ignored => Ok(Planned::Ignored),
    }
}

/// Which of the batch's (account, bank reference) pairs were recorded before. Queried per
/// account so the look-up walks the primary key (account first) instead of scanning.
async fn already_recorded(
    transaction: &mut Tx,
    batch: &[PaymentInstruction],
    backend: Backend,
) -> StoreResult<HashSet<(String, String)>> {
    let mut by_account: HashMap<&str, Vec<&str>> = HashMap::new();
    for instruction in batch {
        by_account
            .entry(instruction.entry.account_iban.as_str())
            .or_default()
            .push(instruction.entry.bank_reference.as_str());
    }
    let mut found = HashSet::new();
    for (account, references) in by_account {
        for chunk in references.chunks(500) {
            let first = crate::sql::placeholders(backend, 1, 1);
            let rest = crate::sql::placeholders(backend, 2, chunk.len());
            let sql = format!(
                "SELECT account_iban, bank_reference FROM bank_entries WHERE account_iban = {first} AND bank_reference IN ({rest})"
            );
            let mut query = sqlx::query(&sql).bind(account);
            for reference in chunk {
                query = query.bind(*reference);
            }
            for row in query.fetch_all(&mut **transaction).await? {
                found.insert((row.try_get(0)?, row.try_get(1)?));
            }
        }
    }
    Ok(found)
}

fn ledger_error(error: reilu_ledger::LedgerError) -> StoreError {
    StoreError::Conflict(error.to_string())
}

/// What the batch's cases owe now, by component.
async fn outstanding(
    transaction: &mut Tx,
    batch: &[PaymentInstruction],
    fresh: &[bool],
    backend: Backend,
) -> StoreResult<Owed> {
    let mut accounts: Vec<String> = Vec::new();
    for (instruction, is_fresh) in batch.iter().zip(fresh) {
        if let (true, PaymentTarget::Case { case_number, .. }) = (is_fresh, &instruction.target) {
            accounts.extend(
                Component::ALL
                    .iter()
                    .map(|component| format!("receivable:{case_number}:{}", component.as_str())),
            );
        }
    }
    accounts.sort_unstable();
    accounts.dedup();
    let mut owed: Owed = HashMap::new();
    for chunk in accounts.chunks(500) {
        let sql = format!(
            "SELECT account, currency, balance_minor FROM account_balances WHERE account IN ({})",
            crate::sql::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for account in chunk {
            query = query.bind(account.as_str());
        }
        for row in query.fetch_all(&mut **transaction).await? {
            let (account, currency, balance): (String, String, i64) =
                (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            let mut parts = account.split(':').skip(1);
            let case_number: Option<i64> = parts.next().and_then(|number| number.parse().ok());
            let component = parts.next().and_then(Component::parse);
            let money_currency = Currency::parse(&currency)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?;
            if let (Some(case_number), Some(component)) = (case_number, component) {
                owed.entry((case_number, currency))
                    .or_default()
                    .push((component, Money::from_minor(balance, money_currency)));
            }
        }
    }
    Ok(owed)
}

fn to_rows(posting: &Posting, entry: &BankEntryRecord, actor: &str, at_ms: i64) -> NewPosting {
    NewPosting {
        kind: posting.kind().as_str().to_owned(),
        at_ms,
        corrects: None,
        idempotency_key: Some(format!(
            "bank:{}:{}",
            entry.account_iban, entry.bank_reference
        )),
        description: format!(
            "bank entry {} on {}",
            entry.account_iban, entry.bank_reference
        ),
        actor: actor.to_owned(),
        entries: posting
            .entries()
            .iter()
            .map(|line| PostingEntryRow {
                account: line.account.code(),
                currency: line.amount.currency().code().to_owned(),
                amount_minor: line.amount.amount_minor(),
            })
            .collect(),
    }
}

const BANK_ENTRY_COLUMNS: usize = 15;

/// Inserts the batch's new bank entries with their outcome and posting, and says per entry
/// what happened.
async fn record_entries(
    transaction: &mut Tx,
    batch: &[PaymentInstruction],
    planned: &[Planned],
    ids: &[i64],
    at_ms: i64,
    backend: Backend,
) -> StoreResult<Vec<PaymentOutcome>> {
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut rows: Vec<(&PaymentInstruction, &'static str, Option<i64>, Option<i64>)> = Vec::new();
    let mut next_id = ids.iter();
    for (instruction, plan) in batch.iter().zip(planned) {
        let posting_id = if plan.posting().is_some() {
            next_id.next().copied()
        } else {
            None
        };
        let (outcome, row) = match plan {
            Planned::Skip => (PaymentOutcome::AlreadyRecorded, None),
            Planned::Matched { case_number, .. } => (
                PaymentOutcome::Matched {
                    posting_id: posting_id.unwrap_or(0),
                    case_number: *case_number,
                },
                Some(("matched", Some(*case_number))),
            ),
            Planned::Unmatched { .. } => (
                PaymentOutcome::Unmatched {
                    posting_id: posting_id.unwrap_or(0),
                },
                Some(("unmatched", None)),
            ),
            Planned::Ignored => (PaymentOutcome::Ignored, Some(("ignored", None))),
        };
        if let Some((label, case_number)) = row {
            rows.push((instruction, label, case_number, posting_id));
        }
        outcomes.push(outcome);
    }
    for chunk in rows.chunks(500) {
        let values = crate::sql::value_rows(backend, chunk.len(), BANK_ENTRY_COLUMNS);
        let sql = format!(
            "INSERT INTO bank_entries (account_iban, bank_reference, message_id, direction, reversal, amount_minor, currency, \
             booking_date, structured_reference, unstructured, outcome, case_number, posting_id, reason, imported_at_ms) VALUES {values}"
        );
        let mut query = sqlx::query(&sql);
        for (instruction, label, case_number, posting_id) in chunk {
            let entry = &instruction.entry;
            query = query
                .bind(&entry.account_iban)
                .bind(&entry.bank_reference)
                .bind(&entry.message_id)
                .bind(&entry.direction)
                .bind(i64::from(entry.reversal))
                .bind(entry.amount_minor)
                .bind(&entry.currency)
                .bind(entry.booking_date.as_deref())
                .bind(entry.structured_reference.as_deref())
                .bind(&entry.unstructured)
                .bind(*label)
                .bind(*case_number)
                .bind(*posting_id)
                .bind(&instruction.reason)
                .bind(at_ms);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(outcomes)
}

/// The unmatched queue, oldest first.
pub(crate) async fn unmatched(store: &SqlStore, limit: i64) -> StoreResult<Vec<UnmatchedPayment>> {
    let rows = sqlx::query(
        "SELECT account_iban, bank_reference, amount_minor, currency, booking_date, structured_reference, unstructured, reason \
         FROM bank_entries WHERE outcome = 'unmatched' ORDER BY imported_at_ms, bank_reference LIMIT $1",
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
            })
        })
        .collect()
}

/// Client and currency of each case, for matching payments to cases.
pub(crate) async fn case_owners(
    store: &SqlStore,
    case_numbers: &[i64],
) -> StoreResult<Vec<(i64, String, String, String)>> {
    let mut owners = Vec::with_capacity(case_numbers.len());
    for chunk in case_numbers.chunks(500) {
        let list: Vec<String> = (0..chunk.len())
            .map(|index| format!("${}", index + 1))
            .collect();
        let sql = format!(
            "SELECT case_number, client_id, market, currency FROM cases WHERE case_number IN ({})",
            list.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for number in chunk {
            query = query.bind(*number);
        }
        for row in query.fetch_all(store.pool()).await? {
            owners.push((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            ));
        }
    }
    Ok(owners)
}
