//! The reading state of one camt document: where the reader is, what it has collected, and
//! what each element's end means.

use quick_xml::events::BytesStart;
use reilu_core::{Currency, Money};

use super::error::{CamtError, Limit, Position, excerpt};
use super::namespace_kind;
use super::path::{Shape, Slot, Tag, tag_of};
use super::record::{EntryState, ReportKey, Totals, TxState};
use super::values::{non_empty, parse_amount, parse_currency, parse_date, parse_direction};
use super::{
    BankEntry, BookedTotals, CamtHeader, CamtKind, Direction, MAX_ATTRIBUTES, MAX_BALANCES,
    MAX_DEPTH, MAX_REPORTS, MAX_TEXT_BYTES, ReportSummary, StatementBalance,
};
use crate::iban::AccountIban;

/// An element whose text is being collected, and the depth it sits at.
#[derive(Debug, Clone, Copy)]
struct Capture {
    slot: Slot,
    depth: usize,
}

#[derive(Debug, Default)]
pub(crate) struct Doc {
    path: Vec<Tag>,
    slots: Vec<Slot>,
    shape: Option<Shape>,
    kind: Option<(CamtKind, &'static str)>,
    root_closed: bool,
    message_id: Option<String>,
    account: Option<String>,
    /// The report being read: its id, sequence number, balances and booked totals.
    report: Option<ReportSummary>,
    /// The balance being read.
    balance: Option<BalanceState>,
    /// Every report read so far.
    pub(crate) reports: Vec<ReportSummary>,
    /// Entries begun in the current report.
    entry_ordinal: u64,
    entry: Option<EntryState>,
    tx: Option<TxState>,
    capture: Option<Capture>,
    currency: Option<Currency>,
    text: String,
    pub(crate) totals: Totals,
    /// Entries are built (false: the validation pass, which only checks them).
    build: bool,
}

/// What the end of an `Ntry` or `TxDtls` completed: a bank entry, or (when the document
/// builds none) the amount and direction of one that checks out.
#[expect(
    clippy::large_enum_variant,
    reason = "handed on at once; a box would cost an allocation per entry"
)]
pub(crate) enum Completed {
    Entry(BankEntry),
    Checked(Money, Direction),
}

impl Completed {
    pub(crate) fn amount(&self) -> (Money, Direction) {
        match self {
            Completed::Entry(entry) => (entry.amount, entry.direction),
            Completed::Checked(amount, direction) => (*amount, *direction),
        }
    }
}

impl Doc {
    /// A document that builds its entries (`build`), or only checks them as it would build
    /// them (the validation pass): the same checks, in the same order, refuse the same files.
    pub(crate) fn new(build: bool) -> Self {
        Doc {
            path: Vec::with_capacity(MAX_DEPTH),
            slots: Vec::with_capacity(MAX_DEPTH),
            text: String::with_capacity(256),
            build,
            ..Doc::default()
        }
    }

    /// A start tag (or the start half of an empty element).
    pub(crate) fn start(
        &mut self,
        element: &BytesStart<'_>,
        at: Position,
    ) -> Result<(), CamtError> {
        if self.root_closed {
            return Err(CamtError::OutsideRoot { at });
        }
        if self.path.len() >= MAX_DEPTH {
            return Err(CamtError::TooLarge {
                at,
                limit: Limit::Depth,
            });
        }
        if self
            .capture
            .is_some_and(|capture| capture.depth == self.path.len())
        {
            // Text around a child would be joined into one value: `1<x/>0.00` is not `10.00`.
            return Err(CamtError::Xml {
                at,
                message: "an element inside an element that holds a value".to_owned(),
            });
        }
        let tag = tag_of(element.local_name().as_ref());
        match (self.path.len(), self.shape) {
            (0, _) => self.open_root(element, tag, at)?,
            (1, Some(shape)) if shape.message().0 != tag => {
                let found = String::from_utf8_lossy(element.local_name().as_ref()).into_owned();
                return Err(CamtError::WrongMessage {
                    at,
                    expected: shape.message().1,
                    found: excerpt(&found),
                });
            }
            _ => {}
        }
        self.path.push(tag);
        let slot = match self.shape {
            Some(shape) => shape.slot(&self.path),
            None => Slot::None,
        };
        self.slots.push(slot);
        let currency = read_attributes(element, slot.is_amount(), at)?;
        match slot {
            Slot::None => {}
            Slot::Report => {
                self.account = None;
                self.entry_ordinal = 0;
                self.report = Some(ReportSummary {
                    id: String::new(),
                    sequence: None,
                    account: String::new(),
                    balances: Vec::new(),
                    booked: Vec::new(),
                });
            }
            Slot::Balance => self.balance = Some(BalanceState::default()),
            Slot::Entry => self.begin_entry(at)?,
            Slot::Transaction => self.begin_transaction(),
            leaf => {
                self.check_order(leaf, at)?;
                if leaf.is_amount() {
                    self.currency = Some(currency.ok_or(CamtError::Missing {
                        at,
                        what: "an <Amt> has no Ccy attribute",
                    })?);
                }
                self.capture = Some(Capture {
                    slot: leaf,
                    depth: self.path.len(),
                });
                self.text.clear();
            }
        }
        Ok(())
    }

    /// `Document`: the namespace tells the message and its version.
    fn open_root(
        &mut self,
        element: &BytesStart<'_>,
        tag: Tag,
        at: Position,
    ) -> Result<(), CamtError> {
        if tag != Tag::Document {
            let name = String::from_utf8_lossy(element.name().as_ref()).into_owned();
            return Err(CamtError::NotDocument {
                element: excerpt(&name),
            });
        }
        let prefix = element
            .name()
            .prefix()
            .map(|prefix| prefix.as_ref().to_vec());
        let mut namespace = String::new();
        for attribute in element.attributes() {
            let attribute = attribute.map_err(|error| xml_error(at, &error))?;
            let key = attribute.key.as_ref();
            let declares = match &prefix {
                None => key == b"xmlns",
                Some(prefix) => key.strip_prefix(b"xmlns:") == Some(prefix.as_slice()),
            };
            if declares {
                let value = attribute
                    .unescape_value()
                    .map_err(|error| xml_error(at, &error))?;
                namespace = value.into_owned();
            }
        }
        let (kind, version) = namespace_kind(&namespace).ok_or_else(|| CamtError::NotCamt {
            namespace: namespace.chars().take(100).collect(),
        })?;
        self.shape = Some(Shape::new(kind, version == "001.08"));
        self.kind = Some((kind, version));
        Ok(())
    }

    fn begin_entry(&mut self, at: Position) -> Result<(), CamtError> {
        if self.account.is_none() {
            return Err(CamtError::Missing {
                at,
                what: "<Ntry> comes before the account's Acct/Id/IBAN",
            });
        }
        // The place counts every entry of the report, booked or not.
        self.entry_ordinal += 1;
        self.entry = Some(EntryState {
            ordinal: self.entry_ordinal,
            ..EntryState::default()
        });
        Ok(())
    }

    fn begin_transaction(&mut self) {
        if let Some(entry) = self.entry.as_mut() {
            entry.in_details = true;
        }
        self.tx = Some(TxState::default());
    }

    /// Entry-level elements must come before the entry's first transaction: the transactions
    /// already handed out were built from them.
    fn check_order(&self, slot: Slot, at: Position) -> Result<(), CamtError> {
        let element = match slot {
            Slot::EntryRef => "NtryRef",
            Slot::EntryAmount => "Amt",
            Slot::EntryDirection => "CdtDbtInd",
            Slot::Reversal => "RvslInd",
            Slot::Status | Slot::StatusProprietary => "Sts",
            Slot::BookingDate(_) => "BookgDt",
            Slot::ValueDate(_) => "ValDt",
            Slot::EntryServicerRef => "AcctSvcrRef",
            _ => return Ok(()),
        };
        match &self.entry {
            Some(entry) if entry.in_details => Err(CamtError::OutOfOrder { at, element }),
            _ => Ok(()),
        }
    }

    /// Text, CDATA or a resolved reference inside the current element.
    pub(crate) fn text(&mut self, text: &str, at: Position) -> Result<(), CamtError> {
        match self.capture {
            Some(capture) if capture.depth == self.path.len() => {
                if self.text.len() + text.len() > MAX_TEXT_BYTES {
                    return Err(CamtError::TooLarge {
                        at,
                        limit: Limit::TextBytes,
                    });
                }
                self.text.push_str(text);
            }
            _ if text.len() > MAX_TEXT_BYTES => {
                return Err(CamtError::TooLarge {
                    at,
                    limit: Limit::TextBytes,
                });
            }
            _ if self.path.is_empty()
                && !text.trim_matches(super::values::is_xml_space).is_empty() =>
            {
                return Err(CamtError::OutsideRoot { at });
            }
            _ => {}
        }
        Ok(())
    }

    /// An end tag (or the end half of an empty element); returns the bank entry it completes.
    pub(crate) fn end(&mut self, at: Position) -> Result<Option<Completed>, CamtError> {
        let slot = self.slots.pop().unwrap_or(Slot::None);
        let depth = self.path.len();
        self.path.pop();
        if self.path.is_empty() {
            self.root_closed = true;
        }
        if let Some(capture) = self.capture
            && capture.depth == depth
        {
            self.capture = None;
            self.leaf(capture.slot, at)?;
        }
        match slot {
            Slot::Entry => {
                let booked = self.entry.as_ref().and_then(EntryState::booked_amount);
                let entry = self.end_entry(at)?;
                if let Some((amount, direction)) = booked {
                    self.add_booked(amount, direction, at)?;
                }
                Ok(Some(entry))
            }
            Slot::Transaction => self.end_transaction(at),
            Slot::Balance => self.end_balance(at).map(|()| None),
            Slot::Report => self.end_report(at).map(|()| None),
            _ => Ok(None),
        }
    }

    /// The report's key for entries without a bank reference.
    fn report_key(&self) -> ReportKey<'_> {
        let report = self.report.as_ref();
        ReportKey {
            account: self.account.as_deref().unwrap_or_default(),
            id: report
                .map(|report| report.id.as_str())
                .filter(|id| !id.is_empty()),
            sequence: report.and_then(|report| report.sequence.as_deref()),
        }
    }

    /// Adds a booked entry's amount (`Ntry/Amt`) to its report's totals.
    fn add_booked(
        &mut self,
        amount: Money,
        direction: Direction,
        at: Position,
    ) -> Result<(), CamtError> {
        let Some(report) = self.report.as_mut() else {
            return Ok(());
        };
        let currency = amount.currency();
        let index = match report.booked.iter().position(|t| t.currency == currency) {
            Some(index) => index,
            None => {
                report.booked.push(BookedTotals {
                    currency,
                    credits_minor: 0,
                    debits_minor: 0,
                    entries: 0,
                });
                report.booked.len() - 1
            }
        };
        let totals = &mut report.booked[index];
        let sum = match direction {
            Direction::Credit => &mut totals.credits_minor,
            Direction::Debit => &mut totals.debits_minor,
        };
        *sum = sum
            .checked_add(amount.amount_minor())
            .ok_or(CamtError::SumOverflow { at, currency })?;
        totals.entries += 1;
        Ok(())
    }

    fn end_balance(&mut self, at: Position) -> Result<(), CamtError> {
        let Some(balance) = self.balance.take() else {
            return Ok(());
        };
        let amount = balance.amount.ok_or(CamtError::Missing {
            at,
            what: "a <Bal> has no <Amt>",
        })?;
        let direction = balance.direction.ok_or(CamtError::Missing {
            at,
            what: "a <Bal> has no <CdtDbtInd>",
        })?;
        let Some(report) = self.report.as_mut() else {
            return Ok(());
        };
        if report.balances.len() >= MAX_BALANCES {
            return Err(CamtError::TooLarge {
                at,
                limit: Limit::Balances,
            });
        }
        let amount_minor = match direction {
            Direction::Credit => amount.amount_minor(),
            Direction::Debit => -amount.amount_minor(),
        };
        report.balances.push(StatementBalance {
            code: balance.code.unwrap_or_default(),
            amount_minor,
            currency: amount.currency(),
            date: balance.date,
        });
        Ok(())
    }

    fn end_report(&mut self, at: Position) -> Result<(), CamtError> {
        let Some(mut report) = self.report.take() else {
            return Ok(());
        };
        if self.reports.len() >= MAX_REPORTS {
            return Err(CamtError::TooLarge {
                at,
                limit: Limit::Reports,
            });
        }
        report.account = self.account.take().unwrap_or_default();
        self.reports.push(report);
        Ok(())
    }

    fn end_transaction(&mut self, at: Position) -> Result<Option<Completed>, CamtError> {
        let (Some(entry), Some(tx)) = (self.entry.as_mut(), self.tx.take()) else {
            return Ok(None);
        };
        entry.transactions += 1;
        let Some(previous) = entry.pending.replace(tx) else {
            return Ok(None);
        };
        let position = entry.transactions - 1;
        let report = ReportKey {
            account: self.account.as_deref().unwrap_or_default(),
            id: self
                .report
                .as_ref()
                .map(|report| report.id.as_str())
                .filter(|id| !id.is_empty()),
            sequence: self
                .report
                .as_ref()
                .and_then(|report| report.sequence.as_deref()),
        };
        if !self.build {
            let (amount, direction) = entry.check_transaction(&previous, true, report, at)?;
            return Ok(Some(Completed::Checked(amount, direction)));
        }
        entry
            .transaction(previous, position, true, report, at)
            .map(|built| Some(Completed::Entry(built)))
    }

    fn end_entry(&mut self, at: Position) -> Result<Completed, CamtError> {
        let mut entry = self.entry.take().unwrap_or_default();
        let key = self.report_key();
        let pending = entry.pending.take();
        if !self.build {
            let (amount, direction) = match &pending {
                None => entry.check_entry_only(key, at)?,
                Some(tx) => entry.check_transaction(tx, entry.transactions > 1, key, at)?,
            };
            return Ok(Completed::Checked(amount, direction));
        }
        let built = match pending {
            None => entry.entry_only(key, at)?,
            Some(tx) => {
                let count = entry.transactions;
                entry.transaction(tx, count, count > 1, key, at)?
            }
        };
        Ok(Completed::Entry(built))
    }
}

impl Doc {
    /// The collected text of a leaf element, read according to its slot.
    fn leaf(&mut self, slot: Slot, at: Position) -> Result<(), CamtError> {
        let text = self.text.as_str();
        let currency = self.currency.take();
        match slot {
            Slot::MsgId => self.message_id = non_empty(text),
            Slot::AccountIban => {
                let iban = AccountIban::parse(text).map_err(|error| CamtError::BadAccount {
                    at,
                    reason: error.to_string(),
                })?;
                self.account = Some(iban.as_str().to_owned());
            }
            Slot::AccountOther => self.account = Some(other_account(text, at)?),
            Slot::ReportId => {
                if let Some(report) = self.report.as_mut() {
                    report.id = non_empty(text).unwrap_or_default();
                }
            }
            Slot::ReportSequence => {
                if let Some(report) = self.report.as_mut() {
                    report.sequence = non_empty(text);
                }
            }
            Slot::BalanceType => {
                if let Some(balance) = self.balance.as_mut() {
                    balance.code = non_empty(text);
                }
            }
            Slot::BalanceAmount => {
                if let (Some(balance), Some(currency)) = (self.balance.as_mut(), currency) {
                    balance.amount = Some(parse_amount(text, currency, at)?);
                }
            }
            Slot::BalanceDirection => {
                if let Some(balance) = self.balance.as_mut() {
                    balance.direction = Some(parse_direction(text, at)?);
                }
            }
            Slot::BalanceDate(date_time) => {
                if let Some(balance) = self.balance.as_mut() {
                    let element = if date_time {
                        "Bal/Dt/DtTm"
                    } else {
                        "Bal/Dt/Dt"
                    };
                    balance.date = Some(parse_date(text, date_time, element, at)?);
                }
            }
            _ => {
                if let Some(tx) = self.tx.as_mut()
                    && tx.read(slot, text, currency, self.build, at)?
                {
                    return Ok(());
                }
                if let Some(entry) = self.entry.as_mut() {
                    entry.read(slot, text, currency, self.build, at)?;
                }
            }
        }
        Ok(())
    }

    /// At the end of the input: the summary, or why the file is incomplete.
    pub(crate) fn finish(
        self,
        at: Position,
    ) -> Result<(CamtHeader, Totals, Vec<ReportSummary>), CamtError> {
        if !self.path.is_empty() {
            return Err(CamtError::Truncated {
                element: self.open_element().to_owned(),
                at,
            });
        }
        let Some((kind, version)) = self.kind else {
            return Err(CamtError::NoRoot);
        };
        let message_id = self.message_id.ok_or(CamtError::Missing {
            at,
            what: "the file has no GrpHdr/MsgId",
        })?;
        let header = CamtHeader {
            kind,
            version: version.to_owned(),
            message_id,
        };
        Ok((header, self.totals, self.reports))
    }

    /// The element a truncated file ends in: the entry if one was open, else the innermost
    /// element of the message's frame.
    pub(crate) fn open_element(&self) -> &'static str {
        if self.entry.is_some() {
            return "Ntry";
        }
        self.path
            .iter()
            .rev()
            .find_map(|tag| match tag {
                Tag::Acct => Some("Acct"),
                Tag::Stmt => Some("Stmt"),
                Tag::Ntfctn => Some("Ntfctn"),
                Tag::GrpHdr => Some("GrpHdr"),
                Tag::BkToCstmrStmt => Some("BkToCstmrStmt"),
                Tag::BkToCstmrDbtCdtNtfctn => Some("BkToCstmrDbtCdtNtfctn"),
                _ => None,
            })
            .unwrap_or("Document")
    }
}

/// A `Bal` being read.
#[derive(Debug, Default)]
struct BalanceState {
    code: Option<String>,
    amount: Option<reilu_core::Money>,
    direction: Option<Direction>,
    date: Option<chrono::NaiveDate>,
}

/// `Acct/Id/Othr/Id` (ISO 20022 `Max34Text`): an IBAN written there is taken as the IBAN (so
/// it matches the account however the bank names it); any other identifier is kept as
/// written, without its surrounding white space.
fn other_account(text: &str, at: Position) -> Result<String, CamtError> {
    let bad = |reason| CamtError::BadOtherAccount { at, reason };
    let trimmed = non_empty(text).ok_or(bad("is empty"))?;
    if let Ok(iban) = AccountIban::parse(&trimmed) {
        return Ok(iban.as_str().to_owned());
    }
    if trimmed.chars().count() > 34 {
        return Err(bad("is longer than 34 characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(bad("holds control characters"));
    }
    Ok(trimmed)
}

/// Counts a start tag's attributes against [`MAX_ATTRIBUTES`] and, for an amount, reads `Ccy`.
fn read_attributes(
    element: &BytesStart<'_>,
    want_currency: bool,
    at: Position,
) -> Result<Option<Currency>, CamtError> {
    let mut currency = None;
    for (index, attribute) in element.attributes().enumerate() {
        if index >= MAX_ATTRIBUTES {
            return Err(CamtError::TooLarge {
                at,
                limit: Limit::Attributes,
            });
        }
        let attribute = attribute.map_err(|error| xml_error(at, &error))?;
        if want_currency && attribute.key.local_name().as_ref() == b"Ccy" {
            let value = attribute
                .unescape_value()
                .map_err(|error| xml_error(at, &error))?;
            currency = Some(parse_currency(&value, at)?);
        }
    }
    Ok(currency)
}

pub(crate) fn xml_error(at: Position, error: &dyn std::fmt::Display) -> CamtError {
    CamtError::Xml {
        at,
        message: error.to_string(),
    }
}
