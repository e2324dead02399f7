//! Which element of the message the reader is in: element names become small tags, and the
//! path of tags from the root decides what an element means (its [`Slot`]).
//!
//! Matching whole paths rather than single names keeps look-alike elements elsewhere apart:
//! `Btch/TtlAmt`, `Bal/Amt`, `Chrgs/Rcrd/Amt` and anything inside `SplmtryData/Envlp` (which
//! may hold arbitrary XML) are never taken for an entry's amount or reference.

use super::CamtKind;

/// The element names the reader cares about; everything else is [`Tag::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Document,
    BkToCstmrStmt,
    BkToCstmrDbtCdtNtfctn,
    Stmt,
    Ntfctn,
    GrpHdr,
    MsgId,
    Acct,
    Id,
    Iban,
    Ntry,
    NtryRef,
    Amt,
    CdtDbtInd,
    RvslInd,
    Sts,
    Cd,
    Prtry,
    BookgDt,
    ValDt,
    Dt,
    DtTm,
    AcctSvcrRef,
    NtryDtls,
    TxDtls,
    Refs,
    EndToEndId,
    AmtDtls,
    TxAmt,
    RltdPties,
    Dbtr,
    DbtrAcct,
    Pty,
    Nm,
    RmtInf,
    Ustrd,
    Strd,
    CdtrRefInf,
    Ref,
    RtrInf,
    Rsn,
    Othr,
    Bal,
    Tp,
    CdOrPrtry,
    ElctrncSeqNb,
    Other,
}

/// Maps a local element name (no namespace prefix) to its tag. Dispatches on the length
/// first: this runs for every start tag of the file.
pub(crate) fn tag_of(local_name: &[u8]) -> Tag {
    match local_name.len() {
        2 => match local_name {
            b"Id" => Tag::Id,
            b"Cd" => Tag::Cd,
            b"Dt" => Tag::Dt,
            b"Nm" => Tag::Nm,
            b"Tp" => Tag::Tp,
            _ => Tag::Other,
        },
        3 => match local_name {
            b"Amt" => Tag::Amt,
            b"Sts" => Tag::Sts,
            b"Pty" => Tag::Pty,
            b"Ref" => Tag::Ref,
            b"Rsn" => Tag::Rsn,
            b"Bal" => Tag::Bal,
            _ => Tag::Other,
        },
        4 => match local_name {
            b"Stmt" => Tag::Stmt,
            b"Acct" => Tag::Acct,
            b"IBAN" => Tag::Iban,
            b"Ntry" => Tag::Ntry,
            b"DtTm" => Tag::DtTm,
            b"Refs" => Tag::Refs,
            b"Dbtr" => Tag::Dbtr,
            b"Strd" => Tag::Strd,
            b"Othr" => Tag::Othr,
            _ => Tag::Other,
        },
        5 => match local_name {
            b"MsgId" => Tag::MsgId,
            b"Prtry" => Tag::Prtry,
            b"ValDt" => Tag::ValDt,
            b"TxAmt" => Tag::TxAmt,
            b"Ustrd" => Tag::Ustrd,
            _ => Tag::Other,
        },
        _ => long_tag_of(local_name),
    }
}

/// [`tag_of`] for names of six or more bytes.
fn long_tag_of(local_name: &[u8]) -> Tag {
    match local_name.len() {
        6 => match local_name {
            b"Ntfctn" => Tag::Ntfctn,
            b"GrpHdr" => Tag::GrpHdr,
            b"TxDtls" => Tag::TxDtls,
            b"RmtInf" => Tag::RmtInf,
            b"RtrInf" => Tag::RtrInf,
            _ => Tag::Other,
        },
        7 => match local_name {
            b"NtryRef" => Tag::NtryRef,
            b"RvslInd" => Tag::RvslInd,
            b"BookgDt" => Tag::BookgDt,
            b"AmtDtls" => Tag::AmtDtls,
            _ => Tag::Other,
        },
        8 => match local_name {
            b"Document" => Tag::Document,
            b"NtryDtls" => Tag::NtryDtls,
            b"DbtrAcct" => Tag::DbtrAcct,
            _ => Tag::Other,
        },
        9 => match local_name {
            b"CdtDbtInd" => Tag::CdtDbtInd,
            b"RltdPties" => Tag::RltdPties,
            b"CdOrPrtry" => Tag::CdOrPrtry,
            _ => Tag::Other,
        },
        10 => match local_name {
            b"EndToEndId" => Tag::EndToEndId,
            b"CdtrRefInf" => Tag::CdtrRefInf,
            _ => Tag::Other,
        },
        11 => match local_name {
            b"AcctSvcrRef" => Tag::AcctSvcrRef,
            _ => Tag::Other,
        },
        12 => match local_name {
            b"ElctrncSeqNb" => Tag::ElctrncSeqNb,
            _ => Tag::Other,
        },
        13 => match local_name {
            b"BkToCstmrStmt" => Tag::BkToCstmrStmt,
            _ => Tag::Other,
        },
        21 => match local_name {
            b"BkToCstmrDbtCdtNtfctn" => Tag::BkToCstmrDbtCdtNtfctn,
            _ => Tag::Other,
        },
        _ => Tag::Other,
    }
}

/// What an element means to the reader. Structural slots open and close records; the others
/// are leaves whose text is collected and read at the end tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    None,
    /// `GrpHdr/MsgId`.
    MsgId,
    /// `Stmt` or `Ntfctn`: one account's report.
    Report,
    /// `Stmt|Ntfctn/Acct/Id/IBAN`.
    AccountIban,
    /// `Stmt|Ntfctn/Acct/Id/Othr/Id`: an account named otherwise than by its IBAN.
    AccountOther,
    /// `Stmt|Ntfctn/Id`: the report's own identification.
    ReportId,
    /// `Stmt|Ntfctn/ElctrncSeqNb`: the bank's running number of the account's reports.
    ReportSequence,
    /// `Stmt/Bal`: one balance of a statement.
    Balance,
    /// `Bal/Tp/CdOrPrtry/Cd` (`OPBD`, `PRCD`, `CLBD`, …).
    BalanceType,
    /// `Bal/Amt`.
    BalanceAmount,
    /// `Bal/CdtDbtInd`.
    BalanceDirection,
    /// `Bal/Dt/Dt` (false) or `Bal/Dt/DtTm` (true).
    BalanceDate(bool),
    /// `Ntry`.
    Entry,
    EntryRef,
    EntryAmount,
    EntryDirection,
    Reversal,
    /// `Sts` (.02) or `Sts/Cd` (.08).
    Status,
    /// `Sts/Prtry` (.08): a proprietary status.
    StatusProprietary,
    /// `BookgDt/Dt` (false) or `BookgDt/DtTm` (true).
    BookingDate(bool),
    ValueDate(bool),
    EntryServicerRef,
    /// `NtryDtls/TxDtls`.
    Transaction,
    TxServicerRef,
    EndToEnd,
    /// `TxDtls/Amt` (.08).
    TxAmount,
    /// `TxDtls/AmtDtls/TxAmt/Amt`.
    TxAmountDetail,
    TxDirection,
    DebtorName,
    /// `TxDtls/RltdPties/DbtrAcct/Id/IBAN`: the payer's account.
    DebtorIban,
    Unstructured,
    StructuredRef,
    ReturnCode,
    ReturnProprietary,
}

impl Slot {
    /// Whether the slot carries an amount with a `Ccy` attribute.
    pub(crate) fn is_amount(self) -> bool {
        matches!(
            self,
            Slot::EntryAmount | Slot::TxAmount | Slot::TxAmountDetail | Slot::BalanceAmount
        )
    }
}

/// The root-level element names of one message kind, and its version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    root: Tag,
    report: Tag,
    v08: bool,
}

impl Shape {
    pub(crate) fn new(kind: CamtKind, v08: bool) -> Self {
        let (root, report) = match kind {
            CamtKind::Statement => (Tag::BkToCstmrStmt, Tag::Stmt),
            CamtKind::Notification => (Tag::BkToCstmrDbtCdtNtfctn, Tag::Ntfctn),
        };
        Shape { root, report, v08 }
    }

    /// The message element the namespace calls for (`Document/BkToCstmrStmt` or
    /// `Document/BkToCstmrDbtCdtNtfctn`).
    pub(crate) fn message(&self) -> (Tag, &'static str) {
        match self.root {
            Tag::BkToCstmrStmt => (self.root, "BkToCstmrStmt"),
            _ => (self.root, "BkToCstmrDbtCdtNtfctn"),
        }
    }

    /// The meaning of the element at the end of `path` (root first).
    pub(crate) fn slot(&self, path: &[Tag]) -> Slot {
        use Tag::*;
        match path {
            [Document, root, GrpHdr, MsgId] if *root == self.root => Slot::MsgId,
            [Document, root, report] if *root == self.root && *report == self.report => {
                Slot::Report
            }
            [Document, root, report, rest @ ..] if *root == self.root && *report == self.report => {
                match rest {
                    [Id] => Slot::ReportId,
                    [ElctrncSeqNb] => Slot::ReportSequence,
                    [Acct, Id, Iban] => Slot::AccountIban,
                    [Acct, Id, Othr, Id] => Slot::AccountOther,
                    [Bal] => Slot::Balance,
                    [Bal, balance @ ..] => Self::balance_slot(balance),
                    [Ntry] => Slot::Entry,
                    [Ntry, entry @ ..] => self.entry_slot(entry),
                    _ => Slot::None,
                }
            }
            _ => Slot::None,
        }
    }

    /// Inside `Ntry`.
    fn entry_slot(&self, path: &[Tag]) -> Slot {
        use Tag::*;
        match path {
            [NtryRef] => Slot::EntryRef,
            [Amt] => Slot::EntryAmount,
            [CdtDbtInd] => Slot::EntryDirection,
            [RvslInd] => Slot::Reversal,
            [Sts] if !self.v08 => Slot::Status,
            [Sts, Cd] if self.v08 => Slot::Status,
            [Sts, Prtry] if self.v08 => Slot::StatusProprietary,
            [BookgDt, Dt] => Slot::BookingDate(false),
            [BookgDt, DtTm] => Slot::BookingDate(true),
            [ValDt, Dt] => Slot::ValueDate(false),
            [ValDt, DtTm] => Slot::ValueDate(true),
            [AcctSvcrRef] => Slot::EntryServicerRef,
            [NtryDtls, TxDtls] => Slot::Transaction,
            [NtryDtls, TxDtls, tx @ ..] => Self::transaction_slot(tx),
            _ => Slot::None,
        }
    }

    /// Inside `Stmt/Bal`.
    fn balance_slot(path: &[Tag]) -> Slot {
        use Tag::*;
        match path {
            [Tp, CdOrPrtry, Cd] => Slot::BalanceType,
            [Amt] => Slot::BalanceAmount,
            [CdtDbtInd] => Slot::BalanceDirection,
            [Dt, Dt] => Slot::BalanceDate(false),
            [Dt, DtTm] => Slot::BalanceDate(true),
            _ => Slot::None,
        }
    }

    /// Inside `Ntry/NtryDtls/TxDtls`.
    fn transaction_slot(path: &[Tag]) -> Slot {
        use Tag::*;
        match path {
            [Refs, AcctSvcrRef] => Slot::TxServicerRef,
            [Refs, EndToEndId] => Slot::EndToEnd,
            [Amt] => Slot::TxAmount,
            [AmtDtls, TxAmt, Amt] => Slot::TxAmountDetail,
            [CdtDbtInd] => Slot::TxDirection,
            [RltdPties, Dbtr, Nm] | [RltdPties, Dbtr, Pty, Nm] => Slot::DebtorName,
            [RltdPties, DbtrAcct, Id, Iban] => Slot::DebtorIban,
            [RmtInf, Ustrd] => Slot::Unstructured,
            [RmtInf, Strd, CdtrRefInf, Ref] => Slot::StructuredRef,
            [RtrInf, Rsn, Cd] => Slot::ReturnCode,
            [RtrInf, Rsn, Prtry] => Slot::ReturnProprietary,
            _ => Slot::None,
        }
    }
}
