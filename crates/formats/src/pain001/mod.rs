//! ISO 20022 pain.001.001.09 credit transfers: client money out.
//!
//! [`write_pain001`] turns a [`CreditTransferFile`] into the XML of a
//! `CustomerCreditTransferInitiationV09` message (`Document/CstmrCdtTrfInitn`): one group header
//! (`GrpHdr`) and one payment information block (`PmtInf`) per [`PaymentBatch`], each holding one
//! `CdtTrfTxInf` per [`CreditTransfer`]. The writer is pure: the same input gives the same bytes,
//! and nothing is read from the clock or the environment.
//!
//! # Two profiles
//!
//! A batch in euro follows the EPC SEPA Credit Transfer customer-to-PSP implementation guidelines
//! (EPC132-08, 2023 rulebook): `PmtTpInf/SvcLvl/Cd` is `SEPA`, `ChrgBr` is `SLEV` (both written
//! once at `PmtInf` level, where the guidelines recommend them), amounts carry two decimals and lie
//! between 0.01 and 999 999 999.99 (AT-T002), names are at most 70 characters. A batch in any other
//! currency is a plain pain.001.001.09 payment: no service level and no charge bearer (the
//! agreement with the debtor's bank applies), amounts with the currency's own ISO 4217 decimals
//! (none for ISK). The character set and the length limits below apply to both profiles: ISO
//! allows 140-character names, but one limit keeps a creditor's name the same in every file.
//! Whether an IBAN's country belongs to SEPA is not checked here.
//!
//! # Characters
//!
//! Every text the file carries is restricted to the Latin character set of the EPC guidelines
//! (§1.4): `a-z A-Z 0-9 / - ? : ( ) . , ' +` and space. That set is also SWIFT's "x" set, which
//! cross-border and most domestic non-euro clearings carry, so one rule serves every batch: a
//! file never depends on the receiving bank accepting an extended set by bilateral agreement.
//!
//! Free text (names, remittance information) is transliterated first, identifiers are not:
//!
//! * A Latin letter with a diacritic loses the diacritic (`ä→a`, `ø→o`, `ł→l`, `ș→s`). Letters
//!   that are not "base letter + mark" are spelled out (`ß→ss`, `æ→ae`, `œ→oe`, `þ→th`). We do
//!   not use language-specific spellings such as German `ä→ae`: a payee's language is unknown
//!   here, and `ae` is wrong for Finnish, Swedish or Estonian names (`Mäkinen` is written
//!   `Makinen` in ASCII, not `Maekinen`). Dropping the mark is the one rule that is acceptable in
//!   every Latin-script language, it is the usual conversion when banks reduce names to this set,
//!   and the result stays recognisable when the payee's bank compares names (Verification of
//!   Payee matching tolerates missing diacritics far better than respelled words).
//! * Typographic punctuation becomes its plain equivalent (curly quotes and `"` → `'`, dashes
//!   and `_` → `-`, `<[{` → `(`, `>]}` → `)`, `\` → `/`, `&` → `+`); any whitespace becomes a
//!   space, and leading and trailing spaces are dropped.
//! * Everything else is refused, naming the character: other scripts (Greek, Cyrillic, …) because
//!   their romanisation depends on the language and a wrong one can fail the payee's name check,
//!   so the caller must give the Latin form of the name the account holder uses; symbols such as
//!   `@ # $ % * € ;` because they have no faithful replacement.
//!
//! Identifiers (`MsgId`, `PmtInfId`, `EndToEndId`) are refused rather than changed whenever they
//! hold a character outside the set: a silently changed end-to-end id would no longer match the
//! transfer when the bank reports it back. As the guidelines require, they may not start or end
//! with `/` nor contain `//`; we also refuse leading or trailing spaces, which banks may strip.
//! Lengths are checked after transliteration (`ß→ss` lengthens), on what goes into the file.
//!
//! # Refusals
//!
//! [`Pain001Error`] names the field and where it is (the batch by `PmtInfId`, the transfer by
//! its end-to-end id). Besides the character and length rules, a file is refused when it has no
//! batches, a batch has no transfers, an amount is not positive, a batch mixes currencies, an
//! IBAN or BIC is invalid, a euro amount exceeds 999 999 999.99, an amount or control sum exceeds
//! the 18 digits of the schema, a date cannot be written as a four-digit year, or a payment
//! information id or end-to-end id appears twice in the file (the error could not name the
//! transfer at fault, and returns could not be matched).

mod amount;
mod charset;
mod check;
mod xml;

use std::fmt;

use reilu_core::money::{Currency, Money};

use crate::iban::IbanError;

/// One credit transfer: `CdtTrfTxInf` in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditTransfer {
    /// `PmtId/EndToEndId`: at most 35 characters of the Latin set, unique in the file; the bank
    /// passes it on to the payee and reports it back on returns.
    pub end_to_end_id: String,
    /// `Amt/InstdAmt`: more than zero, in the batch's currency.
    pub amount: Money,
    /// `Cdtr/Nm`: at most 70 characters after transliteration.
    pub creditor_name: String,
    /// `CdtrAcct/Id/IBAN`, checked with [`crate::iban::AccountIban::parse`].
    pub creditor_iban: String,
    /// `CdtrAgt/FinInstnId/BICFI`, written only when given.
    pub creditor_bic: Option<String>,
    /// `RmtInf/Ustrd`: at most 140 characters after transliteration; empty means none.
    pub remittance_information: String,
}

/// One payment information block (`PmtInf`): one debtor account, one currency, one execution date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentBatch {
    /// `PmtInfId`: at most 35 characters of the Latin set, unique in the file.
    pub payment_information_id: String,
    /// `Dbtr/Nm`: at most 70 characters after transliteration.
    pub debtor_name: String,
    /// `DbtrAcct/Id/IBAN`.
    pub debtor_iban: String,
    /// `DbtrAgt/FinInstnId/BICFI`; without it the agent is written as `Othr/Id` `NOTPROVIDED`,
    /// the EPC's form for an unknown debtor agent.
    pub debtor_bic: Option<String>,
    /// `ReqdExctnDt/Dt`.
    pub requested_execution_date: chrono::NaiveDate,
    /// The batch's transfers, in the order they are written; at least one.
    pub transfers: Vec<CreditTransfer>,
}

/// A whole pain.001 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditTransferFile {
    /// `GrpHdr/MsgId`: at most 35 characters of the Latin set.
    pub message_id: String,
    /// `GrpHdr/CreDtTm`, written in UTC to the second.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// `GrpHdr/InitgPty/Nm`: at most 70 characters after transliteration.
    pub initiating_party: String,
    /// One `PmtInf` each, in this order; at least one.
    pub batches: Vec<PaymentBatch>,
}

/// A field of the input, shown with the ISO 20022 element it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    MessageId,
    CreatedAt,
    InitiatingParty,
    PaymentInformationId,
    DebtorName,
    DebtorIban,
    DebtorBic,
    RequestedExecutionDate,
    EndToEndId,
    Amount,
    CreditorName,
    CreditorIban,
    CreditorBic,
    RemittanceInformation,
}

impl Field {
    /// The input's name and the element's path below `CstmrCdtTrfInitn`.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Field::MessageId => ("message_id", "GrpHdr/MsgId"),
            Field::CreatedAt => ("created_at", "GrpHdr/CreDtTm"),
            Field::InitiatingParty => ("initiating_party", "GrpHdr/InitgPty/Nm"),
            Field::PaymentInformationId => ("payment_information_id", "PmtInf/PmtInfId"),
            Field::DebtorName => ("debtor_name", "PmtInf/Dbtr/Nm"),
            Field::DebtorIban => ("debtor_iban", "PmtInf/DbtrAcct/Id/IBAN"),
            Field::DebtorBic => ("debtor_bic", "PmtInf/DbtrAgt/FinInstnId/BICFI"),
            Field::RequestedExecutionDate => ("requested_execution_date", "PmtInf/ReqdExctnDt/Dt"),
            Field::EndToEndId => ("end_to_end_id", "CdtTrfTxInf/PmtId/EndToEndId"),
            Field::Amount => ("amount", "CdtTrfTxInf/Amt/InstdAmt"),
            Field::CreditorName => ("creditor_name", "CdtTrfTxInf/Cdtr/Nm"),
            Field::CreditorIban => ("creditor_iban", "CdtTrfTxInf/CdtrAcct/Id/IBAN"),
            Field::CreditorBic => ("creditor_bic", "CdtTrfTxInf/CdtrAgt/FinInstnId/BICFI"),
            Field::RemittanceInformation => ("remittance_information", "CdtTrfTxInf/RmtInf/Ustrd"),
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, path) = self.names();
        write!(f, "{name} ({path})")
    }
}

/// Where in the file a refused value is. Identifiers are shown as given, cut at 40 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    GroupHeader,
    Batch {
        payment_information_id: String,
    },
    Transfer {
        payment_information_id: String,
        end_to_end_id: String,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::GroupHeader => f.write_str("group header"),
            Location::Batch {
                payment_information_id,
            } => write!(f, "batch '{payment_information_id}'"),
            Location::Transfer {
                payment_information_id,
                end_to_end_id,
            } => write!(
                f,
                "transfer '{end_to_end_id}' in batch '{payment_information_id}'"
            ),
        }
    }
}

/// Why a file was not written. Each names the field and the batch or transfer at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Pain001Error {
    #[error("the file has no batches: a pain.001 needs at least one PmtInf")]
    NoBatches,
    #[error("{at}: the batch has no transfers: a PmtInf needs at least one CdtTrfTxInf")]
    EmptyBatch { at: Location },
    #[error("{at}: {field} is empty")]
    Empty { field: Field, at: Location },
    #[error(
        "{at}: {field} is {length} characters long (after transliteration); at most {max} are allowed"
    )]
    TooLong {
        field: Field,
        at: Location,
        length: usize,
        max: usize,
    },
    #[error(
        "{at}: {field} contains {character:?} (U+{code:04X}), which is outside the SEPA Latin character set and has no transliteration",
        code = code_point(.character)
    )]
    ForbiddenCharacter {
        field: Field,
        at: Location,
        character: char,
    },
    #[error("{at}: {field} {reason}")]
    MalformedIdentifier {
        field: Field,
        at: Location,
        reason: &'static str,
    },
    #[error("{at}: {field}: {error}")]
    InvalidIban {
        field: Field,
        at: Location,
        error: IbanError,
    },
    #[error(
        "{at}: {field}: '{value}' is not a BIC (4 letters or digits, 2-letter country, 2 letters or digits, optional 3-character branch)"
    )]
    InvalidBic {
        field: Field,
        at: Location,
        value: String,
    },
    #[error(
        "{at}: {field} {amount} is not positive: a credit transfer must move more than zero",
        field = Field::Amount
    )]
    NonPositiveAmount { at: Location, amount: Money },
    #[error(
        "{at}: {field} is in {found} but the batch is in {batch_currency}: one PmtInf carries one currency",
        field = Field::Amount
    )]
    MixedCurrencies {
        at: Location,
        batch_currency: Currency,
        found: Currency,
    },
    #[error(
        "{at}: {field} {amount} is over the SEPA limit of 999999999.99 EUR for one credit transfer",
        field = Field::Amount
    )]
    SepaAmountTooLarge { at: Location, amount: Money },
    #[error(
        "{at}: {field} {amount} has more than the 18 digits an ISO 20022 amount can carry",
        field = Field::Amount
    )]
    AmountTooLarge { at: Location, amount: Money },
    #[error("{at}: the control sum has more than the 18 digits ISO 20022 allows; split the file")]
    ControlSumTooLarge { at: Location },
    #[error("{at}: the payment information id appears twice in the file")]
    DuplicatePaymentInformationId { at: Location },
    #[error(
        "{at}: the end-to-end id appears twice in the file, so returns could not be matched to one transfer"
    )]
    DuplicateEndToEndId { at: Location },
    #[error("{at}: {field} must have a year from 1 to 9999")]
    DateOutOfRange { field: Field, at: Location },
}

fn code_point(character: &char) -> u32 {
    u32::from(*character)
}

/// The most characters a name (`Nm`) carries in a file, after transliteration.
pub const NAME_LENGTH_MAX: usize = check::NAME_MAX;

/// Why a name cannot go into a bank file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankNameError {
    #[error("the name is empty")]
    Empty,
    #[error(
        "the name contains {character:?} (U+{code:04X}), which is outside the SEPA Latin character set and has no transliteration",
        code = code_point(.character)
    )]
    ForbiddenCharacter { character: char },
    #[error(
        "the name is {length} characters long as a bank file writes it ('{written}'); at most {max} are allowed"
    )]
    TooLong {
        written: String,
        length: usize,
        max: usize,
    },
}

/// A name as every pain.001 Reilu writes will carry it (`Cdtr/Nm`, `Dbtr/Nm`): brought into
/// the EPC Latin set by the transliteration described above, at most [`NAME_LENGTH_MAX`]
/// characters. Refused when it cannot be, so a caller can refuse such a name before anything
/// is recorded with it (a client at onboarding, a payee of a refund).
pub fn bank_name(name: &str) -> Result<String, BankNameError> {
    let written = charset::transliterate(name)
        .map_err(|character| BankNameError::ForbiddenCharacter { character })?;
    let length = written.chars().count();
    if length == 0 {
        return Err(BankNameError::Empty);
    }
    if length > NAME_LENGTH_MAX {
        return Err(BankNameError::TooLong {
            written,
            length,
            max: NAME_LENGTH_MAX,
        });
    }
    Ok(written)
}

/// Writes the file as pain.001.001.09 XML (UTF-8, with an XML declaration).
///
/// Euro batches follow the EPC SEPA Credit Transfer guidelines, other currencies are written as
/// plain ISO 20022 (see the module documentation). `NbOfTxs` and `CtrlSum` are written at group
/// and batch level from exact integer sums of minor units; the group's `CtrlSum` adds every
/// amount irrespective of currency, as ISO 20022 defines it, in the largest number of decimals
/// any of its currencies has.
pub fn write_pain001(file: &CreditTransferFile) -> Result<String, Pain001Error> {
    let checked = check::check_file(file)?;
    Ok(xml::render(&checked))
}
