//! `reilu check` for the ledger: every invariant re-derived from the postings' lines. The
//! postings are streamed in id order and each is dropped once its lines are summed (a
//! placement posting holds thousands of lines, so pages of postings would be bounded by
//! nothing); the sums a case's receivables need are kept as numbers by case rather than by
//! account name, so memory grows by a few dozen bytes per case, not per account code. The
//! rows the journal vouches for (postings' tags, clients, claims) are checked alongside, see
//! `row_check`.

use std::collections::{BTreeMap, HashMap};

use futures_util::TryStreamExt;
use reilu_vault::JournalKey;
use sqlx::{AnyConnection, AnyPool, Row};

use crate::keying::read_marker;
use crate::ledger::{
    CASE_BALANCE_COLUMNS, balanced, case_balance_accounts, component_index, entries_hash,
    has_statement, parse_lines, receivable,
};
use crate::models::{LedgerCheck, PostingEntryRow};
use crate::row_check::{
    ClaimPrints, PLACEMENT_KIND, POSTING_SEAL_COLUMNS, PostingSeals, check_clients,
};
use crate::{Backend, StoreResult};

/// Case balance rows read per query.
const ROWS_PER_PAGE: i64 = 5_000;

/// Every invariant of the ledger, re-derived from the postings' lines: each posting balances
/// and is unchanged (its hash), each account's kept balance equals the sum of its lines, the
/// lines kept by account for statements are those of the postings, and per currency the
/// client-money bank holds exactly what is owed to clients, unallocated, overpaid and the
/// company's own.
pub(crate) async fn check(
    pool: &AnyPool,
    backend: Backend,
    key: &JournalKey,
) -> StoreResult<LedgerCheck> {
    // One snapshot for every query: an import committing while the check pages through the
    // ledger would otherwise show up as balances that disagree with their lines.
    let mut transaction = pool.begin().await?;
    if backend == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .execute(&mut *transaction)
            .await?;
    }
    let report = check_in(&mut transaction, backend, key).await?;
    transaction.rollback().await?;
    Ok(report)
}

/// The check inside one read transaction (SQLite in WAL mode reads one snapshot from the
/// first read to the end of the transaction; PostgreSQL does so in REPEATABLE READ).
async fn check_in(
    connection: &mut AnyConnection,
    backend: Backend,
    key: &JournalKey,
) -> StoreResult<LedgerCheck> {
    let mut report = LedgerCheck::default();
    let mut sums = DerivedSums::default();
    let mut statements = StatementSums::default();
    let mut claims = ClaimPrints::default();
    let marker = match read_marker(&mut *connection, key).await? {
        Ok(marker) => Some(marker),
        Err(reason) => {
            report.problems.push(reason);
            None
        }
    };
    let mut seals = PostingSeals::new(key, marker.as_ref().map(|(marker, _)| marker));
    let sql = format!("SELECT {POSTING_SEAL_COLUMNS}, lines FROM postings ORDER BY id");
    {
        let mut postings = sqlx::query(&sql).fetch(&mut *connection);
        while let Some(row) = postings.try_next().await? {
            seals.add(&row)?;
            let id: i64 = row.try_get(0)?;
            let kind: String = row.try_get(1)?;
            let stored_hash: String = row.try_get(6)?;
            let lines: String = row.try_get(8)?;
            report.postings += 1;
            match parse_lines(&lines) {
                Ok(entries) => {
                    verify_posting(id, &entries, &stored_hash, &mut report);
                    if kind == PLACEMENT_KIND {
                        claims.add_placement(&entries);
                    }
                    for (line, entry) in entries.iter().enumerate() {
                        sums.add(entry);
                        if has_statement(&entry.account) {
                            statements.add(id, line, entry);
                        }
                    }
                }
                Err(error) => report
                    .problems
                    .push(format!("posting {id}'s lines cannot be read: {error}")),
            }
        }
    }
    seals.report(&mut report);
    compare_balances(&mut *connection, &sums, &mut report).await?;
    compare_statement_lines(&mut *connection, backend, &statements, &mut report).await?;
    check_client_money(&sums.accounts, &mut report);
    claims.compare_claims(&mut *connection, &mut report).await?;
    if let Some((marker, marker_seq)) = &marker {
        check_clients(&mut *connection, marker, *marker_seq, &mut report).await?;
    }
    Ok(report)
}

/// One posting's lines against its stored hash, and their balance.
fn verify_posting(
    id: i64,
    entries: &[PostingEntryRow],
    stored_hash: &str,
    report: &mut LedgerCheck,
) {
    let problem = if entries.is_empty() {
        format!("posting {id} has no entries")
    } else if !balanced(entries) {
        format!("posting {id} does not balance")
    } else if entries_hash(entries) != stored_hash {
        format!("posting {id} was changed after it was written")
    } else {
        return;
    };
    report.problems.push(problem);
}

/// The lines of accounts with statements, per account and currency: how many, their sum and
/// a fingerprint of the set of (posting, line, amount), so that an amount moved between two
/// lines or postings of one account is found although count and sum still agree.
#[derive(Default)]
struct StatementSums {
    /// By account, then currency (two levels, so adding a line allocates nothing once its
    /// account is known).
    accounts: BTreeMap<String, BTreeMap<String, LineSums>>,
}

#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
struct LineSums {
    count: i64,
    amount_minor: i128,
    fingerprint: u64,
}

impl LineSums {
    fn add(&mut self, posting_id: i64, line: i64, amount_minor: i64) {
        self.count += 1;
        self.amount_minor += i128::from(amount_minor);
        self.fingerprint =
            self.fingerprint
                .wrapping_add(line_fingerprint(posting_id, line, amount_minor));
    }
}

/// One line's part of its account's fingerprint. Summed (wrapping), so the order lines are
/// read in does not matter. Not cryptographic: the postings' lines are protected by their
/// SHA-256; this only has to tell whether the statement's copy is the same set of lines.
fn line_fingerprint(posting_id: i64, line: i64, amount_minor: i64) -> u64 {
    // The SplitMix64 finaliser (Steele, Lea, Flood 2014), applied field by field.
    fn mix(value: u64) -> u64 {
        let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    // Two's complement reinterpretation: the bits are what is mixed.
    let fields = [posting_id as u64, line as u64, amount_minor as u64];
    fields.iter().fold(0, |hash, field| mix(hash ^ field))
}

impl StatementSums {
    fn add(&mut self, posting_id: i64, line: usize, entry: &PostingEntryRow) {
        let line = i64::try_from(line).unwrap_or(i64::MAX);
        if !self.accounts.contains_key(&entry.account) {
            self.accounts.insert(entry.account.clone(), BTreeMap::new());
        }
        let Some(currencies) = self.accounts.get_mut(&entry.account) else {
            return;
        };
        if !currencies.contains_key(&entry.currency) {
            currencies.insert(entry.currency.clone(), LineSums::default());
        }
        if let Some(sums) = currencies.get_mut(&entry.currency) {
            sums.add(posting_id, line, entry.amount_minor);
        }
    }

    fn get(&self, account: &str, currency: &str) -> Option<LineSums> {
        self.accounts.get(account)?.get(currency).copied()
    }
}

/// Account lines read per query, as one JSON row (see `sql::json_rows`).
const ACCOUNT_LINES_PER_PAGE: i64 = 20_000;

/// One `account_lines` row as read for the check: account, currency, posting, line, amount.
#[derive(serde::Deserialize)]
struct AccountLineRow(String, String, i64, i64, i64);

/// The lines kept by account for statements (`account_lines`) against the postings' own.
async fn compare_statement_lines(
    connection: &mut AnyConnection,
    backend: Backend,
    derived: &StatementSums,
    report: &mut LedgerCheck,
) -> StoreResult<()> {
    let kept = read_statement_lines(connection, backend).await?;
    for (key, kept) in &kept {
        let (account, currency) = key;
        let from_postings = derived.get(account, currency).unwrap_or_default();
        if *kept == from_postings {
            continue;
        }
        report.problems.push(if (kept.count, kept.amount_minor) == (from_postings.count, from_postings.amount_minor) {
            format!("account {account} {currency}: its statement's lines differ from its postings' lines (amounts moved between lines or postings)")
        } else {
            format!(
                "account {account} {currency}: its statement has {} lines summing to {}, its postings {} lines summing to {}",
                kept.count, kept.amount_minor, from_postings.count, from_postings.amount_minor
            )
        });
    }
    let missing = derived
        .accounts
        .iter()
        .flat_map(|(account, currencies)| {
            currencies.keys().map(move |currency| (account, currency))
        })
        .filter(|(account, currency)| {
            !kept.contains_key(&((*account).clone(), (*currency).clone()))
        })
        .count();
    if missing > 0 {
        report.problems.push(format!(
            "{missing} accounts have lines in postings but none in their statement"
        ));
    }
    Ok(())
}

/// `account_lines` summed by account and currency, read in key order a page at a time.
async fn read_statement_lines(
    connection: &mut AnyConnection,
    backend: Backend,
) -> StoreResult<BTreeMap<(String, String), LineSums>> {
    let mut kept: BTreeMap<(String, String), LineSums> = BTreeMap::new();
    let mut after = (String::new(), i64::MIN, i64::MIN);
    let sql = format!(
        "SELECT {} FROM (SELECT account, currency, posting_id, line, amount_minor FROM account_lines \
         WHERE (account, posting_id, line) > ($1, $2, $3) ORDER BY account, posting_id, line LIMIT $4) page",
        crate::sql::json_rows(
            backend,
            "account, currency, posting_id, line, amount_minor",
            Some("account, posting_id, line")
        )
    );
    loop {
        let text: String = sqlx::query(&sql)
            .bind(&after.0)
            .bind(after.1)
            .bind(after.2)
            .bind(ACCOUNT_LINES_PER_PAGE)
            .fetch_one(&mut *connection)
            .await?
            .try_get(0)?;
        let rows: Vec<AccountLineRow> = serde_json::from_str(&text)
            .map_err(|error| crate::StoreError::Corrupt(format!("account lines: {error}")))?;
        // The database's order, not Rust's: its collation may sort text otherwise.
        let Some(last) = rows.last() else {
            return Ok(kept);
        };
        after = (last.0.clone(), last.2, last.3);
        for AccountLineRow(account, currency, posting_id, line, amount_minor) in rows {
            kept.entry((account, currency))
                .or_default()
                .add(posting_id, line, amount_minor);
        }
    }
}

/// What a case's receivable entries sum to, by component in `Component::ALL` order, and
/// which components have any entry at all.
struct CaseSums {
    /// The ISO 4217 code's three letters, kept inline: there is one of these per case.
    currency: [u8; 3],
    /// Sums in i64, saturating: a kept balance is an i64, so a sum beyond it cannot match
    /// one and is reported all the same; i128 here would double the check's memory (one of
    /// these per case).
    minor: [i64; 4],
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
                sums.minor[index] = sums.minor[index].saturating_add(entry.amount_minor);
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
                    .map(|case| i128::from(case.minor[index]));
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
