//! Claim intake: rows from a file or an API batch are validated, their personal data sealed,
//! and placed through the store in chunks, each chunk one transaction.
//!
//! A file is read on a blocking thread while the async side writes the previous chunk, so
//! validation and encryption overlap with the database writes; the channel between them is
//! bounded, so memory stays flat however large the file.

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;
use reilu_core::{ClaimDraft, InterestTerms, MarketCode, Markets};
use reilu_formats::claim_csv::{ClaimFileError, ClaimFileReader};
use reilu_formats::claim_row::{FieldError, RawClaim, validate_claim};
use reilu_store::{
    ClaimBatch, NewClaim, NewCustomer, PlaceOutcome, Placement, Store, StoredResponse,
};
use reilu_vault::Vault;
use serde::Serialize;

use crate::{App, AppError, AppResult};
use crate::{contact_data, personal_data};

/// Rows per chunk: one transaction each. Every transaction rewrites the pages of the
/// random-ordered customer index it touches, so larger chunks write far less per row (at a
/// million customers, 8,000 rows a chunk write half as much per row as 1,000); a chunk's
/// memory (about 1 KiB a row) stays under 10 MiB.
pub const ROWS_PER_CHUNK: usize = 16_000;
/// Chunks prepared ahead of the writer.
const CHUNKS_IN_FLIGHT: usize = 2;
/// Row errors kept for the summary; more are counted, and all go to the errors sink.
pub const ERRORS_KEPT_MAX: usize = 10_000;

/// One problem with one row, as reported to the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: u64,
    pub column: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IntakeSummary {
    pub accepted: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub errors: Vec<RowError>,
    /// Errors beyond the first [`ERRORS_KEPT_MAX`], counted but not listed.
    #[serde(skip_serializing_if = "is_zero")]
    pub errors_omitted: u64,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

impl IntakeSummary {
    fn add_errors(&mut self, errors: Vec<RowError>) {
        for error in errors {
            if self.errors.len() < ERRORS_KEPT_MAX {
                self.errors.push(error);
            } else {
                self.errors_omitted += 1;
            }
        }
    }
}

/// Validated, sealed rows ready for one transaction, and the rows refused on the way.
#[derive(Debug, Default)]
pub struct PreparedChunk {
    pub claims: Vec<NewClaim>,
    /// The file row of each claim, in the same order.
    pub rows: Vec<u64>,
    pub errors: Vec<RowError>,
    pub rejected_rows: u64,
    pub position_bytes: u64,
}

/// What a reader thread needs to validate and seal rows: no store, no async.
#[derive(Clone)]
pub struct Preparer {
    pub vault: Vault,
    pub markets: Markets,
    pub today_by_market: HashMap<MarketCode, NaiveDate>,
}

impl Preparer {
    /// Validates one raw claim and seals it, or says what is wrong with it.
    pub fn prepare(&self, raw: &RawClaim) -> Result<NewClaim, Vec<FieldError>> {
        let market = raw
            .market
            .as_deref()
            .map(str::trim)
            .and_then(|code| MarketCode::parse(code).ok());
        let today = market
            .and_then(|code| self.today_by_market.get(&code).copied())
            .or_else(|| self.today_by_market.values().max().copied())
            .unwrap_or_default();
        let draft = validate_claim(raw, &self.markets, today)?;
        let language_stated = raw
            .customer_language
            .as_deref()
            .is_some_and(|text| !text.trim().is_empty());
        seal_claim(&self.vault, &draft, language_stated).map_err(|error| {
            vec![FieldError {
                column: "(row)",
                reason: error.to_string(),
            }]
        })
    }

    /// Reads a claim file to its end, handing each chunk to `deliver`; stops early if
    /// `deliver` returns false (the writer has gone).
    pub fn prepare_file<R: Read>(
        &self,
        input: R,
        mut deliver: impl FnMut(PreparedChunk) -> bool,
    ) -> Result<(), ClaimFileError> {
        let mut reader = ClaimFileReader::new(input)?;
        let mut chunk = PreparedChunk::default();
        while let Some(row) = reader.next_row()? {
            let outcome = row
                .claim
                .map_err(|error| vec![error])
                .and_then(|raw| self.prepare(&raw));
            match outcome {
                Ok(claim) => {
                    chunk.claims.push(claim);
                    chunk.rows.push(row.row);
                }
                Err(errors) => {
                    chunk.rejected_rows += 1;
                    let listed = errors.into_iter().map(|error| RowError {
                        row: row.row,
                        column: error.column.to_owned(),
                        reason: error.reason,
                    });
                    chunk.errors.extend(listed);
                }
            }
            if chunk.claims.len() + usize::try_from(chunk.rejected_rows).unwrap_or(usize::MAX)
                >= ROWS_PER_CHUNK
            {
                chunk.position_bytes = reader.position_bytes();
                if !deliver(std::mem::take(&mut chunk)) {
                    return Ok(());
                }
            }
        }
        chunk.position_bytes = reader.position_bytes();
        deliver(chunk);
        Ok(())
    }
}

/// Turns a validated claim into rows for the store: fresh ids, sealed personal data, indexes.
/// `language_stated`: the claim named the customer's language (else the market's was assumed).
pub fn seal_claim(
    vault: &Vault,
    draft: &ClaimDraft,
    language_stated: bool,
) -> Result<NewClaim, AppError> {
    let customer_id = uuid::Uuid::now_v7().to_string();
    let details = &draft.customer;
    let personal_data = personal_data::seal(vault, &customer_id, details)?;
    let customer = NewCustomer {
        national_id_index: personal_data::national_id_index(
            vault,
            draft.market,
            details.kind,
            details.national_id.peek(),
        ),
        email_index: details
            .email
            .as_ref()
            .map(|email| personal_data::email_index(vault, email)),
        phone_index: details
            .phone
            .as_ref()
            .map(|phone| personal_data::phone_index(vault, phone)),
        id: customer_id,
        market: draft.market,
        kind: details.kind,
        language: details.language.as_str().to_owned(),
        language_stated,
        personal_data,
    };
    let interest_rate_bp = match draft.interest {
        InterestTerms::Statutory => None,
        InterestTerms::Contractual { annual_rate_bp } => Some(i64::from(annual_rate_bp)),
    };
    Ok(NewClaim {
        claim_id: uuid::Uuid::now_v7().to_string(),
        case_id: uuid::Uuid::now_v7().to_string(),
        client_claim_ref: draft.client_claim_ref.as_str().to_owned(),
        market: draft.market,
        currency: draft.principal.currency().code().to_owned(),
        principal_minor: draft.principal.amount_minor(),
        creditor_fees_minor: draft.creditor_fees.amount_minor(),
        invoice_date: draft.invoice_date.to_string(),
        due_date: draft.due_date.to_string(),
        interest_rate_bp,
        description: draft.description.clone(),
        arose_on: draft.arose_on.map(|day| day.to_string()),
        reminder_fee_agreed: draft.reminder_fee_agreed,
        jurisdiction: draft.jurisdiction.clone(),
        customer,
    })
}

fn no_stored_response(_: &[Placement]) -> StoredResponse {
    StoredResponse {
        status: 0,
        body: String::new(),
    }
}

impl<S: Store> App<S> {
    /// What a reader thread needs, with today's date in every market.
    pub fn preparer(&self) -> Preparer {
        let today_by_market = self
            .markets
            .iter()
            .map(|market| (market.code, self.today_in(market)))
            .collect();
        Preparer {
            vault: self.vault.clone(),
            markets: self.markets.clone(),
            today_by_market,
        }
    }

    /// Imports a claim file for a client. `progress` hears the bytes read after each chunk;
    /// `on_errors` hears every row error, including those beyond the summary's list.
    pub async fn import_claim_file<R: Read + Send + 'static>(
        &self,
        client_id: &str,
        source_name: &str,
        input: R,
        progress: &(dyn Fn(u64) + Sync),
        on_errors: &mut (dyn FnMut(&[RowError]) -> AppResult<()> + Send),
    ) -> AppResult<IntakeSummary> {
        let client = self.client(client_id).await?;
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<PreparedChunk>(CHUNKS_IN_FLIGHT);
        let preparer = self.preparer();
        let reader = tokio::task::spawn_blocking(move || {
            preparer.prepare_file(input, |chunk| sender.blocking_send(chunk).is_ok())
        });
        let mut summary = IntakeSummary::default();
        while let Some(chunk) = receiver.recv().await {
            on_errors(&chunk.errors)?;
            summary.rejected += chunk.rejected_rows;
            summary.add_errors(chunk.errors);
            let batch = ClaimBatch {
                client_id: client.id.clone(),
                claims: chunk.claims,
                at_ms: self.now_ms(),
                actor: "cli:import".into(),
                source: source_name.to_owned(),
            };
            if !batch.claims.is_empty() {
                let outcome = self
                    .store
                    .place_claims_merging(&batch, None, &no_stored_response, &|merges| {
                        contact_data::merge_for_store(&self.vault, merges)
                    })
                    .await;
                let placements = placements_of(
                    outcome.map_err(|error| partial_failure(&summary, error.into()))?,
                )?;
                count_placements(&mut summary, &placements);
                let refused = refused_rows(&chunk.rows, &placements);
                on_errors(&refused)?;
                summary.add_errors(refused);
            }
            progress(chunk.position_bytes);
        }
        let read = reader
            .await
            .map_err(|error| AppError::Io(format!("the reader stopped: {error}")))?;
        read.map_err(|error| partial_failure(&summary, AppError::Invalid(error.to_string())))?;
        Ok(summary)
    }
}

fn placements_of(outcome: PlaceOutcome) -> AppResult<Vec<Placement>> {
    match outcome {
        PlaceOutcome::Placed { placements, .. } => Ok(placements),
        other => Err(AppError::Invalid(format!(
            "unexpected outcome without an idempotency key: {other:?}"
        ))),
    }
}

pub(crate) fn count_placements(summary: &mut IntakeSummary, placements: &[Placement]) {
    for placement in placements {
        match placement {
            Placement::Accepted { .. } => summary.accepted += 1,
            Placement::Duplicate { .. } => summary.duplicates += 1,
            Placement::Rejected { .. } => summary.rejected += 1,
        }
    }
}

/// The errors of the claims the store refused (over a limit), with their file rows.
fn refused_rows(rows: &[u64], placements: &[Placement]) -> Vec<RowError> {
    rows.iter()
        .zip(placements)
        .filter_map(|(row, placement)| match placement {
            Placement::Rejected { column, reason } => Some(RowError {
                row: *row,
                column: (*column).to_owned(),
                reason: reason.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// An error part-way through a file: say what was already placed, and that re-running the
/// same file is safe (placed claims are recognised as duplicates).
fn partial_failure(summary: &IntakeSummary, error: AppError) -> AppError {
    if summary.accepted + summary.duplicates + summary.rejected == 0 {
        return error;
    }
    AppError::Invalid(format!(
        "{error} (after {} claims were placed; importing the same file again places only the rest)",
        summary.accepted
    ))
}
