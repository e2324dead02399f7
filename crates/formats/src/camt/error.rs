//! What can go wrong reading a camt file, with the place in the file where it went wrong.

use std::fmt;

use reilu_core::Currency;

use super::{
    MAX_ATTRIBUTES, MAX_BALANCES, MAX_DEPTH, MAX_ENTRIES, MAX_ENTRY_AMOUNT_MINOR,
    MAX_FILE_AMOUNT_MINOR, MAX_MARKUP_RUN_BYTES, MAX_REPORTS, MAX_TEXT_BYTES,
    MAX_UNSTRUCTURED_LINES,
};

/// A place in the file: 1-based line, and 1-based column counted in bytes.
///
/// The reader reports the place it had reached when it found the problem: for a bad value that is
/// just after the element's end tag, for a bad start tag just after that tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// The resource limits a hostile or broken file can run into (see the constants in [`super`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`MAX_DEPTH`] nested elements.
    Depth,
    /// [`MAX_TEXT_BYTES`] of text in one element.
    TextBytes,
    /// [`MAX_MARKUP_RUN_BYTES`] in one XML event.
    MarkupRun,
    /// [`MAX_ATTRIBUTES`] on one element.
    Attributes,
    /// [`MAX_ENTRIES`] bank entries in one file.
    Entries,
    /// [`MAX_UNSTRUCTURED_LINES`] `RmtInf/Ustrd` lines in one transaction.
    UnstructuredLines,
    /// [`MAX_REPORTS`] statements or notifications in one file.
    Reports,
    /// [`MAX_BALANCES`] balances in one statement.
    Balances,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Depth => write!(f, "the element depth limit of {MAX_DEPTH}"),
            Limit::TextBytes => write!(f, "the text length limit of {MAX_TEXT_BYTES} bytes"),
            Limit::MarkupRun => write!(
                f,
                "the limit of {MAX_MARKUP_RUN_BYTES} bytes for one tag, text, comment or CDATA \
                 section"
            ),
            Limit::Attributes => write!(f, "the limit of {MAX_ATTRIBUTES} attributes"),
            Limit::Entries => write!(f, "the limit of {MAX_ENTRIES} entries"),
            Limit::UnstructuredLines => write!(
                f,
                "the limit of {MAX_UNSTRUCTURED_LINES} RmtInf/Ustrd lines per transaction"
            ),
            Limit::Reports => write!(f, "the limit of {MAX_REPORTS} statements/notifications"),
            Limit::Balances => write!(f, "the limit of {MAX_BALANCES} balances per statement"),
        }
    }
}

/// Why a file was refused. Messages never quote a debtor's name; quoted values are cut at 40
/// characters.
#[derive(Debug, thiserror::Error)]
pub enum CamtError {
    #[error("I/O error while reading the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("{at}: malformed XML: {message}")]
    Xml { at: Position, message: String },
    #[error("{at}: the file is not UTF-8 text (camt files are UTF-8)")]
    NotUtf8 { at: Position },
    #[error("the file declares encoding '{encoding}'; camt files must be UTF-8")]
    Encoding { encoding: String },
    #[error("the file has no XML root element (it is empty, or not XML)")]
    NoRoot,
    #[error("not a camt.053/054 file: the root element is <{element}>, expected <Document>")]
    NotDocument { element: String },
    #[error("not a camt.053/054 file: namespace '{namespace}'")]
    NotCamt { namespace: String },
    #[error(
        "{at}: not a camt.053/054 file: the namespace calls for <{expected}>, the message is \
         <{found}>"
    )]
    WrongMessage {
        at: Position,
        expected: &'static str,
        found: String,
    },
    #[error("{at}: DOCTYPE/entities are not accepted in bank files")]
    Doctype { at: Position },
    #[error("{at}: DOCTYPE/entities are not accepted: '&{name};' is not a predefined XML entity")]
    Entity { at: Position, name: String },
    #[error("truncated: the file ends inside <{element}> ({at})")]
    Truncated { element: String, at: Position },
    #[error("{at}: the file exceeds {limit}")]
    TooLarge { at: Position, limit: Limit },
    #[error("{at}: content outside the root element <Document>")]
    OutsideRoot { at: Position },
    #[error(
        "{at}: amount '{text}' is not a decimal with at most {decimals} decimals for {currency}"
    )]
    BadAmount {
        at: Position,
        text: String,
        currency: Currency,
        decimals: u8,
    },
    #[error("{at}: amount '{text}' {currency} is larger than Reilu accepts")]
    AmountTooLarge {
        at: Position,
        text: String,
        currency: Currency,
    },
    #[error("{at}: currency '{code}' is not one Reilu handles")]
    UnknownCurrency { at: Position, code: String },
    #[error("{at}: <{element}> '{text}' is not {expected}")]
    BadValue {
        at: Position,
        element: &'static str,
        text: String,
        expected: &'static str,
    },
    #[error("{at}: {what}")]
    Missing { at: Position, what: &'static str },
    #[error(
        "{at}: <{element}> follows <NtryDtls>; an entry's own elements come before its \
         transactions (ISO 20022 element order)"
    )]
    OutOfOrder { at: Position, element: &'static str },
    #[error("{at}: the account (Acct/Id/IBAN) {reason}")]
    BadAccount { at: Position, reason: String },
    #[error("{at}: the sum of credits in {currency} overflows")]
    SumOverflow { at: Position, currency: Currency },
    #[error(
        "{at}: an entry of {amount} is above the limit of {MAX_ENTRY_AMOUNT_MINOR} minor units \
         for one bank entry; the file is refused as a whole"
    )]
    EntryOverLimit { at: Position, amount: String },
    #[error(
        "{at}: the file's {direction} in {currency} add up to more than \
         {MAX_FILE_AMOUNT_MINOR} minor units, the limit for one file; the file is refused as a \
         whole"
    )]
    FileOverLimit {
        at: Position,
        currency: Currency,
        direction: &'static str,
    },
    #[error("{at}: the account (Acct/Id/Othr/Id) {reason}")]
    BadOtherAccount { at: Position, reason: &'static str },
}

/// At most 40 characters of a value, for quoting it in an error message.
pub(crate) fn excerpt(text: &str) -> String {
    text.chars().take(40).collect()
}
