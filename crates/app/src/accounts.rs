//! The company's bank accounts, as an operator configures them: client-money accounts (where
//! customers pay, and payouts leave from) and the company's own accounts (where its money is
//! swept to). Money only moves through configured, open accounts; the payment import asks
//! [`App::bank_account_by_iban`] whether a statement's account is ours.

use reilu_core::Currency;
use reilu_formats::iban::AccountIban;
use reilu_store::{AccountClosed, BankAccountKind, BankAccountRow, NewBankAccount, Store};
use serde::Serialize;

use crate::{App, AppError, AppResult};

/// What closing an account did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosedAccount {
    pub account: BankAccountRow,
    /// False when it was closed before.
    pub closed_now: bool,
}

impl<S: Store> App<S> {
    /// Configures an account of the company's. The IBAN is checked (ISO 13616) and kept in
    /// its electronic form; the name, if given, must fit a bank file.
    pub async fn add_bank_account(
        &self,
        iban: &str,
        currency: &str,
        kind: BankAccountKind,
        name: Option<&str>,
        actor: &str,
    ) -> AppResult<BankAccountRow> {
        let iban = AccountIban::parse(iban)
            .map_err(|error| AppError::Invalid(format!("the account: {error}")))?;
        let currency = Currency::parse(&currency.trim().to_ascii_uppercase())
            .map_err(|error| AppError::Invalid(format!("the account's currency: {error}")))?;
        let name = match name.map(str::trim) {
            None => None,
            Some(name) => {
                reilu_formats::pain001::bank_name(name).map_err(|error| {
                    AppError::Invalid(format!(
                        "the account's name must fit a bank transfer: {error}"
                    ))
                })?;
                Some(name.to_owned())
            }
        };
        let account = NewBankAccount {
            iban: iban.as_str().to_owned(),
            currency: currency.code().to_owned(),
            kind,
            name,
        };
        Ok(self
            .store
            .add_bank_account(&account, actor, self.now_ms())
            .await?)
    }

    /// Every configured account, open ones first.
    pub async fn bank_accounts(&self) -> AppResult<Vec<BankAccountRow>> {
        Ok(self.store.bank_accounts().await?)
    }

    /// Closes an account for good: its history stays, and it takes no new statements or
    /// payouts. A client-money account is closed only once the ledger says it holds nothing,
    /// or the money in it would be stranded.
    pub async fn close_bank_account(&self, iban: &str, actor: &str) -> AppResult<ClosedAccount> {
        let iban = electronic(iban)?;
        if let Some(account) = self.store.bank_account_by_iban(&iban).await?
            && account.is_open()
            && account.kind == BankAccountKind::ClientMoney
        {
            let held = self
                .store
                .balances(&format!("client_money_bank:{iban}"))
                .await?;
            if let Some((_, currency, minor)) = held.iter().find(|(_, _, minor)| *minor != 0) {
                return Err(AppError::Invalid(format!(
                    "the client-money account {iban} still holds {} in the ledger: pay it out first",
                    crate::statement::show(*minor, currency)?
                )));
            }
        }
        match self
            .store
            .close_bank_account(&iban, actor, self.now_ms())
            .await?
        {
            AccountClosed::Closed(account) => Ok(ClosedAccount {
                account,
                closed_now: true,
            }),
            AccountClosed::AlreadyClosed(account) => Ok(ClosedAccount {
                account,
                closed_now: false,
            }),
        }
    }

    /// The configured account with this IBAN (any form), open or closed; None when it is not
    /// one of ours. The payment import refuses a statement for an account that is not ours,
    /// is closed, or is kept in another currency.
    pub async fn bank_account_by_iban(&self, iban: &str) -> AppResult<Option<BankAccountRow>> {
        let iban = electronic(iban)?;
        Ok(self.store.bank_account_by_iban(&iban).await?)
    }

    /// The one open account of this currency and kind: the default payee of a sweep, say.
    /// Refused, naming the currency, when none or several are configured.
    pub async fn open_account_for(
        &self,
        currency: &str,
        kind: BankAccountKind,
    ) -> AppResult<BankAccountRow> {
        let mut open = self.open_accounts(currency, kind).await?;
        match open.len() {
            1 => Ok(open.remove(0)),
            0 => Err(AppError::Invalid(format!(
                "no open {kind} account is configured for {currency} (reilu account add --currency {currency} --kind {kind})"
            ))),
            count => Err(AppError::Invalid(format!(
                "{count} open {kind} accounts are configured for {currency}: name the one to use"
            ))),
        }
    }

    /// The open accounts of this currency and kind, oldest first; refused, naming the
    /// currency, when there is none.
    pub async fn open_accounts(
        &self,
        currency: &str,
        kind: BankAccountKind,
    ) -> AppResult<Vec<BankAccountRow>> {
        let open = self.store.open_bank_accounts(currency, kind).await?;
        if open.is_empty() {
            return Err(AppError::Invalid(format!(
                "no open {kind} account is configured for {currency} (reilu account add --currency {currency} --kind {kind})"
            )));
        }
        Ok(open)
    }
}

/// An IBAN in its electronic form (no spaces, upper case), checked.
fn electronic(iban: &str) -> AppResult<String> {
    AccountIban::parse(iban)
        .map(|iban| iban.as_str().to_owned())
        .map_err(|error| AppError::Invalid(format!("the account: {error}")))
}
