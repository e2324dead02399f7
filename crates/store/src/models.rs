//! Rows as the store reads and writes them: plain data, personal data only as sealed bytes
//! and blind indexes.

use reilu_core::{CustomerKind, MarketCode};

use crate::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClient {
    pub id: String,
    pub name: String,
    pub market: MarketCode,
    pub iban: String,
    /// SHA-256 of the client's API key; the key itself is shown once and never stored.
    pub api_key_hash: String,
    /// The commission the company keeps of what it collects, in basis points.
    pub commission_bp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub market: String,
    pub iban: String,
    pub commission_bp: i64,
    pub created_at_ms: i64,
}

/// A customer as intake wants it to exist; if a customer with the same national-id index
/// exists, that one is used and this one is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomer {
    pub id: String,
    pub market: MarketCode,
    pub kind: CustomerKind,
    pub national_id_index: String,
    pub email_index: Option<String>,
    pub phone_index: Option<String>,
    pub language: String,
    /// Whether the claim named the customer's language (otherwise `language` is the market's
    /// main one, assumed): only a stated language replaces the one a customer has.
    pub language_stated: bool,
    /// The vault's sealed personal data, bound to `id`.
    pub personal_data: Vec<u8>,
}

/// One validated claim ready to place, with the customer it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClaim {
    pub claim_id: String,
    /// Id for the case if this claim opens one; unused if the case exists.
    pub case_id: String,
    pub client_claim_ref: String,
    pub market: MarketCode,
    pub currency: String,
    pub principal_minor: i64,
    pub creditor_fees_minor: i64,
    pub invoice_date: String,
    pub due_date: String,
    pub interest_rate_bp: Option<i64>,
    pub description: String,
    /// When the debt arose, YYYY-MM-DD; None when not given.
    pub arose_on: Option<String>,
    /// Whether a reminder fee was agreed when the debt arose; None when not said.
    pub reminder_fee_agreed: Option<bool>,
    /// ISO 3166-2, upper case (GB only); None when unknown.
    pub jurisdiction: Option<String>,
    pub customer: NewCustomer,
}

/// Claims of one client placed together, in one transaction.
#[derive(Debug, Clone)]
pub struct ClaimBatch {
    pub client_id: String,
    pub claims: Vec<NewClaim>,
    pub at_ms: i64,
    /// Who placed them, for the journal: `cli:import`, `api:client`, `demo`.
    pub actor: String,
    /// Where they came from, for the journal: a file name or `http`.
    pub source: String,
}

/// A customer whose stored contact data a batch may change: one who existed before the batch,
/// or one the batch created and names again in a later claim. The store hands these to the
/// app (which alone can open and seal personal data) inside the placing transaction.
pub struct ContactMerge<'b> {
    pub customer_id: String,
    pub kind: String,
    pub language: String,
    /// The stored sealed record, bound to `customer_id`.
    pub personal_data: Vec<u8>,
    /// False for a customer this batch created: its stored record is the batch's own first
    /// claim for it, so opening it reads nothing stored before (and is not journaled).
    pub existed: bool,
    /// The batch's placed claims for this customer, in batch order (the last one wins).
    pub claims: Vec<&'b NewClaim>,
}

/// A customer's contact data as changed by later claims, resealed by the app with the
/// customer's own id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactUpdate {
    pub customer_id: String,
    /// The merged record, sealed and bound to `customer_id`.
    pub personal_data: Vec<u8>,
    pub email_index: Option<String>,
    pub phone_index: Option<String>,
    pub language: String,
    /// The names of the fields that changed (never their values), for the journal.
    pub fields: Vec<&'static str>,
    /// The claims whose data changed the record (`client_claim_ref`s), in batch order.
    pub client_claim_refs: Vec<String>,
}

/// What the app makes of the batch's [`ContactMerge`]s: the customers whose data changed.
pub type MergeContacts<'f> =
    dyn Fn(&[ContactMerge<'_>]) -> StoreResult<Vec<ContactUpdate>> + Sync + 'f;

/// What became of one claim of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    Accepted {
        claim_id: String,
        case_id: String,
        case_number: i64,
    },
    /// The client placed a claim with this reference before; nothing new was created.
    Duplicate { claim_id: String },
    /// Placing it would take its case or its client past a limit of
    /// [`reilu_core::limits`], checked against the stored balances in the placing
    /// transaction; nothing was written for it. `column` is the claim field it concerns.
    Rejected {
        column: &'static str,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRequest {
    pub key: String,
    /// SHA-256 of the request body: the same key with another body is refused.
    pub request_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceOutcome {
    Placed {
        placements: Vec<Placement>,
        response: Option<StoredResponse>,
    },
    /// The idempotency key was used before with the same body: here is the answer given then.
    Replayed(StoredResponse),
    /// The idempotency key was used before with another body.
    KeyReused,
    /// A request with this key is still being processed.
    InFlight,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreCounts {
    pub clients: i64,
    pub customers: i64,
    pub cases: i64,
    pub claims: i64,
    pub journal_entries: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJournalEntry {
    pub at_ms: i64,
    pub actor: String,
    pub kind: String,
    pub subject: String,
    /// JSON; never personal data in clear.
    pub payload: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub id: String,
    pub case_number: i64,
    pub client_id: String,
    pub customer_id: String,
    pub market: String,
    pub currency: String,
    pub status: String,
    pub customer_kind: String,
    pub customer_language: String,
    pub customer_personal_data: Vec<u8>,
    pub principal_minor: i64,
    pub creditor_fees_minor: i64,
    pub claim_count: i64,
    /// The earliest due date of the case's claims, YYYY-MM-DD.
    pub earliest_due_date: String,
    /// The latest due date of the case's claims, YYYY-MM-DD.
    pub latest_due_date: String,
    /// The lowest contractual yearly interest rate among the case's claims that carry one, in
    /// basis points.
    pub lowest_interest_rate_bp: Option<i64>,
    /// How many of the case's claims carry no contractual rate (the statutory rate is theirs).
    pub claims_without_rate: i64,
    /// What the rounding of the case's latest interest accrual left over (0 if none).
    pub interest_carry_minor_bp_days: i64,
    /// When the case's debt arose, as far as its claims say: the earliest of the claims'
    /// `arose_on` and, for claims without one, their invoice dates; None when no claim gives
    /// `arose_on`. YYYY-MM-DD.
    pub earliest_arose_on: Option<String>,
    /// Every claim of the case says a reminder fee was agreed when the debt arose.
    pub reminder_fee_agreed: bool,
    /// The jurisdiction the claims give (ISO 3166-2): `GB-SCT` if any claim is Scottish, else
    /// the one every claim names; None when they differ or one names none.
    pub jurisdiction: Option<String>,
}

/// One entry of a posting as stored: the account code, currency and signed minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingEntryRow {
    pub account: String,
    pub currency: String,
    pub amount_minor: i64,
}

/// A balanced posting to write (built by reilu-ledger).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPosting {
    pub kind: String,
    pub at_ms: i64,
    /// The posting this one corrects, if it is a correction.
    pub corrects: Option<i64>,
    /// A natural key (e.g. the bank's entry reference) that makes the posting happen once.
    pub idempotency_key: Option<String>,
    pub description: String,
    pub actor: String,
    pub entries: Vec<PostingEntryRow>,
}

impl NewPosting {
    /// A posting built by the ledger, as the store writes it; it corrects nothing and has no
    /// idempotency key until the caller gives it one.
    pub fn from_ledger(
        posting: &reilu_ledger::Posting,
        at_ms: i64,
        actor: &str,
        description: String,
    ) -> NewPosting {
        NewPosting {
            kind: posting.kind().as_str().to_owned(),
            at_ms,
            corrects: None,
            idempotency_key: None,
            description,
            actor: actor.to_owned(),
            entries: posting
                .entries()
                .iter()
                .map(|entry| PostingEntryRow {
                    account: entry.account.code(),
                    currency: entry.amount.currency().code().to_owned(),
                    amount_minor: entry.amount.amount_minor(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostOutcome {
    Posted {
        posting_id: i64,
    },
    /// A posting with the same idempotency key exists; nothing was written.
    AlreadyPosted {
        posting_id: i64,
    },
}

/// What `check_ledger` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerCheck {
    pub postings: u64,
    pub accounts: usize,
    pub problems: Vec<String>,
}

/// A bank entry as recorded (no personal data: the debtor's name is not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankEntryRecord {
    pub account_iban: String,
    pub bank_reference: String,
    pub message_id: String,
    /// `credit` or `debit`.
    pub direction: String,
    pub reversal: bool,
    pub amount_minor: i64,
    pub currency: String,
    pub booking_date: Option<String>,
    pub structured_reference: Option<String>,
    /// The unstructured remittance lines, joined by newlines, in plain text: what matching
    /// reads. Never stored: it holds names, identity numbers and e-mail addresses.
    pub unstructured: String,
    /// The same text sealed by the vault (bound to the entry's account and bank reference,
    /// see `reilu_app::payments::remittance_context`): what the store keeps.
    pub unstructured_sealed: Option<Vec<u8>>,
    /// The payer's end-to-end id: how a return or reversal finds the payment it returns.
    pub end_to_end_id: Option<String>,
    /// The payer's name and IBAN as the statement named them, sealed by the vault (see
    /// `reilu_app::unmatched::seal_payer`): whom a refund of this entry goes to.
    pub payer_sealed: Option<Vec<u8>>,
}

/// Where a bank entry goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentTarget {
    /// Allocated to the case in this order (from the market's rule pack).
    Case {
        case_number: i64,
        client_id: String,
        allocation_order: Vec<reilu_ledger::Component>,
    },
    /// Held as unallocated money in the unmatched queue.
    Unmatched,
    /// A returned payment or a reversal: booked as the correction of the payment it returns
    /// (found by its end-to-end id, else on the case its reference names, and its amount), or
    /// queued as unmatched when none is found.
    Return { case_number: Option<i64> },
    /// Recorded, not posted: not a payment to collect.
    Ignored,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentInstruction {
    pub entry: BankEntryRecord,
    pub target: PaymentTarget,
    /// Why: "matched by RF reference …", "no reference found", …
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentOutcome {
    Matched {
        posting_id: i64,
        case_number: i64,
    },
    Unmatched {
        posting_id: i64,
    },
    Ignored,
    /// A return or reversal booked as the correction of an earlier payment's posting.
    Corrected {
        posting_id: i64,
        corrects: i64,
    },
    /// This account's bank reference was recorded before; nothing was written.
    AlreadyRecorded,
}

/// What a payments import needs to know of a case: its owner and what it owes now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub case_number: i64,
    pub client_id: String,
    pub market: String,
    pub currency: String,
    /// Kept receivable balances by component, every component listed.
    pub owed: Vec<(reilu_ledger::Component, reilu_core::Money)>,
    /// `case_balances.version` when read (None: the case has no balances yet). The payments
    /// import writes its allocation only while the case is still at this version.
    pub version: Option<i64>,
}

/// A payment waiting in the unmatched queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedPayment {
    pub account_iban: String,
    pub bank_reference: String,
    /// Signed: money in positive, money out (a return whose payment was not found) negative.
    pub amount_minor: i64,
    pub currency: String,
    pub booking_date: Option<String>,
    pub structured_reference: Option<String>,
    /// The remittance text as sealed (rows written before migration 14 and not yet sealed:
    /// `unstructured` holds it in plain text).
    pub unstructured_sealed: Option<Vec<u8>>,
    pub unstructured: String,
    pub reason: String,
}

/// A statement (a camt.053 `Stmt`) as an import records it, per currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankStatementRecord {
    pub account: String,
    pub statement_id: String,
    pub currency: String,
    pub sequence: Option<String>,
    pub message_id: String,
    pub opening_minor: Option<i64>,
    pub credits_minor: i64,
    pub debits_minor: i64,
    pub closing_minor: Option<i64>,
    pub closing_date: Option<String>,
    /// closing − (opening + credits − debits), when both balances are stated.
    pub statement_difference_minor: Option<i64>,
    /// Whether the ledger is compared with this statement's closing balance (the last
    /// statement of its account and currency in the file).
    pub compare_ledger: bool,
}

/// A recorded statement with its reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BankStatementRow {
    pub account: String,
    pub statement_id: String,
    pub currency: String,
    pub sequence: Option<String>,
    pub message_id: String,
    pub opening_minor: Option<i64>,
    pub credits_minor: i64,
    pub debits_minor: i64,
    pub closing_minor: Option<i64>,
    pub closing_date: Option<String>,
    pub statement_difference_minor: Option<i64>,
    pub ledger_balance_minor: Option<i64>,
    pub ledger_difference_minor: Option<i64>,
    pub imported_at_ms: i64,
}

/// What one client is paid in one currency on a run date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remittance {
    pub run_date: String,
    pub client_id: String,
    pub currency: String,
    pub owed_minor: i64,
    pub commission_minor: i64,
    pub paid_minor: i64,
    /// The client-money account paid from.
    pub debtor_iban: String,
    /// The client's account paid to.
    pub creditor_iban: String,
}

/// An account's movements in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountStatement {
    /// Balance before the period, per currency (debit positive).
    pub opening: Vec<(String, i64)>,
    pub lines: Vec<StatementLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub at_ms: i64,
    pub posting_id: i64,
    pub kind: String,
    pub description: String,
    pub currency: String,
    /// Debit positive, credit negative.
    pub amount_minor: i64,
}

/// An open case as the interest run sees it: its terms, how far its interest has run and what
/// it owes. No personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestCase {
    pub case_number: i64,
    pub client_id: String,
    pub market: String,
    pub currency: String,
    /// `consumer` or `business`.
    pub customer_kind: String,
    /// The claims' original principal together.
    pub principal_minor: i64,
    /// YYYY-MM-DD; None only for a case without claims.
    pub earliest_due_date: Option<String>,
    pub latest_due_date: Option<String>,
    /// The lowest contractual rate among the claims that carry one, in basis points.
    pub lowest_interest_rate_bp: Option<i64>,
    /// Claims with no contractual rate.
    pub claims_without_rate: i64,
    /// The day the case's interest has been accrued up to (exclusive), YYYY-MM-DD; None if it
    /// never was.
    pub accrued_to: Option<String>,
    /// What the rounding of the latest accrual left over (0 if none), for the next one.
    pub interest_carry_minor_bp_days: i64,
    /// The case's kept receivable balances in its currency (debit positive).
    pub principal_balance_minor: i64,
    pub interest_balance_minor: i64,
    pub collection_costs_balance_minor: i64,
    pub creditor_fees_balance_minor: i64,
    /// The case's version, read with the balances: a decision on these balances is carried
    /// out only while the case is still at this version.
    pub version: i64,
    /// When the case's debt arose, as far as its claims say: the earliest of the claims'
    /// `arose_on` and, for claims without one, their invoice dates; None when no claim gives
    /// `arose_on`. YYYY-MM-DD.
    pub earliest_arose_on: Option<String>,
    /// Every claim of the case says a reminder fee was agreed when the debt arose.
    pub reminder_fee_agreed: bool,
    /// The jurisdiction the claims give (ISO 3166-2): `GB-SCT` if any claim is Scottish, else
    /// the one every claim names; None when they differ or one names none.
    pub jurisdiction: Option<String>,
}

/// A decision recorded on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    pub decision_id: String,
    pub at_ms: i64,
    pub actor: String,
    pub version: i64,
    /// Its approval was carried out.
    pub executed: bool,
    pub posting_id: Option<i64>,
    /// The gate's decision with its reasons, as JSON.
    pub decision: String,
}
