//! ISO 20022 camt.053 statements and camt.054 notifications: bank entries in.
//!
//! [`read_camt`] streams the entries of a bank-to-customer statement
//! (`Document/BkToCstmrStmt/Stmt`, camt.053.001.02, .04, .06 and .08) or debit/credit
//! notification (`Document/BkToCstmrDbtCdtNtfctn/Ntfctn`, camt.054 of the same versions) to a
//! callback, one
//! [`BankEntry`] per transaction, in file order. It never builds a tree of the document: memory
//! stays the same however long the file is. The kind and version come from the namespace of
//! the root element (`urn:iso:std:iso:20022:tech:xsd:camt.054.001.02` and so on); any other
//! namespace is refused with [`CamtError::NotCamt`]. Below the root, elements are matched by
//! their local name and their whole path from the root (a namespace prefix such as `camt:` is
//! fine); the reader does not validate against the schema — the samples and tests do that with
//! xmllint — but refuses whatever it cannot read unambiguously.
//!
//! # Two passes
//!
//! Payments are posted exactly once and nothing is posted from a file that is not entirely
//! valid, so the caller reads a file twice: first [`validate_camt`] (the same parser with a
//! callback that keeps nothing), then [`read_camt`] to post. Both passes see the same bytes
//! and give the same entries. A pass over a million entries (635 MB) takes about 3.4 s in a
//! release build on the project's 2-core machine
//! (`cargo run --release -p reilu-formats --example camt_parse_bench`).
//!
//! # What one entry is
//!
//! An `Ntry` (`Stmt|Ntfctn/Ntry`) is one booking on the account; its `NtryDtls/TxDtls` are the
//! payments inside it. A batch booking holds several `TxDtls` and yields one [`BankEntry`] per
//! `TxDtls`; an `Ntry` without `TxDtls` yields one [`BankEntry`] of its own. Entry-level data
//! (`CdtDbtInd`, `RvslInd`, `Sts`, `BookgDt`, `ValDt`) applies to every
//! transaction of the entry. The transaction's amount is `TxDtls/Amt` (.08), else
//! `TxDtls/AmtDtls/TxAmt/Amt`, else — only when the entry holds a single transaction —
//! `Ntry/Amt`. A transaction's own `TxDtls/CdtDbtInd` (.08) overrides the entry's.
//!
//! # The bank reference
//!
//! `(account_iban, bank_reference)` is the idempotency key of a payment. `bank_reference` is:
//!
//! 1. the transaction's `TxDtls/Refs/AcctSvcrRef` when present — unless the entry holds several
//!    transactions and this value merely repeats the entry's own reference (some banks copy
//!    the batch's reference into each transaction), where it tells nothing apart;
//! 2. else the entry's own reference, `Ntry/AcctSvcrRef`, or `Ntry/NtryRef` when the entry has
//!    no `AcctSvcrRef`; when the entry holds several transactions, followed by `/` and the
//!    transaction's 1-based position among the entry's `TxDtls` (`NTRY-4711/2`);
//! 3. else (some banks, Dutch ones among them, send no reference at all) an identity made from
//!    the report and the entry: `NOREF:<Stmt|Ntfctn/Id>:<ElctrncSeqNb or ->:<place>:<digest>`,
//!    where the place is the entry's 1-based position in its report (`4`, or `4.2` for the
//!    second transaction of a batch) and the digest the first 12 hexadecimal digits of a
//!    SHA-256 over the entry's amount, currency, direction, reversal, dates, end-to-end id,
//!    references, return reason and free text. The same file read again gives the same
//!    identities, so it is recorded once; a report without an `Id` is refused
//!    ([`CamtError::Missing`]). Such identities differ between a camt.054 and the camt.053 that
//!    repeats its entries: import only one kind for such an account.
//!
//! # The account
//!
//! `Acct/Id/IBAN`, checked as an IBAN, or `Acct/Id/Othr/Id` for an account the bank names
//! otherwise: an IBAN written there is taken as that IBAN, anything else is kept as written
//! (trimmed, at most 34 characters). [`BankEntry::account_iban`] carries either.
//!
//! # Balances
//!
//! Each report's identity, account, `Bal` balances (type code, signed amount, date) and the sum
//! of its booked entries (`Ntry/Amt` of entries with `Sts` `BOOK`) come back in
//! [`CamtSummary::reports`]; [`ReportSummary::balance_check`] tells whether opening +
//! credits − debits = closing.
//!
//! Banks keep `AcctSvcrRef` unique per account. Many give a payment the same value in the
//! intraday camt.054 and the end-of-day camt.053, so importing both posts it once; where a bank
//! does not, import only one of the two kinds for that account. ISO 20022 only promises that
//! `NtryRef` is unique within one report: a bank that numbers entries per statement and sends
//! no `AcctSvcrRef` would give colliding keys, and its later payments would look already
//! recorded.
//!
//! # Limits
//!
//! Every input is hostile until read. A `DOCTYPE` is refused outright, so no entity expansion
//! (billion laughs, external entities) can happen; only XML's five predefined entities and
//! character references are resolved. The constants below bound depth, text, attributes,
//! entries and free-text lines, and the amounts Reilu imports: one entry at most
//! [`MAX_ENTRY_AMOUNT_MINOR`], one file's credits (and its debits) per currency at most
//! [`MAX_FILE_AMOUNT_MINOR`], both checked with checked arithmetic while reading, so a file
//! over them is refused in the validation pass before anything is written; the reader's buffer is bounded by [`MAX_MARKUP_RUN_BYTES`]
//! before quick-xml can collect an oversized event (see `input.rs`).
//!
//! # Personal data
//!
//! [`BankEntry::debtor_name`] is a person's name, and the remittance texts may hold personal
//! data too. Callers must not log entries; `BankEntry`'s `Debug` output redacts the name, and
//! error messages never quote names.

mod doc;
mod error;
mod input;
mod path;
mod reader;
mod record;
pub mod synth;
mod values;

use std::fmt;
use std::io::BufRead;

use chrono::NaiveDate;
use reilu_core::{Currency, Money};

pub use error::{CamtError, Limit, Position};

/// Deepest element nesting accepted. The deepest path camt needs is about 12 levels
/// (`…/TxDtls/RltdPties/Dbtr/Pty/PstlAdr/AdrLine`); 64 leaves room for supplementary data
/// while keeping the reader's stack of open elements small.
pub const MAX_DEPTH: usize = 64;
/// Longest text of one element, in bytes. The longest ISO 20022 text type in these messages
/// is `Max2048Text`; 64 KiB is far above any legitimate value.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Most bytes of one XML event (a tag, a text node, a comment or CDATA section). It bounds the
/// memory the XML reader can be made to use for one event: [`MAX_TEXT_BYTES`] of text plus
/// 4 KiB (a text event also consumes the `<` after it; the longest start tag, the root with its
/// namespace declarations, is about 300 bytes).
pub const MAX_MARKUP_RUN_BYTES: usize = MAX_TEXT_BYTES + 4 * 1024;
/// Most attributes on one element. camt elements carry at most `Ccy`, and the root a few
/// namespace declarations.
pub const MAX_ATTRIBUTES: usize = 32;
/// Most bank entries in one file. A large bank's daily camt.054 for a collection account
/// holds a few million; 50 million stops a runaway generator or a concatenation of years.
pub const MAX_ENTRIES: u64 = 50_000_000;
/// The largest amount of one bank entry Reilu imports, in minor units: 10^13, i.e.
/// 100,000,000,000.00 in a currency of two decimals. Larger amounts are refused with the file
/// ([`CamtError::EntryOverLimit`]); no payment a collection agency receives comes near it, and it
/// keeps every sum of a file far inside `i64` (see [`MAX_FILE_AMOUNT_MINOR`]).
pub const MAX_ENTRY_AMOUNT_MINOR: i64 = 10_000_000_000_000;
/// The largest sum of one file's credits, and separately of its debits, per currency, in minor
/// units: 10^15. A file above it is refused as a whole ([`CamtError::FileOverLimit`]) before
/// anything from it is written. With account balances held below 10^17 by the import, no
/// balance can leave `i64` (9.2 × 10^18).
pub const MAX_FILE_AMOUNT_MINOR: i64 = 1_000_000_000_000_000;
/// Most reports (`Stmt`/`Ntfctn`) in one file: their summaries are kept until the end.
pub const MAX_REPORTS: usize = 100_000;
/// Most balances kept for one statement (ISO 20022 defines about 15 balance types).
pub const MAX_BALANCES: usize = 64;
/// Most `RmtInf/Ustrd` lines kept for one transaction. SEPA allows one line of 140
/// characters; some banks split text into several lines of 35, 64 is far above both.
pub const MAX_UNSTRUCTURED_LINES: usize = 64;

/// camt.053 or camt.054.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CamtKind {
    /// camt.053 BankToCustomerStatement: `Document/BkToCstmrStmt/Stmt`.
    Statement,
    /// camt.054 BankToCustomerDebitCreditNotification: `Document/BkToCstmrDbtCdtNtfctn/Ntfctn`.
    Notification,
}

/// What the file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CamtHeader {
    pub kind: CamtKind,
    /// The message version from the namespace: `001.02` or `001.08`.
    pub version: String,
    /// `GrpHdr/MsgId`.
    pub message_id: String,
}

/// `CdtDbtInd`: money in (`CRDT`) or out (`DBIT`) of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Credit,
    Debit,
}

/// `Ntry/Sts` (.02) or `Ntry/Sts/Cd` (.08).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryStatus {
    /// `BOOK`: on the account.
    Booked,
    /// `PDNG`: announced, not yet booked.
    Pending,
    /// `INFO`, `FUTR`, another code or a proprietary status.
    Other,
}

/// One payment on the account: a `TxDtls` of an `Ntry`, or an `Ntry` without `TxDtls`.
#[derive(Clone, PartialEq, Eq)]
pub struct BankEntry {
    /// The account the statement/notification is for (`Stmt|Ntfctn/Acct/Id/IBAN`), electronic
    /// form (upper case, no spaces), checked as an IBAN.
    pub account_iban: String,
    /// The bank's reference for this payment, unique per account (see the module
    /// documentation for the rule). Together with `account_iban` the idempotency key.
    pub bank_reference: String,
    /// The transaction's amount in minor units (see the module documentation), never negative.
    pub amount: Money,
    pub direction: Direction,
    /// `Ntry/RvslInd` is true: this entry reverses an earlier one.
    pub reversal: bool,
    pub status: EntryStatus,
    /// `Ntry/BookgDt/Dt`, or the date of `Ntry/BookgDt/DtTm` as written.
    pub booking_date: Option<NaiveDate>,
    /// `Ntry/ValDt/Dt`, or the date of `Ntry/ValDt/DtTm` as written.
    pub value_date: Option<NaiveDate>,
    /// `TxDtls/RmtInf/Strd/CdtrRefInf/Ref` of the first `Strd` that has one, as written (an RF
    /// creditor reference or a national reference such as a Finnish viitenumero).
    pub structured_reference: Option<String>,
    /// `TxDtls/RmtInf/Ustrd` lines, in order.
    pub unstructured: Vec<String>,
    /// `TxDtls/Refs/EndToEndId`, except the placeholder `NOTPROVIDED`.
    pub end_to_end_id: Option<String>,
    /// `TxDtls/RtrInf/Rsn/Cd` (an ISO external return reason code such as `AC04`), else
    /// `TxDtls/RtrInf/Rsn/Prtry`: set for a returned payment.
    pub return_reason: Option<String>,
    /// `TxDtls/RltdPties/Dbtr/Nm` (.02) or `TxDtls/RltdPties/Dbtr/Pty/Nm` (.08). Personal
    /// data: never log it.
    pub debtor_name: Option<String>,
    /// `TxDtls/RltdPties/DbtrAcct/Id/IBAN` in electronic form, when it is a valid IBAN (one
    /// that is not is left out: it only serves refunds). Personal data: never log it.
    pub debtor_iban: Option<String>,
}

impl fmt::Debug for BankEntry {
    /// Like a derived `Debug`, with the debtor's name redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BankEntry")
            .field("account_iban", &self.account_iban)
            .field("bank_reference", &self.bank_reference)
            .field("amount", &self.amount)
            .field("direction", &self.direction)
            .field("reversal", &self.reversal)
            .field("status", &self.status)
            .field("booking_date", &self.booking_date)
            .field("value_date", &self.value_date)
            .field("structured_reference", &self.structured_reference)
            .field("unstructured", &self.unstructured)
            .field("end_to_end_id", &self.end_to_end_id)
            .field("return_reason", &self.return_reason)
            .field(
                "debtor_name",
                &self.debtor_name.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "debtor_iban",
                &self.debtor_iban.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// What a whole file held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CamtSummary {
    pub header: CamtHeader,
    /// Bank entries handed to the callback.
    pub entries: u64,
    /// The sum of the credit entries' amounts per currency, in minor units, in the order the
    /// currencies first appear. Reversals of debits count (they are credits).
    pub credits_minor_by_currency: Vec<(Currency, i64)>,
    /// The same for the debit entries.
    pub debits_minor_by_currency: Vec<(Currency, i64)>,
    /// Each `Stmt` or `Ntfctn` of the file, in file order.
    pub reports: Vec<ReportSummary>,
}

/// One `Stmt` (camt.053) or `Ntfctn` (camt.054): its identity, its account, the balances a
/// statement states and what its booked entries add up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSummary {
    /// `Stmt/Id` or `Ntfctn/Id`.
    pub id: String,
    /// `ElctrncSeqNb`, as written.
    pub sequence: Option<String>,
    /// The account as the entries carry it (see [`BankEntry::account_iban`]).
    pub account: String,
    /// `Stmt/Bal`, in file order (none in a notification).
    pub balances: Vec<StatementBalance>,
    /// Booked entries (`Sts` `BOOK`) by currency, from each `Ntry/Amt`: what moves the
    /// account's balance between the statement's opening and closing balance.
    pub booked: Vec<BookedTotals>,
}

/// One `Stmt/Bal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementBalance {
    /// `Tp/CdOrPrtry/Cd`: `OPBD` (opening booked), `PRCD` (previously closed booked), `CLBD`
    /// (closing booked), `CLAV`, `ITBD`, …; empty for a proprietary type.
    pub code: String,
    /// Signed: a `DBIT` balance (an overdraft) is negative.
    pub amount_minor: i64,
    pub currency: Currency,
    pub date: Option<NaiveDate>,
}

/// Booked money in and out of one report in one currency, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookedTotals {
    pub currency: Currency,
    pub credits_minor: i64,
    pub debits_minor: i64,
    pub entries: u64,
}

/// Whether a statement's balances agree with its booked entries (ISO 20022 camt.053:
/// opening booked balance + credits − debits = closing booked balance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceCheck {
    pub currency: Currency,
    /// `OPBD`, else `PRCD`.
    pub opening_minor: i64,
    pub credits_minor: i64,
    pub debits_minor: i64,
    /// `CLBD`.
    pub closing_minor: i64,
    pub closing_date: Option<NaiveDate>,
    /// `closing − (opening + credits − debits)`: zero when the statement adds up.
    pub difference_minor: i64,
}

impl ReportSummary {
    /// The statement's closing booked balance (`CLBD`), if it states one.
    pub fn closing(&self) -> Option<&StatementBalance> {
        self.balances.iter().find(|balance| balance.code == "CLBD")
    }

    /// Checks opening + credits − debits = closing, for a report that states an opening
    /// (`OPBD`, else `PRCD`) and a closing (`CLBD`) balance in the same currency; `None`
    /// otherwise (a notification, or a statement without both). The sums are exact (i128):
    /// every amount is at most [`MAX_ENTRY_AMOUNT_MINOR`] and every total is bounded.
    pub fn balance_check(&self) -> Option<BalanceCheck> {
        let find = |code: &str| self.balances.iter().find(|balance| balance.code == code);
        let opening = find("OPBD").or_else(|| find("PRCD"))?;
        let closing = self.closing()?;
        if opening.currency != closing.currency {
            return None;
        }
        let currency = closing.currency;
        let (credits_minor, debits_minor) = self
            .booked
            .iter()
            .find(|totals| totals.currency == currency)
            .map_or((0, 0), |totals| (totals.credits_minor, totals.debits_minor));
        let expected =
            i128::from(opening.amount_minor) + i128::from(credits_minor) - i128::from(debits_minor);
        let difference = i128::from(closing.amount_minor) - expected;
        Some(BalanceCheck {
            currency,
            opening_minor: opening.amount_minor,
            credits_minor,
            debits_minor,
            closing_minor: closing.amount_minor,
            closing_date: closing.date,
            // Balances and totals are bounded far below i64 (see the limits), so this fits.
            difference_minor: i64::try_from(difference).unwrap_or(i64::MAX),
        })
    }
}

/// Why [`read_camt`] stopped: the file, or the caller's callback.
#[derive(Debug, thiserror::Error)]
pub enum CamtReadError<E> {
    #[error(transparent)]
    Camt(#[from] CamtError),
    #[error("the entry handler stopped reading: {0}")]
    Callback(E),
}

/// Streams every bank entry to `on_entry` in file order; memory does not grow with the file.
///
/// The first error ends the read: a [`CamtError`] about the file, or the callback's own error
/// as [`CamtReadError::Callback`]. Entries before the error have been handed out already,
/// which is why callers validate the whole file first ([`validate_camt`]).
pub fn read_camt<R: BufRead, E>(
    input: R,
    on_entry: impl FnMut(BankEntry) -> Result<(), E>,
) -> Result<CamtSummary, CamtReadError<E>> {
    reader::read(input, true, on_entry)
}

/// Reads the whole file and keeps nothing: the validation pass before posting. It refuses
/// exactly the files [`read_camt`] refuses and sums the same totals, but builds no entries
/// (no texts copied, no synthetic references hashed), so it costs less than a read.
pub fn validate_camt<R: BufRead>(input: R) -> Result<CamtSummary, CamtError> {
    reader::read(input, false, |_| Ok::<(), std::convert::Infallible>(())).map_err(|error| {
        match error {
            CamtReadError::Camt(error) => error,
            CamtReadError::Callback(never) => match never {},
        }
    })
}

/// The message kind and version a root namespace stands for.
fn namespace_kind(namespace: &str) -> Option<(CamtKind, &'static str)> {
    let (kind, version) = namespace
        .strip_prefix("urn:iso:std:iso:20022:tech:xsd:camt.")?
        .split_once(".001.")?;
    let kind = match kind {
        "053" => CamtKind::Statement,
        "054" => CamtKind::Notification,
        _ => return None,
    };
    let version = match version {
        "02" => "001.02",
        "04" => "001.04",
        "06" => "001.06",
        "08" => "001.08",
        _ => return None,
    };
    Some((kind, version))
}
