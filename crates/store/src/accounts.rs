//! The company's configured bank accounts: client-money accounts (payments in, payouts out)
//! and its own accounts (sweeps). Append-only: an account is added once and closed once, the
//! closure a row of its own.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::models::NewJournalEntry;
use crate::{SqlStore, StoreError, StoreResult, journal};

/// What an account is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BankAccountKind {
    /// A segregated account holding client money: payments come in, payouts leave.
    ClientMoney,
    /// The company's own account, where its money is swept to.
    Company,
}

impl BankAccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BankAccountKind::ClientMoney => "client_money",
            BankAccountKind::Company => "company",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "client_money" => Some(BankAccountKind::ClientMoney),
            "company" => Some(BankAccountKind::Company),
            _ => None,
        }
    }
}

impl std::fmt::Display for BankAccountKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account to add: the IBAN in its electronic form, an ISO 4217 code, validated by the
/// caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBankAccount {
    pub iban: String,
    pub currency: String,
    pub kind: BankAccountKind,
    /// The account holder's name as bank files give it; None: the default for its kind.
    pub name: Option<String>,
}

/// A configured account, open or closed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BankAccountRow {
    pub iban: String,
    pub currency: String,
    pub kind: BankAccountKind,
    pub name: Option<String>,
    pub added_by: String,
    pub added_at_ms: i64,
    pub closed_by: Option<String>,
    pub closed_at_ms: Option<i64>,
}

impl BankAccountRow {
    pub fn is_open(&self) -> bool {
        self.closed_at_ms.is_none()
    }
}

/// What closing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountClosed {
    Closed(BankAccountRow),
    /// It was closed before; nothing was written.
    AlreadyClosed(BankAccountRow),
}

const COLUMNS: &str = "a.iban, a.currency, a.kind, a.name, a.added_by, a.added_at_ms, c.closed_by, c.closed_at_ms \
     FROM bank_accounts a LEFT JOIN bank_account_closures c ON c.iban = a.iban";

pub(crate) async fn add(
    store: &SqlStore,
    account: &NewBankAccount,
    actor: &str,
    at_ms: i64,
) -> StoreResult<BankAccountRow> {
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::MAIN)).await?;
    let earlier = sqlx::query(&format!("SELECT {COLUMNS} WHERE a.iban = $1"))
        .bind(&account.iban)
        .fetch_optional(&mut *transaction)
        .await?;
    if let Some(row) = earlier {
        let row = from_row(&row)?;
        transaction.rollback().await?;
        let state = if row.is_open() { "open" } else { "closed" };
        return Err(StoreError::Conflict(format!(
            "the account {} is configured already ({} {}, {state}); a closed account is never reopened",
            row.iban, row.kind, row.currency
        )));
    }
    sqlx::query(
        "INSERT INTO bank_accounts (iban, currency, kind, name, added_by, added_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&account.iban)
    .bind(&account.currency)
    .bind(account.kind.as_str())
    .bind(account.name.clone())
    .bind(actor)
    .bind(at_ms)
    .execute(&mut *transaction)
    .await?;
    let payload = serde_json::json!({
        "currency": account.currency, "kind": account.kind.as_str(), "name": account.name,
    });
    let entry = NewJournalEntry {
        at_ms,
        actor: actor.to_owned(),
        kind: "bank_account.added".into(),
        subject: format!("bank_account:{}", account.iban),
        payload: payload.to_string(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    Ok(BankAccountRow {
        iban: account.iban.clone(),
        currency: account.currency.clone(),
        kind: account.kind,
        name: account.name.clone(),
        added_by: actor.to_owned(),
        added_at_ms: at_ms,
        closed_by: None,
        closed_at_ms: None,
    })
}

pub(crate) async fn close(
    store: &SqlStore,
    iban: &str,
    actor: &str,
    at_ms: i64,
) -> StoreResult<AccountClosed> {
    let mut transaction = store.pool().begin().await?;
    let slot = journal::reserve(&mut transaction, store.journal(journal::MAIN)).await?;
    let Some(row) = sqlx::query(&format!("SELECT {COLUMNS} WHERE a.iban = $1"))
        .bind(iban)
        .fetch_optional(&mut *transaction)
        .await?
    else {
        transaction.rollback().await?;
        return Err(StoreError::NotFound(format!(
            "no bank account {iban} is configured"
        )));
    };
    let mut account = from_row(&row)?;
    if !account.is_open() {
        transaction.rollback().await?;
        return Ok(AccountClosed::AlreadyClosed(account));
    }
    sqlx::query(
        "INSERT INTO bank_account_closures (iban, closed_by, closed_at_ms) VALUES ($1, $2, $3)",
    )
    .bind(iban)
    .bind(actor)
    .bind(at_ms)
    .execute(&mut *transaction)
    .await?;
    let payload =
        serde_json::json!({ "currency": account.currency, "kind": account.kind.as_str() });
    let entry = NewJournalEntry {
        at_ms,
        actor: actor.to_owned(),
        kind: "bank_account.closed".into(),
        subject: format!("bank_account:{iban}"),
        payload: payload.to_string(),
    };
    journal::write(&mut transaction, slot, &entry).await?;
    transaction.commit().await?;
    account.closed_by = Some(actor.to_owned());
    account.closed_at_ms = Some(at_ms);
    Ok(AccountClosed::Closed(account))
}

/// Every configured account, open ones first, then by currency, kind and IBAN.
pub(crate) async fn list(store: &SqlStore) -> StoreResult<Vec<BankAccountRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} ORDER BY c.closed_at_ms IS NOT NULL, a.currency, a.kind, a.iban"
    ))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn by_iban(store: &SqlStore, iban: &str) -> StoreResult<Option<BankAccountRow>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} WHERE a.iban = $1"))
        .bind(iban)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The open accounts of a currency and kind, oldest first.
pub(crate) async fn open_for(
    store: &SqlStore,
    currency: &str,
    kind: BankAccountKind,
) -> StoreResult<Vec<BankAccountRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} WHERE a.currency = $1 AND a.kind = $2 AND c.iban IS NULL ORDER BY a.added_at_ms, a.iban"
    ))
    .bind(currency)
    .bind(kind.as_str())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

fn from_row(row: &AnyRow) -> StoreResult<BankAccountRow> {
    let kind: String = row.try_get(2)?;
    Ok(BankAccountRow {
        iban: row.try_get(0)?,
        currency: row.try_get(1)?,
        kind: BankAccountKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("bank account kind '{kind}'")))?,
        name: row.try_get(3)?,
        added_by: row.try_get(4)?,
        added_at_ms: row.try_get(5)?,
        closed_by: row.try_get(6)?,
        closed_at_ms: row.try_get(7)?,
    })
}
