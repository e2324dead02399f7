//! Placing claims: customers, cases and claims written in one transaction per batch, with
//! the journal entry and (for the HTTP API) the idempotent answer.

use std::collections::{HashMap, HashSet};

use sqlx::{Any, Row, Transaction};

use crate::claim_terms::{CASE_CLAIM_TERMS, CaseClaimTerms};
use crate::models::*;
use crate::{Backend, SqlStore, StoreError, StoreResult, journal};

mod contacts;
mod limits;

/// Rows per multi-row INSERT. SQLite binds at most 32,766 parameters per statement and the
/// widest insert here has 15 columns; 500 rows stay far below that and amortise round trips.
const ROWS_PER_STATEMENT: usize = 500;
/// A batch larger than this is a caller's bug: intake streams files in smaller chunks.
pub const CLAIMS_PER_BATCH_MAX: usize = 20_000;

type Tx = Transaction<'static, Any>;

/// The merger for callers that do not update contact data (the store's own tests): every
/// stored record stays as it is.
pub(crate) fn keep_stored(_: &[ContactMerge<'_>]) -> StoreResult<Vec<ContactUpdate>> {
    Ok(Vec::new())
}

pub(crate) async fn place_claims(
    store: &SqlStore,
    batch: &ClaimBatch,
    idempotency: Option<&IdempotencyRequest>,
    respond: &(dyn Fn(&[Placement]) -> StoredResponse + Sync),
    merge: &MergeContacts<'_>,
) -> StoreResult<PlaceOutcome> {
    if batch.claims.len() > CLAIMS_PER_BATCH_MAX {
        return Err(StoreError::Conflict(format!(
            "a batch holds at most {CLAIMS_PER_BATCH_MAX} claims"
        )));
    }
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::MAIN)).await?;
    if let Some(request) = idempotency
        && let Some(earlier) =
            claim_idempotency_key(&mut transaction, &batch.client_id, request, batch.at_ms).await?
    {
        transaction.rollback().await?;
        return Ok(earlier);
    }
    let (placements, contact_events) =
        write_batch(&mut transaction, batch, store, store.keyring().key(), merge).await?;
    let accepted = placements
        .iter()
        .filter(|p| matches!(p, Placement::Accepted { .. }))
        .count();
    let payload = serde_json::json!({
        "source": batch.source,
        "accepted": accepted,
        "duplicates": placements.len() - accepted,
    });
    let entry = NewJournalEntry {
        at_ms: batch.at_ms,
        actor: batch.actor.clone(),
        kind: "claims.placed".into(),
        subject: format!("client:{}", batch.client_id),
        payload: payload.to_string(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    if !contact_events.is_empty() {
        let head = journal::lock_head(&mut transaction, store.journal(journal::MAIN)).await?;
        journal::write_many(&mut transaction, head, &contact_events, store.backend()).await?;
    }
    let response = match idempotency {
        Some(request) => Some(
            save_response(
                &mut transaction,
                &batch.client_id,
                request,
                respond(&placements),
            )
            .await?,
        ),
        None => None,
    };
    // Asked inside the transaction, so that no other connection is taken for it.
    let log = match store.backend() {
        Backend::Sqlite => log_path(&mut transaction).await,
        Backend::Postgres => None,
    };
    transaction.commit().await?;
    if let Some(log) = log {
        bound_log(store, &log).await;
    }
    Ok(PlaceOutcome::Placed {
        placements,
        response,
    })
}

/// The size past which the write-ahead log is cut back after a batch.
const LOG_BYTES_MAX: u64 = 256 * 1024 * 1024;

/// Keeps SQLite's write-ahead log bounded while claims are placed batch after batch.
///
/// The background checkpoint (every second, PASSIVE) copies the log into the database but
/// never restarts it: SQLite writes the log from its start again only when a writer begins
/// after every committed frame was copied, and an import that commits chunk after chunk
/// has always written more by the time the checkpoint ends. So the log grew with the file
/// (a 2 GB claim file left a 35 GB log). Between two batches this writer is not writing:
/// once the log is larger than [`LOG_BYTES_MAX`], a RESTART checkpoint copies the rest and
/// makes the next batch write the log from its start, and `journal_size_limit` then cuts
/// the file back to 64 MiB. The checkpoint waits at most a second for readers and other
/// writers (a long `reilu check`, a payments import): a busy store keeps its log a little
/// longer rather than holding this import up, and the next batch tries again.
async fn bound_log(store: &SqlStore, log_path: &std::path::Path) {
    let log_bytes = std::fs::metadata(log_path).map_or(0, |metadata| metadata.len());
    if log_bytes <= LOG_BYTES_MAX {
        return;
    }
    let Ok(mut connection) = store.pool().acquire().await else {
        return;
    };
    // The pool's connections wait 30 s for a lock; this one waits a second, then gives up.
    let mut outcome = Ok(());
    for pragma in [
        "PRAGMA busy_timeout = 1000",
        "PRAGMA wal_checkpoint(RESTART)",
        "PRAGMA busy_timeout = 30000",
    ] {
        if let Err(error) = sqlx::query(pragma).execute(&mut *connection).await {
            outcome = Err(error);
            break;
        }
    }
    if let Err(error) = outcome {
        tracing::warn!(%error, "cutting back the write-ahead log failed; the next batch retries");
        // A connection that may have kept the short timeout is not returned to the pool.
        let _ = connection.detach();
    }
}

/// The SQLite database's write-ahead log file; None for an in-memory database.
async fn log_path(transaction: &mut Tx) -> Option<std::path::PathBuf> {
    let row = sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .fetch_optional(&mut **transaction)
        .await
        .ok()??;
    let file: String = row.try_get(0).ok()?;
    (!file.is_empty()).then(|| std::path::PathBuf::from(format!("{file}-wal")))
}

/// Records the key as taken. Returns what to answer instead if it was taken before.
async fn claim_idempotency_key(
    transaction: &mut Tx,
    client_id: &str,
    request: &IdempotencyRequest,
    at_ms: i64,
) -> StoreResult<Option<PlaceOutcome>> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency (client_id, idempotency_key, request_hash, created_at_ms) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(client_id)
    .bind(&request.key)
    .bind(&request.request_hash)
    .bind(at_ms)
    .execute(&mut **transaction)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT request_hash, response_status, response_body FROM idempotency \
         WHERE client_id = $1 AND idempotency_key = $2",
    )
    .bind(client_id)
    .bind(&request.key)
    .fetch_one(&mut **transaction)
    .await?;
    let request_hash: String = row.try_get(0)?;
    let status: Option<i64> = row.try_get(1)?;
    let body: Option<String> = row.try_get(2)?;
    if request_hash != request.request_hash {
        return Ok(Some(PlaceOutcome::KeyReused));
    }
    Ok(Some(match (status, body) {
        (Some(status), Some(body)) => {
            let status =
                u16::try_from(status).map_err(|_| StoreError::Corrupt("stored status".into()))?;
            PlaceOutcome::Replayed(StoredResponse { status, body })
        }
        _ => PlaceOutcome::InFlight,
    }))
}

async fn save_response(
    transaction: &mut Tx,
    client_id: &str,
    request: &IdempotencyRequest,
    response: StoredResponse,
) -> StoreResult<StoredResponse> {
    sqlx::query(
        "UPDATE idempotency SET response_status = $1, response_body = $2 \
         WHERE client_id = $3 AND idempotency_key = $4",
    )
    .bind(i64::from(response.status))
    .bind(&response.body)
    .bind(client_id)
    .bind(&request.key)
    .execute(&mut **transaction)
    .await?;
    Ok(response)
}

/// Writes what is new in the batch and says per claim what happened.
///
/// The limits of [`reilu_core::limits`] are checked here, inside the placing transaction:
/// it holds the journal's slot (taken first, in `place_claims`), so no other batch writes a
/// balance between the reading and the writing, and two batches cannot pass a limit
/// together. They are checked twice, so that no customer or case is created for a claim
/// that is then refused: first before anything is written, with every case counted from
/// the batch alone (a case that exists already owes at least that), then once the batch's
/// cases are known, with the stored balances of those that existed.
///
/// Customers named by a placed claim get the claim's newer contact data (`contacts`), and the
/// events saying so are returned for the journal.
async fn write_batch(
    transaction: &mut Tx,
    batch: &ClaimBatch,
    store: &SqlStore,
    key: &reilu_vault::JournalKey,
    merge: &MergeContacts<'_>,
) -> StoreResult<(Vec<Placement>, Vec<NewJournalEntry>)> {
    let backend = store.backend();
    let earlier = existing_claims(transaction, batch, backend).await?;
    // Claims to write: not placed before and, within the batch, the first with its reference.
    let mut seen: HashSet<&str> = HashSet::new();
    let candidates: Vec<&NewClaim> = batch
        .claims
        .iter()
        .filter(|claim| !earlier.contains_key(&claim.client_claim_ref))
        .filter(|claim| seen.insert(claim.client_claim_ref.as_str()))
        .collect();
    let client_owed = client_outstanding(transaction, &batch.client_id).await?;
    let mut refused = limits::judge(&candidates, &client_owed, |claim| {
        Ok((claim.customer.national_id_index.clone(), 0))
    })?;
    let mut fresh: Vec<&NewClaim> = without(&candidates, &refused);
    let (customer_ids, existed_customers) =
        ensure_customers(transaction, &fresh, batch.at_ms, backend).await?;
    let (cases, existed) = ensure_cases(transaction, batch, &fresh, &customer_ids, backend).await?;
    if !existed.is_empty() {
        let stored = case_outstanding(transaction, &existed, backend).await?;
        let case_of = |claim: &NewClaim| -> StoreResult<(String, i64)> {
            let customer_id = lookup(&customer_ids, &claim.customer.national_id_index)?;
            let (_, case_number) = lookup(&cases, customer_id)?;
            let owed_minor = stored.get(case_number).copied().unwrap_or(0);
            Ok((case_number.to_string(), owed_minor))
        };
        let refused_now = limits::judge(&fresh, &client_owed, case_of)?;
        if !refused_now.is_empty() {
            fresh = without(&fresh, &refused_now);
            refused.extend(refused_now);
        }
    }
    insert_claims(transaction, batch, &fresh, &customer_ids, &cases, backend).await?;
    let contact_events = contacts::update(
        transaction,
        batch,
        &fresh,
        &customer_ids,
        &existed_customers,
        store,
        merge,
    )
    .await?;
    post_receivables(
        transaction,
        batch,
        &fresh,
        &customer_ids,
        &cases,
        backend,
        key,
    )
    .await?;
    let placed = Placed {
        fresh: &fresh,
        refused: &refused,
        customer_ids: &customer_ids,
        cases: &cases,
    };
    let placements = placed.outcomes(batch, &candidates, &earlier)?;
    Ok((placements, contact_events))
}

/// What a batch wrote, to say per claim what became of it.
struct Placed<'a, 'c> {
    fresh: &'a [&'c NewClaim],
    refused: &'a HashMap<&'c str, limits::Refusal>,
    customer_ids: &'a HashMap<String, String>,
    cases: &'a HashMap<String, (String, i64)>,
}

impl Placed<'_, '_> {
    /// One placement per claim of the batch, in its order.
    fn outcomes(
        &self,
        batch: &ClaimBatch,
        candidates: &[&NewClaim],
        earlier: &HashMap<String, String>,
    ) -> StoreResult<Vec<Placement>> {
        let mut placed: HashMap<&str, Placement> = HashMap::with_capacity(candidates.len());
        for claim in self.fresh {
            let customer_id = lookup(self.customer_ids, &claim.customer.national_id_index)?;
            let (case_id, case_number) = lookup(self.cases, customer_id)?;
            let placement = Placement::Accepted {
                claim_id: claim.claim_id.clone(),
                case_id: case_id.clone(),
                case_number: *case_number,
            };
            placed.insert(claim.client_claim_ref.as_str(), placement);
        }
        for claim in candidates {
            if let Some((column, reason)) = self.refused.get(claim.claim_id.as_str()) {
                let placement = Placement::Rejected {
                    column,
                    reason: reason.clone(),
                };
                placed.insert(claim.client_claim_ref.as_str(), placement);
            }
        }
        let placements = batch
            .claims
            .iter()
            .map(|claim| outcome_of(claim, &placed, earlier))
            .collect::<StoreResult<Vec<_>>>()?;
        debug_assert_eq!(placements.len(), batch.claims.len());
        Ok(placements)
    }
}

/// The claims not refused, in their order.
fn without<'c>(
    claims: &[&'c NewClaim],
    refused: &HashMap<&str, limits::Refusal>,
) -> Vec<&'c NewClaim> {
    claims
        .iter()
        .filter(|claim| !refused.contains_key(claim.claim_id.as_str()))
        .copied()
        .collect()
}

/// What the client has outstanding per currency: its memorandum claims account, which
/// placing a claim credits and a payment debits, negated.
async fn client_outstanding(
    transaction: &mut Tx,
    client_id: &str,
) -> StoreResult<HashMap<String, i64>> {
    let rows =
        sqlx::query("SELECT currency, balance_minor FROM account_balances WHERE account = $1")
            .bind(format!("client_claims:{client_id}"))
            .fetch_all(&mut **transaction)
            .await?;
    let mut owed = HashMap::with_capacity(rows.len());
    for row in rows {
        let balance_minor: i64 = row.try_get(1)?;
        let outstanding = balance_minor
            .checked_neg()
            .ok_or_else(|| StoreError::Corrupt("client claims balance".into()))?;
        owed.insert(row.try_get(0)?, outstanding.max(0));
    }
    Ok(owed)
}

/// What each of the given cases owes now: every component of its receivable, summed here
/// with checked arithmetic (an SQL `+` that overflowed would turn into a float on SQLite).
/// Cases that owe nothing, or were never written to, are left out or zero.
pub(crate) async fn case_outstanding(
    connection: &mut sqlx::AnyConnection,
    case_numbers: &[i64],
    backend: Backend,
) -> StoreResult<HashMap<i64, i64>> {
    let mut owed = HashMap::with_capacity(case_numbers.len());
    for chunk in case_numbers.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT case_number, {} FROM case_balances WHERE case_number IN ({})",
            crate::ledger::CASE_BALANCE_COLUMNS.join(", "),
            crate::sql::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for case_number in chunk {
            query = query.bind(*case_number);
        }
        for row in query.fetch_all(&mut *connection).await? {
            let mut total_minor: i64 = 0;
            for index in 1..=crate::ledger::CASE_BALANCE_COLUMNS.len() {
                total_minor = total_minor
                    .checked_add(row.try_get::<i64, _>(index)?)
                    .ok_or_else(|| StoreError::Corrupt("a case's balance overflows".into()))?;
            }
            owed.insert(row.try_get(0)?, total_minor.max(0));
        }
    }
    Ok(owed)
}

/// The first claim with a reference gets the placement; a repeat within the batch or a claim
/// placed before is a duplicate of that claim (or refused with it).
fn outcome_of(
    claim: &NewClaim,
    placed: &HashMap<&str, Placement>,
    earlier: &HashMap<String, String>,
) -> StoreResult<Placement> {
    if let Some(claim_id) = earlier.get(&claim.client_claim_ref) {
        return Ok(Placement::Duplicate {
            claim_id: claim_id.clone(),
        });
    }
    let placement = lookup(placed, claim.client_claim_ref.as_str())?;
    // Every claim carries its own fresh id, so the placement names the first of its reference.
    let is_first =
        matches!(placement, Placement::Accepted { claim_id, .. } if *claim_id == claim.claim_id);
    if is_first {
        return Ok(placement.clone());
    }
    match placement {
        Placement::Accepted { claim_id, .. } | Placement::Duplicate { claim_id } => {
            Ok(Placement::Duplicate {
                claim_id: claim_id.clone(),
            })
        }
        Placement::Rejected { .. } => Ok(placement.clone()),
    }
}

fn lookup<'m, K, V>(map: &'m HashMap<K, V>, key: &str) -> StoreResult<&'m V>
where
    K: std::borrow::Borrow<str> + std::hash::Hash + Eq,
{
    map.get(key)
        .ok_or_else(|| StoreError::Corrupt(format!("intake lost track of {key}")))
}

/// `client_claim_ref → claim id` for the batch's claims the client placed before.
async fn existing_claims(
    transaction: &mut Tx,
    batch: &ClaimBatch,
    backend: Backend,
) -> StoreResult<HashMap<String, String>> {
    let mut found = HashMap::new();
    let refs: Vec<&str> = batch
        .claims
        .iter()
        .map(|claim| claim.client_claim_ref.as_str())
        .collect();
    for chunk in refs.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT client_claim_ref, id FROM claims WHERE client_id = {} AND client_claim_ref IN ({})",
            crate::sql::placeholders(backend, 1, 1),
            crate::sql::placeholders(backend, 2, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(&batch.client_id);
        for claim_ref in chunk {
            query = query.bind(*claim_ref);
        }
        for row in query.fetch_all(&mut **transaction).await? {
            found.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    Ok(found)
}

/// `national_id_index → customer id`, inserting the customers that do not exist yet; and the
/// indexes of those that existed.
async fn ensure_customers(
    transaction: &mut Tx,
    claims: &[&NewClaim],
    at_ms: i64,
    backend: Backend,
) -> StoreResult<(HashMap<String, String>, HashSet<String>)> {
    let mut seen = HashSet::new();
    let customers: Vec<&NewCustomer> = claims
        .iter()
        .map(|claim| &claim.customer)
        .filter(|customer| seen.insert(customer.national_id_index.as_str()))
        .collect();
    let mut ids = HashMap::with_capacity(customers.len());
    for chunk in customers.chunks(ROWS_PER_STATEMENT) {
        insert_customers(transaction, chunk, at_ms, backend, &mut ids).await?;
    }
    // Customers that existed before (their insert did nothing): look them up.
    let existing: Vec<&NewCustomer> = customers
        .iter()
        .filter(|customer| !ids.contains_key(&customer.national_id_index))
        .copied()
        .collect();
    let existed = existing
        .iter()
        .map(|customer| customer.national_id_index.clone())
        .collect();
    for chunk in existing.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT national_id_index, id FROM customers WHERE national_id_index IN ({})",
            crate::sql::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for customer in chunk {
            query = query.bind(index_bytes(&customer.national_id_index)?);
        }
        for row in query.fetch_all(&mut **transaction).await? {
            let index: Vec<u8> = row.try_get(0)?;
            ids.insert(hex::encode(index), row.try_get(1)?);
        }
    }
    if ids.len() != customers.len() {
        return Err(StoreError::Corrupt(
            "a customer was neither inserted nor found".into(),
        ));
    }
    Ok((ids, existed))
}

/// Inserts the customers that do not exist yet and records the ids of those inserted.
/// `RETURNING` names exactly the inserted rows, so new customers need no second look-up.
async fn insert_customers(
    transaction: &mut Tx,
    chunk: &[&NewCustomer],
    at_ms: i64,
    backend: Backend,
    ids: &mut HashMap<String, String>,
) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO customers (id, market, kind, national_id_index, email_index, phone_index, \
         language, personal_data, created_at_ms) VALUES {} \
         ON CONFLICT (national_id_index) DO NOTHING RETURNING national_id_index, id",
        crate::sql::value_rows(backend, chunk.len(), 9)
    );
    let mut query = sqlx::query(&sql);
    for customer in chunk {
        query = query
            .bind(&customer.id)
            .bind(customer.market.as_str())
            .bind(customer.kind.as_str())
            .bind(index_bytes(&customer.national_id_index)?)
            .bind(
                customer
                    .email_index
                    .as_deref()
                    .map(index_bytes)
                    .transpose()?,
            )
            .bind(
                customer
                    .phone_index
                    .as_deref()
                    .map(index_bytes)
                    .transpose()?,
            )
            .bind(&customer.language)
            .bind(customer.personal_data.as_slice())
            .bind(at_ms);
    }
    for row in query.fetch_all(&mut **transaction).await? {
        let index: Vec<u8> = row.try_get(0)?;
        ids.insert(hex::encode(index), row.try_get(1)?);
    }
    Ok(())
}

/// `customer id → (case id, case number)` for the client, opening the cases that do not
/// exist; and the numbers of the cases that existed before.
async fn ensure_cases(
    transaction: &mut Tx,
    batch: &ClaimBatch,
    claims: &[&NewClaim],
    customer_ids: &HashMap<String, String>,
    backend: Backend,
) -> StoreResult<(HashMap<String, (String, i64)>, Vec<i64>)> {
    let mut seen = HashSet::new();
    let mut wanted: Vec<(&str, &NewClaim)> = Vec::new();
    for claim in claims {
        let customer_id = lookup(customer_ids, &claim.customer.national_id_index)?;
        if seen.insert(customer_id.as_str()) {
            wanted.push((customer_id.as_str(), claim));
        }
    }
    let mut cases = existing_cases(transaction, &batch.client_id, &wanted, backend).await?;
    let existed: Vec<i64> = cases
        .values()
        .map(|(_, case_number)| *case_number)
        .collect();
    let missing: Vec<(&str, &NewClaim)> = wanted
        .into_iter()
        .filter(|(customer_id, _)| !cases.contains_key(*customer_id))
        .collect();
    if missing.is_empty() {
        return Ok((cases, existed));
    }
    let first_number = crate::ids::take_ids(transaction, backend, "case_number", missing.len())
        .await?
        .start;
    for (chunk_index, chunk) in missing.chunks(ROWS_PER_STATEMENT).enumerate() {
        let sql = format!(
            "INSERT INTO cases (id, case_number, client_id, customer_id, market, currency, opened_at_ms) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 7)
        );
        let mut query = sqlx::query(&sql);
        for (offset, (customer_id, claim)) in chunk.iter().enumerate() {
            let position = i64::try_from(chunk_index * ROWS_PER_STATEMENT + offset)
                .map_err(|_| StoreError::Corrupt("case count".into()))?;
            let case_number = first_number + position;
            cases.insert(
                (*customer_id).to_owned(),
                (claim.case_id.clone(), case_number),
            );
            query = query
                .bind(&claim.case_id)
                .bind(case_number)
                .bind(&batch.client_id)
                .bind(*customer_id)
                .bind(claim.market.as_str())
                .bind(&claim.currency)
                .bind(batch.at_ms);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok((cases, existed))
}

async fn existing_cases(
    transaction: &mut Tx,
    client_id: &str,
    wanted: &[(&str, &NewClaim)],
    backend: Backend,
) -> StoreResult<HashMap<String, (String, i64)>> {
    let mut cases = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT customer_id, id, case_number FROM cases WHERE client_id = {} AND customer_id IN ({})",
            crate::sql::placeholders(backend, 1, 1),
            crate::sql::placeholders(backend, 2, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(client_id);
        for (customer_id, _) in chunk {
            query = query.bind(*customer_id);
        }
        for row in query.fetch_all(&mut **transaction).await? {
            cases.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
        }
    }
    Ok(cases)
}

async fn insert_claims(
    transaction: &mut Tx,
    batch: &ClaimBatch,
    claims: &[&NewClaim],
    customer_ids: &HashMap<String, String>,
    cases: &HashMap<String, (String, i64)>,
    backend: Backend,
) -> StoreResult<()> {
    for chunk in claims.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO claims (id, client_id, client_claim_ref, case_id, currency, principal_minor, \
             creditor_fees_minor, invoice_date, due_date, interest_rate_bp, description, placed_at_ms, \
             arose_on, reminder_fee_agreed, jurisdiction) VALUES {}",
            crate::sql::value_rows(backend, chunk.len(), 15)
        );
        let mut query = sqlx::query(&sql);
        for claim in chunk {
            let customer_id = lookup(customer_ids, &claim.customer.national_id_index)?;
            let (case_id, _) = lookup(cases, customer_id)?;
            query = query
                .bind(&claim.claim_id)
                .bind(&batch.client_id)
                .bind(&claim.client_claim_ref)
                .bind(case_id.as_str())
                .bind(&claim.currency)
                .bind(claim.principal_minor)
                .bind(claim.creditor_fees_minor)
                .bind(&claim.invoice_date)
                .bind(&claim.due_date)
                .bind(claim.interest_rate_bp)
                .bind(&claim.description)
                .bind(batch.at_ms)
                .bind(claim.arose_on.as_deref())
                .bind(claim.reminder_fee_agreed.map(i64::from))
                .bind(claim.jurisdiction.as_deref());
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(())
}

/// Blind indexes travel as hex and are stored as bytes: half the size in the index B-trees,
/// which are random-ordered and so the costliest part of placing a customer.
fn index_bytes(hex_text: &str) -> StoreResult<Vec<u8>> {
    hex::decode(hex_text)
        .map_err(|_| StoreError::Corrupt(format!("blind index '{hex_text}' is not hex")))
}

/// One posting for the batch: each new claim becomes a receivable of its case (principal and
/// the creditor's fees), owed to the client. The ledger then holds every case's debt from the
/// moment it is placed.
async fn post_receivables(
    transaction: &mut Tx,
    batch: &ClaimBatch,
    claims: &[&NewClaim],
    customer_ids: &HashMap<String, String>,
    cases: &HashMap<String, (String, i64)>,
    backend: Backend,
    key: &reilu_vault::JournalKey,
) -> StoreResult<()> {
    if claims.is_empty() {
        return Ok(());
    }
    let mut entries = Vec::with_capacity(claims.len() + 2);
    let mut owed_by_currency: HashMap<&str, i64> = HashMap::new();
    for claim in claims {
        let customer_id = lookup(customer_ids, &claim.customer.national_id_index)?;
        let (_, case_number) = lookup(cases, customer_id)?;
        for (component, amount_minor) in [
            ("principal", claim.principal_minor),
            ("creditor_fees", claim.creditor_fees_minor),
        ] {
            if amount_minor > 0 {
                entries.push(PostingEntryRow {
                    account: format!("receivable:{case_number}:{component}"),
                    currency: claim.currency.clone(),
                    amount_minor,
                });
                let owed = owed_by_currency.entry(claim.currency.as_str()).or_insert(0);
                *owed = owed
                    .checked_add(amount_minor)
                    .ok_or_else(|| StoreError::Corrupt("claims overflow".into()))?;
            }
        }
    }
    let mut currencies: Vec<(&str, i64)> = owed_by_currency.into_iter().collect();
    currencies.sort_unstable();
    for (currency, owed) in currencies {
        entries.push(PostingEntryRow {
            account: format!("client_claims:{}", batch.client_id),
            currency: currency.to_owned(),
            amount_minor: -owed,
        });
    }
    let posting = NewPosting {
        kind: "claims_placed".into(),
        at_ms: batch.at_ms,
        corrects: None,
        idempotency_key: None,
        description: format!("{} claims placed from {}", claims.len(), batch.source),
        actor: batch.actor.clone(),
        entries,
    };
    crate::ledger::write_posting(transaction, &posting, backend, key).await?;
    Ok(())
}

pub(crate) async fn case_by_number(
    store: &SqlStore,
    case_number: i64,
) -> StoreResult<Option<CaseRow>> {
    let sql = format!(
        "SELECT c.id, c.case_number, c.client_id, c.customer_id, c.market, c.currency, c.status, \
         cu.kind, cu.language, cu.personal_data, \
         (SELECT CAST(COALESCE(SUM(principal_minor), 0) AS BIGINT) FROM claims WHERE case_id = c.id), \
         (SELECT CAST(COALESCE(SUM(creditor_fees_minor), 0) AS BIGINT) FROM claims WHERE case_id = c.id), \
         (SELECT COUNT(*) FROM claims WHERE case_id = c.id), \
         (SELECT MIN(due_date) FROM claims WHERE case_id = c.id), \
         (SELECT MAX(due_date) FROM claims WHERE case_id = c.id), \
         (SELECT MIN(interest_rate_bp) FROM claims WHERE case_id = c.id), \
         (SELECT COUNT(*) FROM claims WHERE case_id = c.id AND interest_rate_bp IS NULL), \
         (SELECT a.carry_minor_bp_days FROM interest_accruals a WHERE a.case_number = c.case_number ORDER BY a.from_date DESC LIMIT 1), \
         {CASE_CLAIM_TERMS} \
         FROM cases c JOIN customers cu ON cu.id = c.customer_id WHERE c.case_number = $1"
    );
    let row = sqlx::query(&sql)
        .bind(case_number)
        .fetch_optional(store.pool())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let terms = CaseClaimTerms::read(&row, 18)?;
    Ok(Some(CaseRow {
        id: row.try_get(0)?,
        case_number: row.try_get(1)?,
        client_id: row.try_get(2)?,
        customer_id: row.try_get(3)?,
        market: row.try_get(4)?,
        currency: row.try_get(5)?,
        status: row.try_get(6)?,
        customer_kind: row.try_get(7)?,
        customer_language: row.try_get(8)?,
        customer_personal_data: row.try_get(9)?,
        principal_minor: row.try_get(10)?,
        creditor_fees_minor: row.try_get(11)?,
        claim_count: row.try_get(12)?,
        earliest_due_date: row.try_get(13)?,
        latest_due_date: row.try_get(14)?,
        lowest_interest_rate_bp: row.try_get(15)?,
        claims_without_rate: row.try_get(16)?,
        interest_carry_minor_bp_days: row.try_get::<Option<i64>, _>(17)?.unwrap_or(0),
        earliest_arose_on: terms.earliest_arose_on,
        reminder_fee_agreed: terms.reminder_fee_agreed,
        jurisdiction: terms.jurisdiction,
    }))
}
