//! Ledger postings in the store: written append-only with their account balances in one
//! transaction, and checked end to end by `check_ledger`.

use std::collections::BTreeMap;
use std::fmt::Write;

use sha2::{Digest, Sha256};
use sqlx::Row;

use reilu_ledger::Component;

use reilu_vault::JournalKey;

use crate::models::{NewJournalEntry, NewPosting, PostOutcome, PostingEntryRow};
use crate::row_seals::PostingRow;
use crate::sql::{BoundStatement, execute_all};
use crate::{Backend, SqlStore, StoreError, StoreResult, journal};

/// SHA-256 over a posting's entries in line order; stored with the posting so that an entry
/// changed behind the database's back (the triggers stop it through SQL) is found.
pub fn entries_hash(entries: &[PostingEntryRow]) -> String {
    let mut hasher = Sha256::new();
    let mut amount = String::with_capacity(20);
    for entry in entries {
        amount.clear();
        // Writing an integer into a String cannot fail.
        let _ = write!(amount, "{}", entry.amount_minor);
        for field in [
            entry.account.as_str(),
            entry.currency.as_str(),
            amount.as_str(),
        ] {
            hasher.update((field.len() as u64).to_be_bytes());
            hasher.update(field.as_bytes());
        }
    }
    hex::encode(hasher.finalize())
}

/// Entries of one posting balance per currency (the write path's assertion; the read path
/// repeats it in `check_ledger`).
pub(crate) fn balanced(entries: &[PostingEntryRow]) -> bool {
    let mut sums: BTreeMap<&str, i128> = BTreeMap::new();
    for entry in entries {
        *sums.entry(entry.currency.as_str()).or_insert(0) += i128::from(entry.amount_minor);
    }
    entries.len() >= 2
        && sums.values().all(|sum| *sum == 0)
        && entries.iter().all(|entry| entry.amount_minor != 0)
}

pub(crate) async fn post(store: &SqlStore, posting: &NewPosting) -> StoreResult<PostOutcome> {
    // Charges on a customer are written only by the executor of the gate's decisions.
    let charge = [
        reilu_ledger::PostingKind::FeeCharged,
        reilu_ledger::PostingKind::InterestAccrued,
    ]
    .iter()
    .any(|kind| kind.as_str() == posting.kind);
    if charge {
        return Err(StoreError::Conflict(format!(
            "a {} posting is written only by the gate's executor",
            posting.kind
        )));
    }
    if !balanced(&posting.entries) {
        return Err(StoreError::Conflict(format!(
            "posting '{}' does not balance",
            posting.description
        )));
    }
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::MAIN)).await?;
    if let Some(key) = &posting.idempotency_key {
        let earlier = sqlx::query("SELECT id FROM postings WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(&mut *transaction)
            .await?;
        if let Some(row) = earlier {
            transaction.rollback().await?;
            return Ok(PostOutcome::AlreadyPosted {
                posting_id: row.try_get(0)?,
            });
        }
    }
    let posting_id = write_posting(
        &mut transaction,
        posting,
        store.backend(),
        store.keyring().key(),
    )
    .await?;
    let payload = serde_json::json!({ "posting_id": posting_id, "kind": posting.kind, "corrects": posting.corrects });
    let entry = NewJournalEntry {
        at_ms: posting.at_ms,
        actor: posting.actor.clone(),
        kind: "ledger.posted".into(),
        subject: format!("posting:{posting_id}"),
        payload: payload.to_string(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(PostOutcome::Posted { posting_id })
}

/// Writes a posting, its lines and the account balances inside the caller's transaction
/// (which has taken the journal's slot, so writes are serialised); returns its id.
pub(crate) async fn write_posting(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    posting: &NewPosting,
    backend: Backend,
    key: &JournalKey,
) -> StoreResult<i64> {
    let ids = write_postings(transaction, std::slice::from_ref(posting), backend, key).await?;
    ids.first()
        .copied()
        .ok_or_else(|| StoreError::Corrupt("a written posting has no id".into()))
}

/// What writing a posting needs besides the posting: its lines as `postings.lines` keeps
/// them and their hash, made once it is checked to balance. The payments import seals its
/// postings while it plans, on another thread than the one that writes.
#[derive(Debug, Clone)]
pub(crate) struct Seal {
    lines: String,
    sha256: String,
}

impl Seal {
    pub(crate) fn of(posting: &NewPosting) -> StoreResult<Self> {
        if !balanced(&posting.entries) {
            return Err(StoreError::Conflict(format!(
                "posting '{}' does not balance",
                posting.description
            )));
        }
        Ok(Seal {
            lines: lines_json(&posting.entries)?,
            sha256: entries_hash(&posting.entries),
        })
    }
}

/// A posting with its seal, as the payments import's planner hands it to the writer.
#[derive(Debug, Clone)]
pub(crate) struct SealedPosting {
    pub(crate) posting: NewPosting,
    pub(crate) seal: Seal,
}

impl SealedPosting {
    pub(crate) fn seal(posting: NewPosting) -> StoreResult<Self> {
        Ok(SealedPosting {
            seal: Seal::of(&posting)?,
            posting,
        })
    }
}

/// Writes many postings at once inside the caller's transaction; see [`write_sealed`].
pub(crate) async fn write_postings(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    postings: &[NewPosting],
    backend: Backend,
    key: &JournalKey,
) -> StoreResult<Vec<i64>> {
    let seals = postings
        .iter()
        .map(Seal::of)
        .collect::<StoreResult<Vec<_>>>()?;
    let sealed: Vec<(&NewPosting, &Seal)> = postings.iter().zip(&seals).collect();
    write_sealed(transaction, &sealed, backend, key).await
}

/// Writes sealed postings inside the caller's transaction: one counter update for all their
/// ids, then the statements of [`posting_statements`]. Returns the ids in the order given.
pub(crate) async fn write_sealed(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    postings: &[(&NewPosting, &Seal)],
    backend: Backend,
    key: &JournalKey,
) -> StoreResult<Vec<i64>> {
    if postings.is_empty() {
        return Ok(Vec::new());
    }
    let first_id = take_posting_ids(transaction, backend, postings.len()).await?;
    execute_all(
        transaction,
        posting_statements(postings, first_id, backend, key, None)?,
    )
    .await?;
    Ok((first_id..).take(postings.len()).collect())
}

/// Takes `count` posting ids inside the caller's transaction (which holds the main chain's
/// head, so nobody else takes posting ids until it ends); returns the first.
pub(crate) async fn take_posting_ids(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    count: usize,
) -> StoreResult<i64> {
    Ok(crate::ids::take_ids(transaction, backend, "posting", count)
        .await?
        .start)
}

/// The statements that write sealed postings with ids from `first_id` on: multi-row inserts
/// for the postings (with their lines) and for the lines of accounts with statements, and
/// each account's balance updated once with the sum of its lines. Each posting carries its
/// tag under the journal key (see `row_seals`). Pure, so the payments import builds them
/// while it plans. With `versions`, a case listed there has its balances changed only while
/// it is still at that version (the payments import plans from what it read before, in a
/// transaction of its own: a case changed meanwhile fails the chunk).
pub(crate) fn posting_statements(
    postings: &[(&NewPosting, &Seal)],
    first_id: i64,
    backend: Backend,
    key: &JournalKey,
    versions: Option<&std::collections::HashMap<i64, i64>>,
) -> StoreResult<Vec<BoundStatement>> {
    let ids: Vec<i64> = (first_id..).take(postings.len()).collect();
    let mut statements = Vec::new();
    for (chunk, chunk_ids) in postings
        .chunks(ROWS_PER_STATEMENT)
        .zip(ids.chunks(ROWS_PER_STATEMENT))
    {
        let mut statement = BoundStatement::new(format!(
            "INSERT INTO postings (id, kind, at_ms, corrects, idempotency_key, description, lines, entries_sha256, mac) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 9)
        ));
        for ((posting, seal), id) in chunk.iter().zip(chunk_ids) {
            let tag = PostingRow {
                id: *id,
                kind: posting.kind.clone(),
                at_ms: posting.at_ms,
                corrects: posting.corrects,
                idempotency_key: posting.idempotency_key.clone(),
                description: posting.description.clone(),
                entries_sha256: seal.sha256.clone(),
            }
            .tag(key);
            statement
                .bind(*id)
                .bind(posting.kind.clone())
                .bind(posting.at_ms)
                .bind(posting.corrects)
                .bind(posting.idempotency_key.clone())
                .bind(posting.description.clone())
                .bind(seal.lines.clone())
                .bind(seal.sha256.clone())
                .bind(tag);
        }
        statements.push(statement);
    }
    let with_ids: Vec<(i64, &[PostingEntryRow])> = ids
        .iter()
        .zip(postings)
        .map(|(id, (posting, _))| (*id, posting.entries.as_slice()))
        .collect();
    statements.extend(account_line_statements(&with_ids, backend)?);
    let all_entries: Vec<&PostingEntryRow> = postings
        .iter()
        .flat_map(|(posting, _)| posting.entries.iter())
        .collect();
    statements.extend(balance_statements(&all_entries, backend, versions)?);
    Ok(statements)
}

/// Rows per multi-row statement; see the intake's ROWS_PER_STATEMENT for why.
const ROWS_PER_STATEMENT: usize = 500;

/// Whether an account's lines are also kept by account, for its statement: every account
/// but a case's receivables and a client's memorandum claims, which are most of the lines
/// (every claim placed writes both) and are only ever read by posting.
pub(crate) fn has_statement(account: &str) -> bool {
    !account.starts_with("receivable:") && !account.starts_with("client_claims:")
}

/// A posting's lines as `postings.lines` keeps them: a JSON array of
/// `[account, currency, amount_minor]`, in line order.
pub(crate) fn lines_json(entries: &[PostingEntryRow]) -> StoreResult<String> {
    let lines: Vec<(&str, &str, i64)> = entries
        .iter()
        .map(|entry| {
            (
                entry.account.as_str(),
                entry.currency.as_str(),
                entry.amount_minor,
            )
        })
        .collect();
    serde_json::to_string(&lines).map_err(|error| StoreError::Corrupt(error.to_string()))
}

/// The lines of `postings.lines` back as entries.
pub(crate) fn parse_lines(text: &str) -> Result<Vec<PostingEntryRow>, serde_json::Error> {
    let lines: Vec<(String, String, i64)> = serde_json::from_str(text)?;
    Ok(lines
        .into_iter()
        .map(|(account, currency, amount_minor)| PostingEntryRow {
            account,
            currency,
            amount_minor,
        })
        .collect())
}

/// The lines of accounts with statements, keyed by account (the posting's line number kept),
/// for postings given with their ids.
pub(crate) fn account_line_statements(
    postings: &[(i64, &[PostingEntryRow])],
    backend: Backend,
) -> StoreResult<Vec<BoundStatement>> {
    let mut lines: Vec<(i64, i64, &PostingEntryRow)> = Vec::new();
    for (id, entries) in postings {
        for (line, entry) in entries.iter().enumerate() {
            if has_statement(&entry.account) {
                let line = i64::try_from(line).map_err(|_| StoreError::Corrupt("line".into()))?;
                lines.push((*id, line, entry));
            }
        }
    }
    let mut statements = Vec::new();
    for chunk in lines.chunks(ROWS_PER_STATEMENT) {
        let mut statement = BoundStatement::new(format!(
            "INSERT INTO account_lines (account, posting_id, line, currency, amount_minor) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 5)
        ));
        for (id, line, entry) in chunk {
            statement
                .bind(entry.account.clone())
                .bind(*id)
                .bind(*line)
                .bind(entry.currency.clone())
                .bind(entry.amount_minor);
        }
        statements.push(statement);
    }
    Ok(statements)
}

/// Adds the entries to the kept balances: a case's receivables to its row of
/// `case_balances`, every other account to its row of `account_balances` (one row per
/// account and currency, summed first: PostgreSQL refuses to update one row twice in a
/// statement).
fn balance_statements(
    entries: &[&PostingEntryRow],
    backend: Backend,
    versions: Option<&std::collections::HashMap<i64, i64>>,
) -> StoreResult<Vec<BoundStatement>> {
    let mut sums: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    let mut cases: BTreeMap<i64, CaseDelta<'_>> = BTreeMap::new();
    for entry in entries {
        if let Some((case_number, component)) = receivable(&entry.account) {
            let delta = cases.entry(case_number).or_insert(CaseDelta {
                currency: entry.currency.as_str(),
                minor: [0; 4],
            });
            if delta.currency != entry.currency {
                return Err(StoreError::Conflict(format!(
                    "case {case_number} has receivables in {} and {}",
                    delta.currency, entry.currency
                )));
            }
            add(
                &mut delta.minor[component_index(component)],
                entry.amount_minor,
            )?;
        } else {
            let sum = sums
                .entry((entry.account.as_str(), entry.currency.as_str()))
                .or_insert(0);
            add(sum, entry.amount_minor)?;
        }
    }
    let sums: Vec<((&str, &str), i64)> = sums.into_iter().collect();
    let mut statements = Vec::new();
    for chunk in sums.chunks(ROWS_PER_STATEMENT) {
        let mut statement = BoundStatement::new(format!(
            "INSERT INTO account_balances (account, currency, balance_minor) VALUES {} \
             ON CONFLICT (account, currency) DO UPDATE SET balance_minor = account_balances.balance_minor + excluded.balance_minor",
            crate::sql::value_rows(backend, chunk.len(), 3)
        ));
        for ((account, currency), amount_minor) in chunk {
            statement
                .bind((*account).to_owned())
                .bind((*currency).to_owned())
                .bind(*amount_minor);
        }
        statements.push(statement);
    }
    let (guarded, plain): (BTreeMap<i64, CaseDelta<'_>>, BTreeMap<i64, CaseDelta<'_>>) = cases
        .into_iter()
        .partition(|(case_number, _)| versions.is_some_and(|v| v.contains_key(case_number)));
    statements.extend(case_balance_statements(&plain, backend));
    if let Some(versions) = versions {
        statements.extend(guarded_case_balance_statements(&guarded, versions, backend));
    }
    Ok(statements)
}

/// How one posting batch changes a case's receivables, by component in `Component::ALL` order.
struct CaseDelta<'a> {
    currency: &'a str,
    minor: [i64; 4],
}

fn add(sum: &mut i64, amount_minor: i64) -> StoreResult<()> {
    *sum = sum
        .checked_add(amount_minor)
        .ok_or_else(|| StoreError::Corrupt("balance overflow".into()))?;
    Ok(())
}

/// The case and component of a receivable account code, None for every other account.
pub(crate) fn receivable(account: &str) -> Option<(i64, Component)> {
    let rest = account.strip_prefix("receivable:")?;
    let (case_number, component) = rest.split_once(':')?;
    Some((case_number.parse().ok()?, Component::parse(component)?))
}

pub(crate) fn component_index(component: Component) -> usize {
    Component::ALL
        .iter()
        .position(|candidate| *candidate == component)
        .unwrap_or(0)
}

/// `case_balances` columns in `Component::ALL` order.
pub(crate) const CASE_BALANCE_COLUMNS: [&str; 4] = [
    "principal_minor",
    "interest_minor",
    "collection_costs_minor",
    "creditor_fees_minor",
];

fn case_balance_statements(
    cases: &BTreeMap<i64, CaseDelta<'_>>,
    backend: Backend,
) -> Vec<BoundStatement> {
    let cases: Vec<(&i64, &CaseDelta<'_>)> = cases.iter().collect();
    // Every balance change moves the case's snapshot version, so a gate decision made
    // before it (on the old balance) is refused when it is carried out.
    let updates: Vec<String> = CASE_BALANCE_COLUMNS
        .iter()
        .map(|column| format!("{column} = case_balances.{column} + excluded.{column}"))
        .collect();
    let mut statements = Vec::new();
    for chunk in cases.chunks(ROWS_PER_STATEMENT) {
        // The currency condition makes a receivable in another currency than the case's
        // update nothing, which the expected row count turns into an error.
        let mut statement = BoundStatement::new(format!(
            "INSERT INTO case_balances (case_number, currency, {}) VALUES {} \
             ON CONFLICT (case_number) DO UPDATE SET {}, version = case_balances.version + 1 \
             WHERE case_balances.currency = excluded.currency",
            CASE_BALANCE_COLUMNS.join(", "),
            crate::sql::value_rows(backend, chunk.len(), 6),
            updates.join(", ")
        ));
        for (case_number, delta) in chunk {
            statement
                .bind(**case_number)
                .bind(delta.currency.to_owned());
            for amount_minor in delta.minor {
                statement.bind(amount_minor);
            }
        }
        statement.expecting_rows(
            chunk.len() as u64,
            "a receivable is in another currency than its case",
        );
        statements.push(statement);
    }
    statements
}

/// [`case_balance_statements`] for cases expected at a version: a case's row changes only
/// while it is at that version, and any other count of changed rows fails the statement.
fn guarded_case_balance_statements(
    cases: &BTreeMap<i64, CaseDelta<'_>>,
    versions: &std::collections::HashMap<i64, i64>,
    backend: Backend,
) -> Vec<BoundStatement> {
    let cases: Vec<(&i64, &CaseDelta<'_>)> = cases.iter().collect();
    let updates: Vec<String> = CASE_BALANCE_COLUMNS
        .iter()
        .map(|column| format!("{column} = case_balances.{column} + excluded.{column}"))
        .collect();
    let mut statements = Vec::new();
    for chunk in cases.chunks(ROWS_PER_STATEMENT) {
        let mut statement = BoundStatement::new(format!(
            "INSERT INTO case_balances (case_number, currency, {}, version) VALUES {} \
             ON CONFLICT (case_number) DO UPDATE SET {}, version = case_balances.version + 1 \
             WHERE case_balances.currency = excluded.currency AND case_balances.version = excluded.version",
            CASE_BALANCE_COLUMNS.join(", "),
            crate::sql::value_rows(backend, chunk.len(), 7),
            updates.join(", ")
        ));
        for (case_number, delta) in chunk {
            statement
                .bind(**case_number)
                .bind(delta.currency.to_owned());
            for amount_minor in delta.minor {
                statement.bind(amount_minor);
            }
            statement.bind(versions.get(*case_number).copied().unwrap_or(0));
        }
        statement.expecting_fresh_rows(
            chunk.len() as u64,
            "a case changed while the payments import planned its payment (or a receivable is in \
             another currency than its case); nothing of this chunk was written: run the import \
             again, it resumes",
        );
        statements.push(statement);
    }
    statements
}

/// Balances of accounts whose code starts with `prefix`, by currency. Receivables come from
/// `case_balances`, every other account from `account_balances`; a receivable is listed once
/// it has ever been written to, like the other accounts, even when it is back at zero.
pub(crate) async fn balances(
    store: &SqlStore,
    prefix: &str,
) -> StoreResult<Vec<(String, String, i64)>> {
    let mut found: Vec<(String, String, i64)> = Vec::new();
    if "receivable:".starts_with(prefix) || prefix.starts_with("receivable:") {
        found.extend(receivable_balances(store, prefix).await?);
    }
    let rows = sqlx::query("SELECT account, currency, balance_minor FROM account_balances WHERE account LIKE $1 ORDER BY account, currency")
        .bind(format!("{prefix}%"))
        .fetch_all(store.pool())
        .await?;
    for row in &rows {
        found.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?));
    }
    found.sort();
    Ok(found)
}

/// Receivable balances matching `prefix`: one case's row when the prefix names a case
/// (`receivable:<case>:…`), otherwise every case's (an operator's question, not a hot path).
async fn receivable_balances(
    store: &SqlStore,
    prefix: &str,
) -> StoreResult<Vec<(String, String, i64)>> {
    let one_case: Option<i64> = prefix
        .strip_prefix("receivable:")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(number, _)| number.parse().ok());
    let columns = CASE_BALANCE_COLUMNS.join(", ");
    let rows =
        match one_case {
            Some(case_number) => sqlx::query(&format!(
                "SELECT case_number, currency, {columns} FROM case_balances WHERE case_number = $1"
            ))
            .bind(case_number)
            .fetch_all(store.pool())
            .await?,
            None => sqlx::query(&format!(
                "SELECT case_number, currency, {columns} FROM case_balances ORDER BY case_number"
            ))
            .fetch_all(store.pool())
            .await?,
        };
    let mut found = Vec::new();
    for row in &rows {
        for (account, currency, balance_minor) in case_balance_accounts(row)? {
            if account.starts_with(prefix) {
                found.push((account, currency, balance_minor));
            }
        }
    }
    Ok(found)
}

/// One `case_balances` row (case, currency, four components) as four receivable accounts.
pub(crate) fn case_balance_accounts(
    row: &sqlx::any::AnyRow,
) -> StoreResult<Vec<(String, String, i64)>> {
    let case_number: i64 = row.try_get(0)?;
    let currency: String = row.try_get(1)?;
    let mut accounts = Vec::with_capacity(Component::ALL.len());
    for (index, component) in Component::ALL.iter().enumerate() {
        let balance_minor: i64 = row.try_get(2 + index)?;
        accounts.push((
            format!("receivable:{case_number}:{}", component.as_str()),
            currency.clone(),
            balance_minor,
        ));
    }
    Ok(accounts)
}

/// The entries of one posting in line order (none for a posting that does not exist).
pub(crate) async fn posting_entries<'c, E>(
    executor: E,
    posting_id: i64,
) -> StoreResult<Vec<PostingEntryRow>>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT lines FROM postings WHERE id = $1")
        .bind(posting_id)
        .fetch_optional(executor)
        .await?;
    let Some(row) = row else {
        return Ok(Vec::new());
    };
    let text: String = row.try_get(0)?;
    parse_lines(&text)
        .map_err(|error| StoreError::Corrupt(format!("posting {posting_id}'s lines: {error}")))
}

/// One account's entries in a period, with the balance before it.
pub(crate) async fn statement(
    store: &SqlStore,
    account: &str,
    from_ms: i64,
    to_ms: i64,
) -> StoreResult<crate::models::AccountStatement> {
    if !has_statement(account) {
        return Err(StoreError::Conflict(format!(
            "no statement is kept for {account}: receivables and claims are read by posting"
        )));
    }
    let opening = sqlx::query(
        "SELECT e.currency, CAST(SUM(e.amount_minor) AS BIGINT) FROM account_lines e JOIN postings p ON p.id = e.posting_id \
         WHERE e.account = $1 AND p.at_ms < $2 GROUP BY e.currency ORDER BY e.currency",
    )
    .bind(account)
    .bind(from_ms)
    .fetch_all(store.pool())
    .await?;
    let lines = sqlx::query(
        "SELECT p.at_ms, p.id, p.kind, p.description, e.currency, e.amount_minor FROM account_lines e \
         JOIN postings p ON p.id = e.posting_id WHERE e.account = $1 AND p.at_ms >= $2 AND p.at_ms < $3 ORDER BY e.posting_id, e.line",
    )
    .bind(account)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(store.pool())
    .await?;
    Ok(crate::models::AccountStatement {
        opening: opening
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<StoreResult<Vec<_>>>()?,
        lines: lines
            .iter()
            .map(|row| {
                Ok(crate::models::StatementLine {
                    at_ms: row.try_get(0)?,
                    posting_id: row.try_get(1)?,
                    kind: row.try_get(2)?,
                    description: row.try_get(3)?,
                    currency: row.try_get(4)?,
                    amount_minor: row.try_get(5)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?,
    })
}
