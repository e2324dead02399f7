//! Claims placed over HTTP: a JSON batch, judged item by item like file rows, placed in one
//! transaction together with its idempotent answer.

use reilu_formats::claim_row::{FieldError, RawClaim};
use reilu_formats::reference::{self, NationalReferenceKind};
use reilu_store::{
    ClaimBatch, ClientRow, IdempotencyRequest, PlaceOutcome, Placement, Store, StoredResponse,
};
use serde::Serialize;

use crate::{App, AppError, AppResult};

/// Items one request may carry; larger batches are split by the client.
pub const ITEMS_PER_REQUEST_MAX: usize = 1000;

/// The payment references of a case, as shown to clients and printed on letters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseReferenceView {
    /// ISO 11649 creditor reference, electronic form.
    pub rf: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national_kind: Option<NationalReferenceKind>,
}

pub fn case_references(market: &str, case_number: i64) -> CaseReferenceView {
    let references = reference::for_case(market, u64::try_from(case_number).unwrap_or(0));
    let (national_kind, national) = match references.national {
        Some((kind, text)) => (Some(kind), Some(text)),
        None => (None, None),
    };
    CaseReferenceView {
        rf: references.rf,
        national,
        national_kind,
    }
}

/// Per item of a batch: its client reference, and either its position among the claims to
/// place or its errors.
type JudgedItem = (Option<String>, Result<usize, Vec<FieldError>>);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Accepted,
    Duplicate,
    Rejected,
}

/// The answer for one item of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemResult {
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_claim_ref: Option<String>,
    pub status: ItemStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub references: Option<CaseReferenceView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    pub accepted: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub items: Vec<ItemResult>,
}

/// What the HTTP layer answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiBatchOutcome {
    /// The batch was processed now, or earlier under the same key (`replayed`).
    Answered {
        status: u16,
        body: String,
        replayed: bool,
    },
    KeyReused,
    InFlight,
}

impl<S: Store> App<S> {
    /// Places a batch for an authenticated client. Items that failed to parse as JSON
    /// objects come in as errors and are reported beside the others.
    pub async fn place_api_claims(
        &self,
        client: &ClientRow,
        items: Vec<Result<RawClaim, Vec<FieldError>>>,
        idempotency: Option<IdempotencyRequest>,
    ) -> AppResult<ApiBatchOutcome> {
        if items.len() > ITEMS_PER_REQUEST_MAX {
            return Err(AppError::Invalid(format!(
                "a request carries at most {ITEMS_PER_REQUEST_MAX} claims"
            )));
        }
        let preparer = self.preparer();
        let mut claims = Vec::new();
        // Per item: Ok(position among the claims to place) or the item's errors.
        let mut judged: Vec<JudgedItem> = Vec::with_capacity(items.len());
        for item in items {
            let reference = item
                .as_ref()
                .ok()
                .and_then(|raw| raw.client_claim_ref.clone());
            match item.and_then(|raw| preparer.prepare(&raw)) {
                Ok(claim) => {
                    judged.push((reference, Ok(claims.len())));
                    claims.push(claim);
                }
                Err(errors) => judged.push((reference, Err(errors))),
            }
        }
        let markets: Vec<String> = claims
            .iter()
            .map(|claim| claim.market.as_str().to_owned())
            .collect();
        let batch = ClaimBatch {
            client_id: client.id.clone(),
            claims,
            at_ms: self.now_ms(),
            actor: "api:client".into(),
            source: "http".into(),
        };
        let respond = |placements: &[Placement]| render_report(&judged, placements, &markets);
        let outcome = self
            .store
            .place_claims_merging(&batch, idempotency.as_ref(), &respond, &|merges| {
                crate::contact_data::merge_for_store(&self.vault, merges)
            })
            .await?;
        Ok(match outcome {
            PlaceOutcome::Placed {
                placements,
                response,
            } => {
                let response = response.unwrap_or_else(|| respond(&placements));
                ApiBatchOutcome::Answered {
                    status: response.status,
                    body: response.body,
                    replayed: false,
                }
            }
            PlaceOutcome::Replayed(response) => ApiBatchOutcome::Answered {
                status: response.status,
                body: response.body,
                replayed: true,
            },
            PlaceOutcome::KeyReused => ApiBatchOutcome::KeyReused,
            PlaceOutcome::InFlight => ApiBatchOutcome::InFlight,
        })
    }
}

fn render_report(
    judged: &[JudgedItem],
    placements: &[Placement],
    markets: &[String],
) -> StoredResponse {
    let mut report = BatchReport {
        accepted: 0,
        duplicates: 0,
        rejected: 0,
        items: Vec::with_capacity(judged.len()),
    };
    for (index, (client_claim_ref, verdict)) in judged.iter().enumerate() {
        let mut item = ItemResult {
            index,
            client_claim_ref: client_claim_ref.clone(),
            status: ItemStatus::Rejected,
            claim_id: None,
            case_id: None,
            references: None,
            errors: Vec::new(),
        };
        match verdict {
            Err(errors) => {
                report.rejected += 1;
                item.errors.clone_from(errors);
            }
            Ok(position) => match placements.get(*position) {
                Some(Placement::Accepted {
                    claim_id,
                    case_id,
                    case_number,
                }) => {
                    report.accepted += 1;
                    item.status = ItemStatus::Accepted;
                    item.claim_id = Some(claim_id.clone());
                    item.case_id = Some(case_id.clone());
                    let market = markets.get(*position).map(String::as_str).unwrap_or("");
                    item.references = Some(case_references(market, *case_number));
                }
                Some(Placement::Duplicate { claim_id }) => {
                    report.duplicates += 1;
                    item.status = ItemStatus::Duplicate;
                    item.claim_id = Some(claim_id.clone());
                }
                Some(Placement::Rejected { column, reason }) => {
                    report.rejected += 1;
                    item.errors.push(FieldError {
                        column,
                        reason: reason.clone(),
                    });
                }
                None => report.rejected += 1,
            },
        }
        report.items.push(item);
    }
    let body =
        serde_json::to_string(&report).unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"));
    StoredResponse { status: 200, body }
}
