//! `reilu check` for the ledger: every invariant re-derived from the entries. The entries are
//! read in key order, a bounded page at a time (a placement posting can hold thousands of
//! entries, so pages count entries, not postings); the sums a case's receivables need are
//! kept as numbers by case rather than by account name, so memory grows by a few dozen
//! bytes per case, not per account code.

use std::collections::{BTreeMap, HashMap};

use sqlx::{AnyConnection, AnyPool, Row};

use crate::ledger::{
    CASE_BALANCE_COLUMNS, balanced, case_balance_accounts, component_index, entries_hash,
    receivable,
};
use crate::models::{LedgerCheck, PostingEntryRow};
use crate::{Backend, StoreResult};

/// Entries read per query.
const ENTRIES_PER_PAGE: i64 = 20_000;
/// Postings (id and hash) and case balance rows read per query.
const ROWS_PER_PAGE: i64 = 5_000;

/// Every invariant of the ledger, re-derived from the entries: each posting balances and is
/// unchanged (its hash), each account's kept balance equals the sum of its entries, and per
/// currency the client-money bank holds exactly what is owed to clients, unallocated,
/// overpaid and the company's own.
pub(crate) async fn check(pool: &AnyPool, backend: Backend) -> StoreResult<LedgerCheck> {
    // One snapshot for every query: an import committing while the check pages through the
    // ledger would otherwise show up as balances that disagree with their entries.
    let mut transaction = pool.begin().await?;
    if backend == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .execute(&mut *transaction)
            .await?;
    }
    let report = check_in(&mut transaction).await?;
    transaction.rollback().await?;
    Ok(report)
}

/// The check inside one read transaction (SQLite in WAL mode reads one snapshot from the
/// first read to the end of the transaction; PostgreSQL does so in REPEATABLE READ).
async fn check_in(connection: &mut AnyConnection) -> StoreResult<LedgerCheck> {
    let mut report = LedgerCheck::default();
    let mut sums = DerivedSums::default();
    let mut hashes = PostingHashes::default();
    let mut current: Option<(i64, Vec<PostingEntryRow>)> = None;
    let mut after: (i64, i64) = (0, -1);
    loop {
        let rows = sqlx::query(
            "SELECT posting_id, line, account, currency, amount_minor FROM ledger_entries \
             WHERE (posting_id, line) > ($1, $2) ORDER BY posting_id, line LIMIT $3",
        )
        .bind(after.0)
        .bind(after.1)
        .bind(ENTRIES_PER_PAGE)
        .fetch_all(&mut *connection)
        .await?;
        let Some(last) = rows.last() else { break };
        after = (last.try_get(0)?, last.try_get(1)?);
        for row in &rows {
            let posting_id: i64 = row.try_get(0)?;
            let entry = PostingEntryRow {
                account: row.try_get(2)?,
                currency: row.try_get(3)?,
                amount_minor: row.try_get(4)?,
            };
            sums.add(&entry);
            match &mut current {
                Some((id, entries)) if *id == posting_id => entries.push(entry),
                _ => {
                    if let Some((id, entries)) = current.take() {
                        hashes
                            .verify(&mut *connection, id, &entries, &mut report)
                            .await?;
                    }
                    current = Some((posting_id, vec![entry]));
                }
            }
        }
    }
    if let Some((id, entries)) = current.take() {
        hashes
            .verify(&mut *connection, id, &entries, &mut report)
            .await?;
    }
    hashes.finish(&mut *connection, &mut report).await?;
    compare_balances(&mut *connection, &sums, &mut report).await?;
    check_client_money(&sums.accounts, &mut report);
    Ok(report)
}

/// What a case's receivable entries sum to, by component in `Component::ALL` order, and
/// which components have any entry at all.
struct CaseSums {
    /// The ISO 4217 code's three letters, kept inline: there is one of these per case.
    currency: [u8; 3],
    minor: [i128; 4],
    touched: [bool; 4],
}

/// A three-letter currency code as bytes; None for anything else (kept by account code then).
fn currency_code(text: &str) -> Option<[u8; 3]> {
    text.as_bytes().try_into().ok()
}

/// Sums of the entries by account: receivables by case, every other account by its code.
#[derive(Default)]
struct DerivedSums {
    cases: HashMap<i64, CaseSums>,
    accounts: BTreeMap<(String, String), i128>,
}

impl DerivedSums {
    fn add(&mut self, entry: &PostingEntryRow) {
        let amount = i128::from(entry.amount_minor);
        if let (Some((case_number, component)), Some(currency)) =
            (receivable(&entry.account), currency_code(&entry.currency))
        {
            let sums = self.cases.entry(case_number).or_insert(CaseSums {
                currency,
                minor: [0; 4],
                touched: [false; 4],
            });
            // A receivable in another currency than the case's first one has no kept balance
            // to match; keeping it by its code makes the comparison report it.
            if sums.currency == currency {
                let index = component_index(component);
                sums.minor[index] += amount;
                sums.touched[index] = true;
                return;
            }
        }
        *self
            .accounts
            .entry((entry.account.clone(), entry.currency.clone()))
            .or_insert(0) += amount;
    }

    /// How many (account, currency) pairs have entries.
    fn accounts_with_entries(&self) -> usize {
        let receivables: usize = self
            .cases
            .values()
            .map(|sums| sums.touched.iter().filter(|touched| **touched).count())
            .sum();
        receivables + self.accounts.len()
    }
}

/// The stored hashes of the postings, read a page ahead of the entries in id order, so a
/// posting's entries are compared with its hash as soon as they are all read.
#[derive(Default)]
struct PostingHashes {
    page: BTreeMap<i64, String>,
    read_to: i64,
    exhausted: bool,
}

impl PostingHashes {
    /// Checks one posting's entries (balance, hash); postings before it that have no entries
    /// at all are reported on the way.
    async fn verify(
        &mut self,
        connection: &mut AnyConnection,
        id: i64,
        entries: &[PostingEntryRow],
        report: &mut LedgerCheck,
    ) -> StoreResult<()> {
        while !self.exhausted && self.read_to < id {
            self.read_page(&mut *connection).await?;
        }
        while let Some((&first, _)) = self.page.first_key_value() {
            if first >= id {
                break;
            }
            self.page.remove(&first);
            report.postings += 1;
            report
                .problems
                .push(format!("posting {first} has no entries"));
        }
        let Some(stored_hash) = self.page.remove(&id) else {
            report.problems.push(format!(
                "entries refer to posting {id}, which does not exist"
            ));
            return Ok(());
        };
        report.postings += 1;
        if !balanced(entries) {
            report
                .problems
                .push(format!("posting {id} does not balance"));
        } else if entries_hash(entries) != stored_hash {
            report
                .problems
                .push(format!("posting {id} was changed after it was written"));
        }
        Ok(())
    }

    async fn read_page(&mut self, connection: &mut AnyConnection) -> StoreResult<()> {
        let rows = sqlx::query(
            "SELECT id, entries_sha256 FROM postings WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(self.read_to)
        .bind(ROWS_PER_PAGE)
        .fetch_all(&mut *connection)
        .await?;
        match rows.last() {
            Some(last) => self.read_to = last.try_get(0)?,
            None => self.exhausted = true,
        }
        for row in &rows {
            self.page.insert(row.try_get(0)?, row.try_get(1)?);
        }
        Ok(())
    }

    /// Postings after the last entry have no entries.
    async fn finish(
        &mut self,
        connection: &mut AnyConnection,
        report: &mut LedgerCheck,
    ) -> StoreResult<()> {
        loop {
            for id in std::mem::take(&mut self.page).into_keys() {
                report.postings += 1;
                report.problems.push(format!("posting {id} has no entries"));
            }
            if self.exhausted {
                return Ok(());
            }
            self.read_page(&mut *connection).await?;
        }
    }
}

async fn compare_balances(
    connection: &mut AnyConnection,
    sums: &DerivedSums,
    report: &mut LedgerCheck,
) -> StoreResult<()> {
    let mut tally = Tally::default();
    for row in &sqlx::query("SELECT account, currency, balance_minor FROM account_balances")
        .fetch_all(&mut *connection)
        .await?
    {
        let key: (String, String) = (row.try_get(0)?, row.try_get(1)?);
        let derived = sums.accounts.get(&key).copied();
        tally.compare(&key.0, &key.1, row.try_get(2)?, derived, report);
    }
    let columns = CASE_BALANCE_COLUMNS.join(", ");
    let mut after: i64 = i64::MIN;
    loop {
        let rows = sqlx::query(&format!(
            "SELECT case_number, currency, {columns} FROM case_balances WHERE case_number > $1 ORDER BY case_number LIMIT $2"
        ))
        .bind(after)
        .bind(ROWS_PER_PAGE)
        .fetch_all(&mut *connection)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        for row in &rows {
            let case_number: i64 = row.try_get(0)?;
            let case = sums.cases.get(&case_number);
            for (index, (account, currency, balance_minor)) in
                case_balance_accounts(row)?.into_iter().enumerate()
            {
                let derived = case
                    .filter(|case| {
                        currency_code(&currency) == Some(case.currency) && case.touched[index]
                    })
                    .map(|case| case.minor[index]);
                // A component never written to has no entries and a zero balance: not an
                // account.
                if derived.is_none() && balance_minor == 0 {
                    continue;
                }
                tally.compare(&account, &currency, balance_minor, derived, report);
            }
        }
    }
    let with_entries = sums.accounts_with_entries();
    if tally.with_entries != with_entries {
        report.problems.push(format!(
            "{} accounts have entries but no kept balance",
            with_entries.saturating_sub(tally.with_entries)
        ));
    }
    report.accounts = tally.kept;
    Ok(())
}

/// Kept balances compared so far, and how many of them have entries.
#[derive(Default)]
struct Tally {
    kept: usize,
    with_entries: usize,
}

impl Tally {
    fn compare(
        &mut self,
        account: &str,
        currency: &str,
        balance_minor: i64,
        derived: Option<i128>,
        report: &mut LedgerCheck,
    ) {
        self.kept += 1;
        self.with_entries += usize::from(derived.is_some());
        let derived = derived.unwrap_or(0);
        if i128::from(balance_minor) != derived {
            report.problems.push(format!(
                "account {account} {currency} shows {balance_minor} but its entries sum to {derived}"
            ));
        }
    }
}

/// Client money: per currency, the client-money bank accounts hold exactly what is owed to
/// clients, unallocated, owed back to customers and the company's own not yet swept (the
/// company's money swept to its own accounts is what its revenue has that the client-money
/// accounts no longer hold); and the company never swept more than it earned.
fn check_client_money(sums: &BTreeMap<(String, String), i128>, report: &mut LedgerCheck) {
    let mut difference: BTreeMap<&str, i128> = BTreeMap::new();
    let mut earned: BTreeMap<&str, i128> = BTreeMap::new();
    let mut swept: BTreeMap<&str, i128> = BTreeMap::new();
    for ((account, currency), sum) in sums {
        let counts = [
            "client_money_bank:",
            "client_liability:",
            "overpaid:",
            "company_bank:",
        ]
        .iter()
        .any(|prefix| account.starts_with(prefix))
            || account == "unallocated"
            || account == "company_revenue";
        if counts {
            *difference.entry(currency.as_str()).or_insert(0) += sum;
        }
        if account == "company_revenue" {
            *earned.entry(currency.as_str()).or_insert(0) -= sum;
        }
        if account.starts_with("company_bank:") {
            *swept.entry(currency.as_str()).or_insert(0) += sum;
        }
    }
    for (currency, difference) in difference {
        if difference != 0 {
            report.problems.push(format!(
                "{currency}: the client-money bank accounts differ by {difference} minor units from what is owed to clients, unallocated, overpaid and the company's not yet swept"
            ));
        }
    }
    for (currency, swept) in swept {
        let earned = earned.get(currency).copied().unwrap_or(0);
        if swept > earned {
            report.problems.push(format!(
                "{currency}: {swept} minor units were swept to the company, more than the {earned} it earned: client money left the client-money accounts"
            ));
        }
    }
}
