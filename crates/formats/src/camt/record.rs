//! One `Ntry` and its transactions as they are read, and the [`BankEntry`] values made from
//! them, including the `bank_reference` rule (see the module documentation of [`super`]).

use chrono::NaiveDate;
use reilu_core::{Currency, Money};

use super::error::{CamtError, Limit, Position};
use super::path::Slot;
use super::values::{
    non_empty, parse_amount, parse_date, parse_direction, parse_indicator, parse_status,
};
use super::{BankEntry, Direction, EntryStatus, MAX_UNSTRUCTURED_LINES};

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

    /// The entry's own reference: `Ntry/AcctSvcrRef`, else `Ntry/NtryRef`.
    fn own_reference(&self) -> Option<&str> {
        self.servicer_ref.as_deref().or(self.entry_ref.as_deref())
    }

    /// A [`BankEntry`] for an `Ntry` without `TxDtls`.
    pub(crate) fn entry_only(
        &mut self,
        account: &str,
        at: Position,
    ) -> Result<BankEntry, CamtError> {
        let shared = self.shared(at)?;
        let bank_reference = self
            .own_reference()
            .map(str::to_owned)
            .ok_or(CamtError::Missing {
                at,
                what: "<Ntry> has no bank reference (Ntry/AcctSvcrRef or Ntry/NtryRef)",
            })?;
        Ok(BankEntry {
            account_iban: account.to_owned(),
            bank_reference,
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
        })
    }

    /// A [`BankEntry`] for the transaction at `position` (1-based) of this entry; `several`
    /// tells whether the entry holds more than one transaction.
    pub(crate) fn transaction(
        &self,
        tx: TxState,
        position: u32,
        several: bool,
        account: &str,
        at: Position,
    ) -> Result<BankEntry, CamtError> {
        let shared = self.shared(at)?;
        let bank_reference = self.reference_for(&tx, position, several, at)?;
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
        Ok(BankEntry {
            account_iban: account.to_owned(),
            bank_reference,
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
        })
    }

    /// The `bank_reference` rule for one transaction.
    fn reference_for(
        &self,
        tx: &TxState,
        position: u32,
        several: bool,
        at: Position,
    ) -> Result<String, CamtError> {
        let own = self.own_reference();
        if let Some(tx_ref) = tx.servicer_ref.as_deref() {
            // Some banks repeat the entry's reference in every transaction of a batch; it
            // tells the transactions apart only when it differs from the entry's.
            if !(several && Some(tx_ref) == own) {
                return Ok(tx_ref.to_owned());
            }
        }
        match own {
            Some(own) if several => Ok(format!("{own}/{position}")),
            Some(own) => Ok(own.to_owned()),
            None => Err(CamtError::Missing {
                at,
                what: "a transaction has no bank reference (TxDtls/Refs/AcctSvcrRef, \
                       Ntry/AcctSvcrRef or Ntry/NtryRef)",
            }),
        }
    }
}

impl TxState {
    /// Reads a transaction-level leaf element; false when the slot is not one.
    pub(crate) fn read(
        &mut self,
        slot: Slot,
        text: &str,
        currency: Option<Currency>,
        at: Position,
    ) -> Result<bool, CamtError> {
        match slot {
            Slot::TxServicerRef => self.servicer_ref = non_empty(text),
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
            Slot::DebtorName => self.debtor_name = non_empty(text),
            Slot::Unstructured => {
                if self.unstructured.len() >= MAX_UNSTRUCTURED_LINES {
                    return Err(CamtError::TooLarge {
                        at,
                        limit: Limit::UnstructuredLines,
                    });
                }
                self.unstructured.extend(non_empty(text));
            }
            Slot::StructuredRef => {
                if self.structured_reference.is_none() {
                    self.structured_reference = non_empty(text);
                }
            }
            Slot::ReturnCode => self.return_code = non_empty(text),
            Slot::ReturnProprietary => self.return_proprietary = non_empty(text),
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
        at: Position,
    ) -> Result<(), CamtError> {
        match slot {
            Slot::EntryRef => self.entry_ref = non_empty(text),
            Slot::EntryServicerRef => self.servicer_ref = non_empty(text),
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

/// Credits added up per currency, in the order the currencies first appear.
#[derive(Debug, Default)]
pub(crate) struct Totals {
    pub(crate) entries: u64,
    pub(crate) credits: Vec<(Currency, i64)>,
}

impl Totals {
    pub(crate) fn add(&mut self, entry: &BankEntry, at: Position) -> Result<(), CamtError> {
        self.entries += 1;
        if entry.direction != Direction::Credit {
            return Ok(());
        }
        let currency = entry.amount.currency();
        let index = match self
            .credits
            .iter()
            .position(|(known, _)| *known == currency)
        {
            Some(index) => index,
            None => {
                self.credits.push((currency, 0));
                self.credits.len() - 1
            }
        };
        let sum = &mut self.credits[index].1;
        *sum = sum
            .checked_add(entry.amount.amount_minor())
            .ok_or(CamtError::SumOverflow { at, currency })?;
        Ok(())
    }
}
