//! One `Ntry` and its transactions as they are read, and the [`BankEntry`] values made from
//! them, including the `bank_reference` rule (see the module documentation of [`super`]).

use chrono::NaiveDate;
use reilu_core::{Currency, Money};
use sha2::{Digest, Sha256};

use super::error::{CamtError, Limit, Position};
use super::path::Slot;
use super::values::{
    non_empty, parse_amount, parse_date, parse_direction, parse_indicator, parse_status, present,
};
use super::{
    BankEntry, Direction, EntryStatus, MAX_ENTRY_AMOUNT_MINOR, MAX_FILE_AMOUNT_MINOR,
    MAX_UNSTRUCTURED_LINES,
};

/// The report an entry belongs to, for entries that carry no bank reference of their own.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReportKey<'a> {
    pub(crate) account: &'a str,
    pub(crate) id: Option<&'a str>,
    pub(crate) sequence: Option<&'a str>,
}

/// The entry-level elements of the `Ntry` being read (`Stmt|Ntfctn/Ntry/…`).
#[derive(Debug, Default)]
pub(crate) struct EntryState {
    pub(crate) entry_ref: Option<String>,
    pub(crate) servicer_ref: Option<String>,
    pub(crate) amount: Option<Money>,
    pub(crate) direction: Option<Direction>,
    pub(crate) reversal: bool,
    pub(crate) status: Option<EntryStatus>,
    pub(crate) booking_date: Option<NaiveDate>,
    pub(crate) value_date: Option<NaiveDate>,
    /// An `NtryDtls` has started: entry-level elements may no longer come.
    pub(crate) in_details: bool,
    /// `TxDtls` read so far.
    pub(crate) transactions: u32,
    /// The entry's 1-based place among its report's entries.
    pub(crate) ordinal: u64,
    /// The last transaction read, held back until it is known whether the entry holds several.
    pub(crate) pending: Option<TxState>,
}

/// The elements of one `Ntry/NtryDtls/TxDtls`.
#[derive(Debug, Default)]
pub(crate) struct TxState {
    pub(crate) servicer_ref: Option<String>,
    pub(crate) end_to_end_id: Option<String>,
    pub(crate) amount: Option<Money>,
    pub(crate) amount_detail: Option<Money>,
    pub(crate) direction: Option<Direction>,
    pub(crate) debtor_name: Option<String>,
    pub(crate) debtor_iban: Option<String>,
    pub(crate) structured_reference: Option<String>,
    pub(crate) unstructured: Vec<String>,
    pub(crate) return_code: Option<String>,
    pub(crate) return_proprietary: Option<String>,
}

/// The entry-level facts every [`BankEntry`] of one `Ntry` shares.
struct Shared {
    amount: Money,
    direction: Direction,
    status: EntryStatus,
}

impl EntryState {
    fn shared(&self, at: Position) -> Result<Shared, CamtError> {
        let missing = |what| CamtError::Missing { at, what };
        Ok(Shared {
            amount: self.amount.ok_or_else(|| missing("<Ntry> has no <Amt>"))?,
            direction: self
                .direction
                .ok_or_else(|| missing("<Ntry> has no <CdtDbtInd>"))?,
            status: self.status.ok_or_else(|| missing("<Ntry> has no <Sts>"))?,
        })
    }

    /// The entry's amount and direction when it is booked (`Sts` `BOOK`): what it moves on
    /// the account's balance.
    pub(crate) fn booked_amount(&self) -> Option<(Money, Direction)> {
        match (self.status, self.amount, self.direction) {
            (Some(EntryStatus::Booked), Some(amount), Some(direction)) => Some((amount, direction)),
            _ => None,
        }
    }

    /// The entry's own reference: `Ntry/AcctSvcrRef`, else `Ntry/NtryRef`.
    fn own_reference(&self) -> Option<&str> {
        self.servicer_ref.as_deref().or(self.entry_ref.as_deref())
    }

    /// A [`BankEntry`] for an `Ntry` without `TxDtls`.
    pub(crate) fn entry_only(
        &mut self,
        report: ReportKey<'_>,
        at: Position,
    ) -> Result<BankEntry, CamtError> {
        let shared = self.shared(at)?;
        let own = self.own_reference().map(str::to_owned);
        let entry = BankEntry {
            account_iban: report.account.to_owned(),
            bank_reference: own.clone().unwrap_or_default(),
            amount: shared.amount,
            direction: shared.direction,
            reversal: self.reversal,
            status: shared.status,
            booking_date: self.booking_date,
            value_date: self.value_date,
            structured_reference: None,
            unstructured: Vec::new(),
            end_to_end_id: None,
            return_reason: None,
            debtor_name: None,
            debtor_iban: None,
        };
        match own {
            Some(_) => Ok(entry),
            None => synthetic_reference(entry, report, self.ordinal, None, at),
        }
    }

    /// A [`BankEntry`] for the transaction at `position` (1-based) of this entry; `several`
    /// tells whether the entry holds more than one transaction.
    pub(crate) fn transaction(
        &self,
        tx: TxState,
        position: u32,
        several: bool,
        report: ReportKey<'_>,
        at: Position,
    ) -> Result<BankEntry, CamtError> {
        let shared = self.shared(at)?;
        let bank_reference = self.reference_for(&tx, position, several);
        let amount = match tx.amount.or(tx.amount_detail) {
            Some(amount) => amount,
            None if !several => shared.amount,
            None => {
                return Err(CamtError::Missing {
                    at,
                    what: "a <TxDtls> of an entry with several transactions has no amount \
                           (TxDtls/Amt or TxDtls/AmtDtls/TxAmt/Amt)",
                });
            }
        };
        let entry = BankEntry {
            account_iban: report.account.to_owned(),
            bank_reference: bank_reference.clone().unwrap_or_default(),
            amount,
            direction: tx.direction.unwrap_or(shared.direction),
            reversal: self.reversal,
            status: shared.status,
            booking_date: self.booking_date,
            value_date: self.value_date,
            structured_reference: tx.structured_reference,
            unstructured: tx.unstructured,
            end_to_end_id: tx.end_to_end_id,
            return_reason: tx.return_code.or(tx.return_proprietary),
            debtor_name: tx.debtor_name,
            debtor_iban: tx.debtor_iban,
        };
        match bank_reference {
            Some(_) => Ok(entry),
            None => {
                let position = several.then_some(position);
                synthetic_reference(entry, report, self.ordinal, position, at)
            }
        }
    }

    /// What [`EntryState::transaction`] checks, without building the entry: the validation
    /// pass's version. It refuses exactly what `transaction` refuses and gives the amount
    /// and direction the file's totals count.
    pub(crate) fn check_transaction(
        &self,
        tx: &TxState,
        several: bool,
        report: ReportKey<'_>,
        at: Position,
    ) -> Result<(Money, Direction), CamtError> {
        let shared = self.shared(at)?;
        let amount = match tx.amount.or(tx.amount_detail) {
            Some(amount) => amount,
            None if !several => shared.amount,
            None => {
                return Err(CamtError::Missing {
                    at,
                    what: "a <TxDtls> of an entry with several transactions has no amount \
                           (TxDtls/Amt or TxDtls/AmtDtls/TxAmt/Amt)",
                });
            }
        };
        // `reference_for` finds a reference whenever the transaction or the entry has one.
        let referenced = tx.servicer_ref.is_some() || self.own_reference().is_some();
        check_identifiable(referenced, report, at)?;
        Ok((amount, tx.direction.unwrap_or(shared.direction)))
    }

    /// What [`EntryState::entry_only`] checks, without building the entry.
    pub(crate) fn check_entry_only(
        &self,
        report: ReportKey<'_>,
        at: Position,
    ) -> Result<(Money, Direction), CamtError> {
        let shared = self.shared(at)?;
        check_identifiable(self.own_reference().is_some(), report, at)?;
        Ok((shared.amount, shared.direction))
    }

    /// The `bank_reference` rule for one transaction; `None` when the bank gave none.
    fn reference_for(&self, tx: &TxState, position: u32, several: bool) -> Option<String> {
        let own = self.own_reference();
        if let Some(tx_ref) = tx.servicer_ref.as_deref() {
            // Some banks repeat the entry's reference in every transaction of a batch; it
            // tells the transactions apart only when it differs from the entry's.
            if !(several && Some(tx_ref) == own) {
                return Some(tx_ref.to_owned());
            }
        }
        match own {
            Some(own) if several => Some(format!("{own}/{position}")),
            Some(own) => Some(own.to_owned()),
            None => None,
        }
    }
}

/// Gives an entry without any bank reference an identity of its own (rule 3 of the module
/// documentation): the report's id and electronic sequence number, the entry's place in the
/// report (and the transaction's in the entry), and a digest of what the entry says. The same
/// file read again gives the same identity, so it is recorded once; a different entry at the
/// same place (a bank that reuses a statement id) gives another one, so money is never taken
/// for already recorded because of where it stands.
fn synthetic_reference(
    mut entry: BankEntry,
    report: ReportKey<'_>,
    ordinal: u64,
    position: Option<u32>,
    at: Position,
) -> Result<BankEntry, CamtError> {
    let Some(id) = report.id else {
        return Err(CamtError::Missing {
            at,
            what: UNIDENTIFIABLE,
        });
    };
    let place = match position {
        Some(position) => format!("{ordinal}.{position}"),
        None => ordinal.to_string(),
    };
    entry.bank_reference = format!(
        "NOREF:{id}:{}:{place}:{}",
        report.sequence.unwrap_or("-"),
        content_digest(&entry)
    );
    Ok(entry)
}

/// An entry can be told apart from every other: it has a bank reference, or its report has
/// the id a synthetic one is made from.
fn check_identifiable(
    referenced: bool,
    report: ReportKey<'_>,
    at: Position,
) -> Result<(), CamtError> {
    if referenced || report.id.is_some() {
        return Ok(());
    }
    Err(CamtError::Missing {
        at,
        what: UNIDENTIFIABLE,
    })
}

const UNIDENTIFIABLE: &str = "an entry has no bank reference (TxDtls/Refs/AcctSvcrRef, \
     Ntry/AcctSvcrRef or Ntry/NtryRef) and its report no Id to identify it by";

/// The first 12 hexadecimal digits of a SHA-256 over the entry's content, each field
/// length-prefixed so that no two different entries encode alike. The debtor's name is left
/// out: it identifies nobody's payment better than the rest and is personal data.
fn content_digest(entry: &BankEntry) -> String {
    let mut hasher = Sha256::new();
    let amount = entry.amount.amount_minor().to_string();
    let dates = [entry.booking_date, entry.value_date].map(|date| date.map(|d| d.to_string()));
    let currency = entry.amount.currency();
    let mut fields: Vec<&str> = vec![
        &amount,
        currency.code(),
        if entry.direction == Direction::Credit {
            "C"
        } else {
            "D"
        },
        if entry.reversal { "R" } else { "-" },
        dates[0].as_deref().unwrap_or(""),
        dates[1].as_deref().unwrap_or(""),
        entry.end_to_end_id.as_deref().unwrap_or(""),
        entry.structured_reference.as_deref().unwrap_or(""),
        entry.return_reason.as_deref().unwrap_or(""),
    ];
    fields.extend(entry.unstructured.iter().map(String::as_str));
    for field in fields {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    let digest = hasher.finalize();
    digest[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl TxState {
    /// Reads a transaction-level leaf element; false when the slot is not one.
    /// With `keep` false (the validation pass) texts are only checked and marked present:
    /// nothing is copied that no check needs.
    pub(crate) fn read(
        &mut self,
        slot: Slot,
        text: &str,
        currency: Option<Currency>,
        keep: bool,
        at: Position,
    ) -> Result<bool, CamtError> {
        let value = if keep { non_empty } else { present };
        match slot {
            Slot::TxServicerRef => self.servicer_ref = value(text),
            Slot::EndToEnd if !keep => {}
            Slot::EndToEnd => self.end_to_end_id = non_empty(text).filter(|id| id != "NOTPROVIDED"),
            Slot::TxAmount | Slot::TxAmountDetail => {
                let Some(currency) = currency else {
                    return Ok(true);
                };
                let amount = Some(parse_amount(text, currency, at)?);
                if slot == Slot::TxAmount {
                    self.amount = amount;
                } else {
                    self.amount_detail = amount;
                }
            }
            Slot::TxDirection => self.direction = Some(parse_direction(text, at)?),
            Slot::DebtorName => self.debtor_name = value(text),
            Slot::DebtorIban if !keep => {}
            // The payer's account only serves a refund, which an operator can also address by
            // hand: an IBAN that does not check out is left out rather than refusing the
            // file's money.
            Slot::DebtorIban => {
                self.debtor_iban = crate::iban::AccountIban::parse(text)
                    .ok()
                    .map(|iban| iban.as_str().to_owned());
            }
            Slot::Unstructured => {
                if self.unstructured.len() >= MAX_UNSTRUCTURED_LINES {
                    return Err(CamtError::TooLarge {
                        at,
                        limit: Limit::UnstructuredLines,
                    });
                }
                self.unstructured.extend(value(text));
            }
            Slot::StructuredRef => {
                if self.structured_reference.is_none() {
                    self.structured_reference = value(text);
                }
            }
            Slot::ReturnCode => self.return_code = value(text),
            Slot::ReturnProprietary => self.return_proprietary = value(text),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

impl EntryState {
    /// Reads an entry-level leaf element.
    pub(crate) fn read(
        &mut self,
        slot: Slot,
        text: &str,
        currency: Option<Currency>,
        keep: bool,
        at: Position,
    ) -> Result<(), CamtError> {
        let value = if keep { non_empty } else { present };
        match slot {
            Slot::EntryRef => self.entry_ref = value(text),
            Slot::EntryServicerRef => self.servicer_ref = value(text),
            Slot::EntryAmount => {
                if let Some(currency) = currency {
                    self.amount = Some(parse_amount(text, currency, at)?);
                }
            }
            Slot::EntryDirection => self.direction = Some(parse_direction(text, at)?),
            Slot::Reversal => self.reversal = parse_indicator(text, at)?,
            Slot::Status => self.status = Some(parse_status(text)),
            Slot::StatusProprietary => self.status = Some(EntryStatus::Other),
            Slot::BookingDate(date_time) => {
                let element = if date_time {
                    "BookgDt/DtTm"
                } else {
                    "BookgDt/Dt"
                };
                self.booking_date = Some(parse_date(text, date_time, element, at)?);
            }
            Slot::ValueDate(date_time) => {
                let element = if date_time { "ValDt/DtTm" } else { "ValDt/Dt" };
                self.value_date = Some(parse_date(text, date_time, element, at)?);
            }
            _ => {}
        }
        Ok(())
    }
}

/// Credits and debits added up per currency, in the order the currencies first appear, with
/// the import limits checked on every entry.
#[derive(Debug, Default)]
pub(crate) struct Totals {
    pub(crate) entries: u64,
    pub(crate) credits: Vec<(Currency, i64)>,
    pub(crate) debits: Vec<(Currency, i64)>,
}

impl Totals {
    pub(crate) fn add(
        &mut self,
        amount: Money,
        direction: Direction,
        at: Position,
    ) -> Result<(), CamtError> {
        self.entries += 1;
        let amount_minor = amount.amount_minor();
        if amount_minor > MAX_ENTRY_AMOUNT_MINOR {
            return Err(CamtError::EntryOverLimit {
                at,
                amount: amount.to_string(),
            });
        }
        let currency = amount.currency();
        let (sums, direction) = match direction {
            Direction::Credit => (&mut self.credits, "credits"),
            Direction::Debit => (&mut self.debits, "debits"),
        };
        let sum = sum_for(sums, currency);
        *sum = sum
            .checked_add(amount_minor)
            .ok_or(CamtError::SumOverflow { at, currency })?;
        if *sum > MAX_FILE_AMOUNT_MINOR {
            return Err(CamtError::FileOverLimit {
                at,
                currency,
                direction,
            });
        }
        Ok(())
    }
}

/// The running sum of `currency` in `sums`, added at zero when it is new.
pub(crate) fn sum_for(sums: &mut Vec<(Currency, i64)>, currency: Currency) -> &mut i64 {
    let index = match sums.iter().position(|(known, _)| *known == currency) {
        Some(index) => index,
        None => {
            sums.push((currency, 0));
            sums.len() - 1
        }
    };
    &mut sums[index].1
}
