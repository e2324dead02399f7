//! Reconciliation of the client-money bank accounts with the banks' statements: per account
//! and currency, the last statement's closing balance against the ledger, and the differences
//! still open.

use reilu_store::{BankStatementRow, Store};
use serde::Serialize;

use crate::{App, AppResult};

/// One account in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountReconciliation {
    pub account: String,
    pub currency: String,
    /// The last statement (by closing date, then import) on or before the date asked for.
    pub statement_id: String,
    pub closing_date: Option<String>,
    pub closing_minor: Option<i64>,
    /// The ledger's balance of the account when that statement was imported, and the
    /// closing balance less it.
    pub ledger_balance_minor: Option<i64>,
    pub ledger_difference_minor: Option<i64>,
    /// The ledger's balance now (later imports and transfers move it on).
    pub ledger_now_minor: i64,
    /// Differences not settled: statements since the account last reconciled with the ledger
    /// whose balances do not add up, and the last statement's difference with the ledger.
    pub open_differences: Vec<OpenDifference>,
}

/// A difference still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenDifference {
    pub statement_id: String,
    /// `statement` (opening + credits − debits ≠ closing) or `ledger` (closing ≠ ledger).
    pub kind: &'static str,
    pub difference_minor: i64,
}

impl AccountReconciliation {
    pub fn differs(&self) -> bool {
        !self.open_differences.is_empty()
    }
}

impl<S: Store> App<S> {
    /// Every account with statements (or `account`), as of `until` (`YYYY-MM-DD`, inclusive;
    /// every statement when `None`).
    pub async fn reconcile(
        &self,
        until: Option<&str>,
        account: Option<&str>,
    ) -> AppResult<Vec<AccountReconciliation>> {
        let rows = self.store.bank_statements(account, until).await?;
        let mut accounts = Vec::new();
        // Rows come ordered by account, currency and closing date.
        for group in rows.chunk_by(|a, b| a.account == b.account && a.currency == b.currency) {
            accounts.push(self.reconcile_account(group).await?);
        }
        Ok(accounts)
    }

    async fn reconcile_account(
        &self,
        statements: &[BankStatementRow],
    ) -> AppResult<AccountReconciliation> {
        let last = statements
            .iter()
            .rev()
            .find(|row| row.ledger_difference_minor.is_some())
            .or(statements.last());
        let Some(last) = last else {
            return Err(crate::AppError::Invalid("no statement to reconcile".into()));
        };
        // Statements after the last one that reconciled with the ledger are still open.
        let settled = statements
            .iter()
            .rposition(|row| row.ledger_difference_minor == Some(0))
            .map_or(0, |position| position + 1);
        let mut open: Vec<OpenDifference> = statements[settled..]
            .iter()
            .filter_map(|row| {
                row.statement_difference_minor
                    .filter(|difference| *difference != 0)
                    .map(|difference| OpenDifference {
                        statement_id: row.statement_id.clone(),
                        kind: "statement",
                        difference_minor: difference,
                    })
            })
            .collect();
        if let Some(difference) = last.ledger_difference_minor.filter(|d| *d != 0) {
            open.push(OpenDifference {
                statement_id: last.statement_id.clone(),
                kind: "ledger",
                difference_minor: difference,
            });
        }
        let bank = format!("client_money_bank:{}", last.account);
        let ledger_now_minor = self
            .store
            .balances(&bank)
            .await?
            .into_iter()
            .find(|(name, currency, _)| *name == bank && *currency == last.currency)
            .map_or(0, |(_, _, balance)| balance);
        Ok(AccountReconciliation {
            account: last.account.clone(),
            currency: last.currency.clone(),
            statement_id: last.statement_id.clone(),
            closing_date: last.closing_date.clone(),
            closing_minor: last.closing_minor,
            ledger_balance_minor: last.ledger_balance_minor,
            ledger_difference_minor: last.ledger_difference_minor,
            ledger_now_minor,
            open_differences: open,
        })
    }
}
