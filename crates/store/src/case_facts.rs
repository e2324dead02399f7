//! The facts the gate decides on, per case: holds, flags (vulnerability, jurisdiction, refused
//! channels), contact attempts, fees charged, limitation interruptions, payments, and the
//! case's version. Read for many cases at once (the interest run reads a page), written one
//! change at a time, each change journaled with who and why in its own transaction and moving
//! the case's version.

use std::collections::HashMap;

use sqlx::Row;

use crate::models::NewJournalEntry;
use crate::{Backend, SqlStore, StoreError, StoreResult, journal};

/// Cases per `IN (…)` list.
const CASES_PER_STATEMENT: usize = 500;
/// A case's history is bounded in what one snapshot reads: beyond this many contact attempts
/// the oldest are left out (frequency caps look back weeks, not years).
pub const CONTACTS_PER_SNAPSHOT_MAX: i64 = 500;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Everything stored about a case that a gate decision depends on, beyond its claims and
/// balances.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFactRows {
    pub case_number: i64,
    /// Moves with every change of the facts and of the case's balances.
    pub version: i64,
    pub holds: Vec<HoldRow>,
    pub vulnerable: bool,
    pub vulnerability_review_on: Option<String>,
    pub jurisdiction: Option<String>,
    pub channels_refused: Vec<String>,
    /// Oldest first.
    pub contacts: Vec<ContactRow>,
    /// Oldest first.
    pub charges: Vec<ChargeRow>,
    /// The latest acknowledgement or court step, YYYY-MM-DD.
    pub interrupted_on: Option<String>,
    /// The booking day of the case's latest payment (a payment acknowledges the debt).
    pub last_payment_on: Option<String>,
    /// All late interest accrued on the case, in minor units of its currency.
    pub interest_accrued_minor: i64,
    /// Payments and their corrections, oldest first: (booking date, change of the principal
    /// owed in minor units, negative for a payment).
    pub principal_changes: Vec<(String, i64)>,
    /// What payments and their corrections did to everything the case owes (principal,
    /// interest and fees), oldest first: (booking date, minor units received, negative for
    /// a payment returned). A promise to pay is kept by what the case received.
    pub received: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldRow {
    pub id: i64,
    pub kind: String,
    pub since: String,
    pub until: Option<String>,
    pub reason: String,
    pub placed_by: String,
    pub released_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub at_ms: i64,
    pub channel: String,
    pub purpose: String,
    pub outcome: String,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRow {
    pub kind: String,
    pub amount_minor: i64,
    pub currency: String,
    pub at_ms: i64,
    pub posting_id: i64,
}

/// A change to a case's facts, as an operator asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactChange {
    PlaceHold {
        kind: String,
        since: String,
        until: Option<String>,
        reason: String,
    },
    /// Ends the hold: it no longer applies from `on` (it held until the day before).
    ReleaseHold {
        hold_id: i64,
        on: String,
        reason: String,
    },
    RefuseChannel {
        channel: String,
    },
    Vulnerable {
        review_on: String,
    },
    NotVulnerable,
    Jurisdiction {
        code: String,
    },
    Interruption {
        on: String,
        kind: String,
        note: String,
    },
}

impl FactChange {
    fn journal_kind(&self) -> &'static str {
        match self {
            FactChange::PlaceHold { .. } => "case.hold_placed",
            FactChange::ReleaseHold { .. } => "case.hold_released",
            FactChange::RefuseChannel { .. } => "case.channel_refused",
            FactChange::Vulnerable { .. } => "case.vulnerable",
            FactChange::NotVulnerable => "case.not_vulnerable",
            FactChange::Jurisdiction { .. } => "case.jurisdiction",
            FactChange::Interruption { .. } => "case.limitation_interrupted",
        }
    }
}

/// What a fact change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactChanged {
    /// The case's version after the change.
    pub version: i64,
    /// The hold placed (for `PlaceHold`).
    pub hold_id: Option<i64>,
    /// False when the change was already in place (refusing a refused channel): nothing was
    /// written and the version did not move.
    pub changed: bool,
}

/// The facts of the given cases that exist (cases with no balances row yet have version 0).
pub(crate) async fn read(
    store: &SqlStore,
    case_numbers: &[i64],
) -> StoreResult<HashMap<i64, CaseFactRows>> {
    let mut facts: HashMap<i64, CaseFactRows> = HashMap::with_capacity(case_numbers.len());
    let backend = store.backend();
    let pool = store.pool();
    for chunk in case_numbers.chunks(CASES_PER_STATEMENT) {
        let list = crate::sql::placeholders(backend, 1, chunk.len());
        let sql = format!(
            "SELECT c.case_number, COALESCE(b.version, 0), f.vulnerable, f.vulnerability_review_on, \
             f.jurisdiction, f.channels_refused, \
             (SELECT MAX(i.on_date) FROM case_interruptions i WHERE i.case_number = c.case_number), \
             (SELECT MAX(e.booking_date) FROM bank_entries e WHERE e.case_number = c.case_number \
              AND e.direction = 'credit' AND e.reversal = 0 AND e.outcome = 'matched'), \
             (SELECT CAST(COALESCE(SUM(a.amount_minor), 0) AS BIGINT) FROM interest_accruals a \
              WHERE a.case_number = c.case_number) \
             FROM cases c LEFT JOIN case_balances b ON b.case_number = c.case_number \
             LEFT JOIN case_flags f ON f.case_number = c.case_number WHERE c.case_number IN ({list})"
        );
        for row in bind_all(sqlx::query(&sql), chunk).fetch_all(pool).await? {
            let case_number: i64 = row.try_get(0)?;
            let refused: Option<String> = row.try_get(5)?;
            facts.insert(
                case_number,
                CaseFactRows {
                    case_number,
                    version: row.try_get(1)?,
                    vulnerable: row.try_get::<Option<i64>, _>(2)?.unwrap_or(0) == 1,
                    vulnerability_review_on: row.try_get(3)?,
                    jurisdiction: row.try_get(4)?,
                    channels_refused: refused
                        .unwrap_or_default()
                        .split(',')
                        .filter(|name| !name.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    interrupted_on: row.try_get(6)?,
                    last_payment_on: row.try_get(7)?,
                    interest_accrued_minor: row.try_get(8)?,
                    ..CaseFactRows::default()
                },
            );
        }
        read_holds(store, chunk, &list, &mut facts).await?;
        read_contacts(store, chunk, &list, &mut facts).await?;
        read_charges(store, chunk, &list, &mut facts).await?;
        read_principal_changes(store, chunk, &list, &mut facts).await?;
    }
    Ok(facts)
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    case_numbers: &[i64],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for case_number in case_numbers {
        query = query.bind(*case_number);
    }
    query
}

/// Runs `sql` (its first column the case number, `$1…` the chunk's case numbers) and hands
/// each row to `put` with its case's facts.
async fn each_row(
    store: &SqlStore,
    sql: &str,
    chunk: &[i64],
    facts: &mut HashMap<i64, CaseFactRows>,
    mut put: impl FnMut(&sqlx::any::AnyRow, &mut CaseFactRows) -> StoreResult<()>,
) -> StoreResult<()> {
    for row in bind_all(sqlx::query(sql), chunk)
        .fetch_all(store.pool())
        .await?
    {
        let case_number: i64 = row.try_get(0)?;
        if let Some(case) = facts.get_mut(&case_number) {
            put(&row, case)?;
        }
    }
    Ok(())
}

async fn read_holds(
    store: &SqlStore,
    chunk: &[i64],
    list: &str,
    facts: &mut HashMap<i64, CaseFactRows>,
) -> StoreResult<()> {
    let sql = format!(
        "SELECT case_number, id, kind, since, until, reason, placed_by, released_by FROM case_holds \
         WHERE case_number IN ({list}) ORDER BY case_number, id"
    );
    each_row(store, &sql, chunk, facts, |row, case| {
        case.holds.push(HoldRow {
            id: row.try_get(1)?,
            kind: row.try_get(2)?,
            since: row.try_get(3)?,
            until: row.try_get(4)?,
            reason: row.try_get(5)?,
            placed_by: row.try_get(6)?,
            released_by: row.try_get(7)?,
        });
        Ok(())
    })
    .await
}

async fn read_contacts(
    store: &SqlStore,
    chunk: &[i64],
    list: &str,
    facts: &mut HashMap<i64, CaseFactRows>,
) -> StoreResult<()> {
    // The newest attempts per case, bounded; shown and decided on oldest first.
    let sql = format!(
        "SELECT case_number, at_ms, channel, purpose, outcome, actor FROM ( \
         SELECT k.*, ROW_NUMBER() OVER (PARTITION BY case_number ORDER BY at_ms DESC, id DESC) AS newest \
         FROM case_contacts k WHERE case_number IN ({list})) ranked \
         WHERE newest <= {CONTACTS_PER_SNAPSHOT_MAX} ORDER BY case_number, at_ms, newest DESC"
    );
    each_row(store, &sql, chunk, facts, |row, case| {
        case.contacts.push(ContactRow {
            at_ms: row.try_get(1)?,
            channel: row.try_get(2)?,
            purpose: row.try_get(3)?,
            outcome: row.try_get(4)?,
            actor: row.try_get(5)?,
        });
        Ok(())
    })
    .await
}

async fn read_charges(
    store: &SqlStore,
    chunk: &[i64],
    list: &str,
    facts: &mut HashMap<i64, CaseFactRows>,
) -> StoreResult<()> {
    let sql = format!(
        "SELECT case_number, kind, amount_minor, currency, at_ms, posting_id FROM case_charges \
         WHERE case_number IN ({list}) ORDER BY case_number, at_ms, id"
    );
    each_row(store, &sql, chunk, facts, |row, case| {
        case.charges.push(ChargeRow {
            kind: row.try_get(1)?,
            amount_minor: row.try_get(2)?,
            currency: row.try_get(3)?,
            at_ms: row.try_get(4)?,
            posting_id: row.try_get(5)?,
        });
        Ok(())
    })
    .await
}

/// What each payment (and each correction of one) did to a case's principal, by booking day,
/// read from the lines of the postings its bank entries made.
async fn read_principal_changes(
    store: &SqlStore,
    chunk: &[i64],
    list: &str,
    facts: &mut HashMap<i64, CaseFactRows>,
) -> StoreResult<()> {
    let sql = format!(
        "SELECT e.case_number, e.booking_date, e.imported_at_ms, p.lines FROM bank_entries e \
         JOIN postings p ON p.id = e.posting_id WHERE e.case_number IN ({list}) \
         ORDER BY e.case_number, e.booking_date, p.id"
    );
    each_row(store, &sql, chunk, facts, |row, case| {
        let booked: Option<String> = row.try_get(1)?;
        let imported_at_ms: i64 = row.try_get(2)?;
        let day = booked.unwrap_or_else(|| day_of(imported_at_ms));
        let lines = row.try_get::<String, _>(3)?;
        let received = received_by_case(&lines, case.case_number)?;
        if received != 0 {
            case.received.push((day.clone(), received));
        }
        let change = principal_change(&lines, case.case_number)?;
        if change != 0 {
            case.principal_changes.push((day, change));
        }
        Ok(())
    })
    .await?;
    read_assigned_payments(store, chunk, list, facts).await?;
    for case in facts.values_mut() {
        case.principal_changes.sort();
        case.received.sort();
    }
    Ok(())
}

/// Payments that waited in the unmatched queue until an agent assigned them to a case count
/// from their booking day, like a matched payment: a principal change, and the case's latest
/// payment if it is the latest.
async fn read_assigned_payments(
    store: &SqlStore,
    chunk: &[i64],
    list: &str,
    facts: &mut HashMap<i64, CaseFactRows>,
) -> StoreResult<()> {
    let sql = format!(
        "SELECT r.case_number, e.booking_date, e.imported_at_ms, p.lines FROM unmatched_resolutions r \
         JOIN bank_entries e ON e.account_iban = r.account_iban AND e.bank_reference = r.bank_reference \
         JOIN postings p ON p.id = r.posting_id \
         WHERE r.case_number IN ({list}) AND r.resolution = 'assigned'"
    );
    each_row(store, &sql, chunk, facts, |row, case| {
        let booked: Option<String> = row.try_get(1)?;
        let imported_at_ms: i64 = row.try_get(2)?;
        let day = booked.unwrap_or_else(|| day_of(imported_at_ms));
        if case.last_payment_on.as_ref().is_none_or(|last| *last < day) {
            case.last_payment_on = Some(day.clone());
        }
        let lines = row.try_get::<String, _>(3)?;
        let received = received_by_case(&lines, case.case_number)?;
        if received != 0 {
            case.received.push((day.clone(), received));
        }
        let change = principal_change(&lines, case.case_number)?;
        if change != 0 {
            case.principal_changes.push((day, change));
        }
        Ok(())
    })
    .await
}

/// What a posting's lines (as `postings.lines` keeps them) do to a case's principal.
fn principal_change(lines: &str, case_number: i64) -> StoreResult<i64> {
    let principal_account = format!("receivable:{case_number}:principal");
    crate::ledger::parse_lines(lines)
        .map_err(|error| StoreError::Corrupt(format!("posting lines: {error}")))?
        .iter()
        .filter(|line| line.account == principal_account)
        .try_fold(0_i64, |sum, line| sum.checked_add(line.amount_minor))
        .ok_or_else(|| StoreError::Corrupt("a posting's principal lines overflow".into()))
}

/// What a posting's lines took off everything the case owes (its `receivable:<case>:*`
/// accounts): positive for a payment, negative for a payment returned.
fn received_by_case(lines: &str, case_number: i64) -> StoreResult<i64> {
    let prefix = format!("receivable:{case_number}:");
    crate::ledger::parse_lines(lines)
        .map_err(|error| StoreError::Corrupt(format!("posting lines: {error}")))?
        .iter()
        .filter(|line| line.account.starts_with(&prefix))
        .try_fold(0_i64, |sum, line| sum.checked_sub(line.amount_minor))
        .ok_or_else(|| StoreError::Corrupt("a posting's receivable lines overflow".into()))
}

/// The UTC day of an instant, YYYY-MM-DD.
fn day_of(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map_or_else(String::new, |at| at.date_naive().to_string())
}

/// Applies one change to a case's facts, journaled, in one transaction; moves its version.
pub(crate) async fn change(
    store: &SqlStore,
    case_number: i64,
    change: &FactChange,
    actor: &str,
    at_ms: i64,
) -> StoreResult<FactChanged> {
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::MAIN)).await?;
    let exists = sqlx::query("SELECT 1 FROM cases WHERE case_number = $1")
        .bind(case_number)
        .fetch_optional(&mut *transaction)
        .await?;
    if exists.is_none() {
        return Err(StoreError::NotFound(format!(
            "no case number {case_number}"
        )));
    }
    let (changed, hold_id) = apply(&mut transaction, case_number, change, actor, at_ms).await?;
    if !changed {
        transaction.rollback().await?;
        let version = current_version(store, case_number).await?;
        return Ok(FactChanged {
            version,
            hold_id,
            changed,
        });
    }
    let version = bump_version(&mut transaction, case_number, store.backend()).await?;
    let entry = NewJournalEntry {
        at_ms,
        actor: actor.to_owned(),
        kind: change.journal_kind().into(),
        subject: format!("case:{case_number}"),
        payload: payload(change, hold_id, version),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(FactChanged {
        version,
        hold_id,
        changed,
    })
}

fn payload(change: &FactChange, hold_id: Option<i64>, version: i64) -> String {
    let body = match change {
        FactChange::PlaceHold {
            kind,
            since,
            until,
            reason,
        } => {
            serde_json::json!({"hold_id": hold_id, "kind": kind, "since": since, "until": until, "reason": reason})
        }
        FactChange::ReleaseHold {
            hold_id,
            on,
            reason,
        } => serde_json::json!({"hold_id": hold_id, "released_on": on, "reason": reason}),
        FactChange::RefuseChannel { channel } => serde_json::json!({"channel": channel}),
        FactChange::Vulnerable { review_on } => serde_json::json!({"review_on": review_on}),
        FactChange::NotVulnerable => serde_json::json!({}),
        FactChange::Jurisdiction { code } => serde_json::json!({"jurisdiction": code}),
        FactChange::Interruption { on, kind, note } => {
            serde_json::json!({"on": on, "kind": kind, "note": note})
        }
    };
    serde_json::json!({"change": body, "version": version}).to_string()
}

/// Writes the change; says whether anything changed and which hold was placed.
async fn apply(
    transaction: &mut Tx,
    case_number: i64,
    change: &FactChange,
    actor: &str,
    at_ms: i64,
) -> StoreResult<(bool, Option<i64>)> {
    match change {
        FactChange::PlaceHold {
            kind,
            since,
            until,
            reason,
        } => {
            let row = sqlx::query(
                "INSERT INTO case_holds (case_number, kind, since, until, reason, placed_by, placed_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(case_number)
            .bind(kind)
            .bind(since)
            .bind(until.clone())
            .bind(reason)
            .bind(actor)
            .bind(at_ms)
            .fetch_one(&mut **transaction)
            .await?;
            Ok((true, Some(row.try_get(0)?)))
        }
        FactChange::ReleaseHold {
            hold_id,
            on,
            reason,
        } => release_hold(transaction, case_number, *hold_id, on, reason, actor, at_ms).await,
        FactChange::RefuseChannel { channel } => {
            refuse_channel(transaction, case_number, channel).await
        }
        FactChange::Vulnerable { review_on } => {
            set_flags(
                transaction,
                case_number,
                "vulnerable = 1, vulnerability_review_on = $2",
                Some(review_on),
            )
            .await
        }
        FactChange::NotVulnerable => {
            set_flags(
                transaction,
                case_number,
                "vulnerable = 0, vulnerability_review_on = $2",
                None,
            )
            .await
        }
        FactChange::Jurisdiction { code } => {
            set_flags(transaction, case_number, "jurisdiction = $2", Some(code)).await
        }
        FactChange::Interruption { on, kind, note } => {
            sqlx::query(
                "INSERT INTO case_interruptions (case_number, on_date, kind, note, recorded_by, recorded_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(case_number)
            .bind(on)
            .bind(kind)
            .bind(note)
            .bind(actor)
            .bind(at_ms)
            .execute(&mut **transaction)
            .await?;
            Ok((true, None))
        }
    }
}

/// Ends a hold the day before `on`. A hold already ended before `on` is left as it is.
async fn release_hold(
    transaction: &mut Tx,
    case_number: i64,
    hold_id: i64,
    on: &str,
    reason: &str,
    actor: &str,
    at_ms: i64,
) -> StoreResult<(bool, Option<i64>)> {
    let row = sqlx::query("SELECT id, until FROM case_holds WHERE id = $1 AND case_number = $2")
        .bind(hold_id)
        .bind(case_number)
        .fetch_optional(&mut **transaction)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("case {case_number} has no hold {hold_id}")))?;
    let until: Option<String> = row.try_get(1)?;
    if until.as_deref().is_some_and(|until| until < on) {
        return Ok((false, Some(hold_id)));
    }
    // A hold released on or before its first day ends before it starts: it never applies.
    let last_day = day_before(on)?;
    sqlx::query(
        "UPDATE case_holds SET until = $1, released_by = $2, released_at_ms = $3, release_reason = $4 \
         WHERE id = $5",
    )
    .bind(last_day)
    .bind(actor)
    .bind(at_ms)
    .bind(reason)
    .bind(hold_id)
    .execute(&mut **transaction)
    .await?;
    Ok((true, Some(hold_id)))
}

/// The day before a YYYY-MM-DD date.
fn day_before(date: &str) -> StoreResult<String> {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.pred_opt())
        .map(|day| day.to_string())
        .ok_or_else(|| StoreError::Conflict(format!("'{date}' is not a date (YYYY-MM-DD)")))
}

async fn refuse_channel(
    transaction: &mut Tx,
    case_number: i64,
    channel: &str,
) -> StoreResult<(bool, Option<i64>)> {
    let row = sqlx::query("SELECT channels_refused FROM case_flags WHERE case_number = $1")
        .bind(case_number)
        .fetch_optional(&mut **transaction)
        .await?;
    let refused: String = match row {
        Some(row) => row.try_get(0)?,
        None => String::new(),
    };
    let mut channels: Vec<&str> = refused.split(',').filter(|c| !c.is_empty()).collect();
    if channels.contains(&channel) {
        return Ok((false, None));
    }
    channels.push(channel);
    channels.sort_unstable();
    let joined = channels.join(",");
    set_flags(
        transaction,
        case_number,
        "channels_refused = $2",
        Some(&joined),
    )
    .await
}

/// Sets flag columns (`assignments` uses `$2` for `value`), creating the case's flag row.
async fn set_flags(
    transaction: &mut Tx,
    case_number: i64,
    assignments: &str,
    value: Option<&String>,
) -> StoreResult<(bool, Option<i64>)> {
    sqlx::query(
        "INSERT INTO case_flags (case_number) VALUES ($1) ON CONFLICT (case_number) DO NOTHING",
    )
    .bind(case_number)
    .execute(&mut **transaction)
    .await?;
    sqlx::query(&format!(
        "UPDATE case_flags SET {assignments} WHERE case_number = $1"
    ))
    .bind(case_number)
    .bind(value.cloned())
    .execute(&mut **transaction)
    .await?;
    Ok((true, None))
}

/// The decisions recorded on a case, oldest first.
pub(crate) async fn decisions(
    store: &SqlStore,
    case_number: i64,
) -> StoreResult<Vec<crate::models::DecisionRow>> {
    let rows = sqlx::query(
        "SELECT d.decision_id, d.at_ms, d.actor, d.version, d.executed, d.posting_id, j.payload \
         FROM case_decisions d JOIN journal j ON j.seq = d.journal_seq \
         WHERE d.case_number = $1 ORDER BY d.at_ms, d.decision_id",
    )
    .bind(case_number)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let payload: String = row.try_get(6)?;
            let decision = serde_json::from_str::<serde_json::Value>(&payload)
                .ok()
                .and_then(|value| value.get("decision").map(ToString::to_string))
                .ok_or_else(|| {
                    StoreError::Corrupt("a decision's journal entry holds no decision".into())
                })?;
            Ok(crate::models::DecisionRow {
                decision_id: row.try_get(0)?,
                at_ms: row.try_get(1)?,
                actor: row.try_get(2)?,
                version: row.try_get(3)?,
                executed: row.try_get::<i64, _>(4)? == 1,
                posting_id: row.try_get(5)?,
                decision,
            })
        })
        .collect()
}

/// Moves the case's version on; returns the new one.
pub(crate) async fn bump_version(
    transaction: &mut Tx,
    case_number: i64,
    backend: Backend,
) -> StoreResult<i64> {
    let _ = backend;
    let row = sqlx::query(
        "UPDATE case_balances SET version = version + 1 WHERE case_number = $1 RETURNING version",
    )
    .bind(case_number)
    .fetch_optional(&mut **transaction)
    .await?;
    match row {
        Some(row) => Ok(row.try_get(0)?),
        None => Err(StoreError::Conflict(format!(
            "case {case_number} has no balances yet"
        ))),
    }
}

async fn current_version(store: &SqlStore, case_number: i64) -> StoreResult<i64> {
    let row = sqlx::query("SELECT version FROM case_balances WHERE case_number = $1")
        .bind(case_number)
        .fetch_optional(store.pool())
        .await?;
    Ok(match row {
        Some(row) => row.try_get(0)?,
        None => 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_civil_dates() {
        assert_eq!(day_of(0), "1970-01-01");
        assert_eq!(day_of(951_782_400_000), "2000-02-29");
        assert_eq!(day_of(-86_400_000), "1969-12-31");
    }

    #[test]
    fn the_day_before_crosses_months_years_and_leap_days() {
        assert_eq!(day_before("2024-03-01").ok(), Some("2024-02-29".to_owned()));
        assert_eq!(day_before("2023-03-01").ok(), Some("2023-02-28".to_owned()));
        assert_eq!(day_before("2026-01-01").ok(), Some("2025-12-31".to_owned()));
        assert!(day_before("2026-13").is_err());
    }
}
