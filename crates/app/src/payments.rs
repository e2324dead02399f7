//! Payments in: bank entries matched to cases by their reference and posted through the
//! ledger, exactly once each. A file is read twice: first whole, writing nothing (the
//! validation pass: the file must read, and its amounts stay within the limits below), then
//! again in chunks of [`PAYMENTS_PER_CHUNK`] entries, each written in a transaction of its own
//! and recorded once per account and bank reference. A malformed, hostile or oversized file
//! posts nothing; a crash or a kill part-way leaves the chunks written before it, and a re-run
//! skips them and posts the rest (it resumes). The file's summary is journaled when the import
//! completes, with the reconciliation of its statements.

use std::collections::HashMap;

use reilu_formats::camt::{MAX_ENTRY_AMOUNT_MINOR, MAX_FILE_AMOUNT_MINOR, ReportSummary};
use reilu_formats::reference::parse_any;
use reilu_ledger::Component;
use reilu_store::{
    BankEntryRecord, BankStatementRecord, CaseFacts, NewJournalEntry, PaymentImport,
    PaymentInstruction, PaymentOutcome, PaymentTarget, PlannedChunk, Store, StoreError,
};
use reilu_vault::Vault;
use serde::Serialize;

use crate::{App, AppError, AppResult};

/// Entries handed from the reader to the writer at a time, and written in one transaction.
pub const PAYMENTS_PER_CHUNK: usize = 2000;
/// Attempts an import makes when chunks go stale under another import of the same cases.
pub const IMPORT_ATTEMPTS_MAX: u64 = 8;

/// The largest balance, either way, the import lets a client-money bank account reach, in
/// minor units: 10^17 (a thousand trillion in a currency of two decimals). A file that could
/// take an account past it is refused before anything is written. With one file's credits and
/// debits each at most [`MAX_FILE_AMOUNT_MINOR`] (10^15) and one entry at most
/// [`MAX_ENTRY_AMOUNT_MINOR`] (10^13), every sum the ledger keeps stays far inside `i64`.
pub const ACCOUNT_BALANCE_MINOR_MAX: i64 = 100_000_000_000_000_000;

/// Where payments come from: a file read from the start each time it is asked (the import
/// reads it twice), handing every payment to the sink, and saying what reports (statements)
/// it held: [`camt_file_source`], or a closure made a source by [`source_fn`].
pub trait PaymentSource: Send + Sync + 'static {
    fn read_payments(
        &self,
        sink: &mut dyn FnMut(IncomingPayment) -> AppResult<()>,
    ) -> AppResult<Vec<ReportSummary>>;

    /// The validation pass: reads the whole source, writing nothing, and refuses an amount
    /// above [`MAX_ENTRY_AMOUNT_MINOR`] or a file whose credits or debits in a currency add up
    /// to more than [`MAX_FILE_AMOUNT_MINOR`], all with checked arithmetic. A source that can
    /// do it faster (a camt file: the reader checks the limits itself) says so.
    fn validate(&self) -> AppResult<Validation> {
        validate_payments(|sink| self.read_payments(sink))
    }
}

/// What the validation pass learnt of a file: per account and currency at most how much
/// comes in and goes out, its reports, and its name.
#[derive(Debug, Clone, Default)]
pub struct Validation {
    totals: FileTotals,
    reports: Vec<ReportSummary>,
    message_id: String,
}

/// A closure that hands every payment to the sink, as a [`PaymentSource`] without reports.
pub struct FnSource<F>(F);

/// Makes a closure a [`PaymentSource`] (it must hand out the same payments each time).
pub fn source_fn<F>(read: F) -> FnSource<F>
where
    F: Fn(&mut dyn FnMut(IncomingPayment) -> AppResult<()>) -> AppResult<()>
        + Send
        + Sync
        + 'static,
{
    FnSource(read)
}

impl<F> PaymentSource for FnSource<F>
where
    F: Fn(&mut dyn FnMut(IncomingPayment) -> AppResult<()>) -> AppResult<()>
        + Send
        + Sync
        + 'static,
{
    fn read_payments(
        &self,
        sink: &mut dyn FnMut(IncomingPayment) -> AppResult<()>,
    ) -> AppResult<Vec<ReportSummary>> {
        (self.0)(sink).map(|()| Vec::new())
    }
}

/// A bank entry as the payment workflow needs it, whatever file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingPayment {
    pub record: BankEntryRecord,
    pub credit: bool,
    /// A returned payment or a reversal: money that went back, not a payment to allocate.
    pub returned: bool,
    /// The bank's return reason code (ISO 20022 external return reason, e.g. `AC04`).
    pub return_reason: Option<String>,
    pub unstructured_lines: Vec<String>,
    /// The payer the statement names (`RltdPties/Dbtr`, `RltdPties/DbtrAcct/Id/IBAN`), for
    /// money in: sealed with the entry at import, whom a refund of it goes to.
    pub payer: Option<StatementPayer>,
}

/// A payer as a bank statement names them: personal data, masked in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementPayer {
    /// Empty when the statement gives the account only.
    pub name: reilu_core::Secret,
    pub iban: reilu_core::Secret<reilu_core::TailMask>,
}

/// A payment in the unmatched queue, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmatchedView {
    pub account_iban: String,
    pub bank_reference: String,
    /// Money in is positive; a return or other money out that matched nothing is negative.
    pub amount: String,
    pub booking_date: Option<String>,
    pub reason: String,
    /// The remittance text: opened only for a named reader with a purpose (the read is
    /// journaled first), otherwise masked (`***`, or empty when there is none).
    pub text: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentSummary {
    pub entries: u64,
    pub matched: u64,
    pub unmatched: u64,
    pub ignored: u64,
    /// Returns and reversals booked as corrections of the payment they return.
    pub corrected: u64,
    /// Entries recorded by an earlier import of this or an overlapping file (or by the
    /// import's own earlier run that stopped part-way).
    pub already_recorded: u64,
    /// The file's statements and how they reconcile (only when the file holds statements).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<StatementCheck>,
}

/// How one statement of an imported file reconciles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementCheck {
    pub account: String,
    pub statement_id: String,
    pub currency: String,
    /// closing − (opening + credits − debits): not zero when the statement does not add up;
    /// absent when it does not state both balances.
    pub statement_difference_minor: Option<i64>,
    /// closing − the ledger's balance of the account's client-money bank account after the
    /// import, for the last statement of its account in the file (absent for the others).
    pub ledger_difference_minor: Option<i64>,
}

/// The case a payment names, and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub case_number: u64,
    pub how: String,
}

/// Finds the case a payment is for: its structured reference first, then any reference
/// written in its free text. Only references whose check digits hold are taken, so a typo
/// lands in the unmatched queue instead of on another customer's case.
pub fn find_reference(payment: &IncomingPayment) -> Option<Match> {
    if let Some(structured) = payment.record.structured_reference.as_deref()
        && let Some(parsed) = parse_any(structured)
    {
        return Some(Match {
            case_number: parsed.case_number,
            how: format!("structured reference {}", parsed.canonical),
        });
    }
    for line in &payment.unstructured_lines {
        for token in line.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == ':') {
            if token.len() < 4 {
                continue;
            }
            if let Some(parsed) = parse_any(token) {
                return Some(Match {
                    case_number: parsed.case_number,
                    how: format!("reference {} in the message text", parsed.canonical),
                });
            }
        }
    }
    None
}

/// How an import is journaled: by whom, as what, about what, and with which details besides
/// the summary's counts.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord {
    pub actor: String,
    pub kind: String,
    pub subject: String,
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// Allocation orders by market, looked up once per import.
type Orders = HashMap<String, Vec<Component>>;

/// A file's credits and debits per (account, currency), in minor units.
type FileTotals = std::collections::BTreeMap<(String, String), (i64, i64)>;

/// The validation pass running beside the import, and what it found once it is done.
struct ValidationGate {
    validating: Option<tokio::task::JoinHandle<AppResult<Validation>>>,
    validated: Option<Validation>,
    /// Client-money bank balances before the import: (account, currency, balance).
    balances_before: Vec<(String, String, i64)>,
    /// The company's configured bank accounts, open and closed.
    accounts: Vec<reilu_store::BankAccountRow>,
}

impl ValidationGate {
    /// Releases the import once the validation pass has finished and the file is good;
    /// the file's error otherwise. Does not wait for a pass still running.
    async fn poll(&mut self, import: &mut PaymentImport) -> AppResult<()> {
        if self
            .validating
            .as_ref()
            .is_some_and(tokio::task::JoinHandle::is_finished)
        {
            self.wait(import).await?;
        }
        Ok(())
    }

    /// Waits for the validation pass, checks the file against the limits and releases the
    /// import; the file's error otherwise (the import, dropped, then commits nothing).
    async fn wait(&mut self, import: &mut PaymentImport) -> AppResult<Validation> {
        if let Some(validating) = self.validating.take() {
            let validated = validating
                .await
                .map_err(|error| AppError::Io(format!("the validation pass stopped: {error}")))??;
            check_accounts_are_ours(&validated, &self.accounts)?;
            check_balance_limits(&validated.totals, &self.balances_before)?;
            import.release();
            self.validated = Some(validated);
        }
        self.validated
            .clone()
            .ok_or_else(|| AppError::Io("the validation pass did not finish".into()))
    }
}

/// Refuses a file with money on an account that is not one of the company's open
/// client-money accounts kept in that currency (`reilu account add`): a statement of someone
/// else's account would otherwise become client money. A bank may name the account by its
/// IBAN or, under `Othr/Id`, by the IBAN or the domestic account number inside it (the BBAN).
fn check_accounts_are_ours(
    validated: &Validation,
    accounts: &[reilu_store::BankAccountRow],
) -> AppResult<()> {
    for (account, currency) in accounts_booked(validated) {
        let named: String = account
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let configured = accounts
            .iter()
            .find(|row| row.iban == named || row.iban.get(4..) == Some(named.as_str()));
        let refusal = match configured {
            None => format!(
                "account {account} is not one of ours (reilu account add --iban … --currency {} --kind client_money)",
                currency.as_deref().unwrap_or("…")
            ),
            Some(row) if !row.is_open() => format!("account {account} was closed"),
            Some(row) if row.kind != reilu_store::BankAccountKind::ClientMoney => {
                format!("account {account} is not a client-money account")
            }
            Some(row) if currency.as_ref().is_some_and(|code| *code != row.currency) => format!(
                "account {account} is kept in {}, the file books {} on it",
                row.currency,
                currency.as_deref().unwrap_or_default()
            ),
            Some(_) => continue,
        };
        return Err(AppError::Invalid(format!(
            "{refusal}; nothing from this file was posted"
        )));
    }
    Ok(())
}

/// The accounts a file books money on, with the currencies booked (none for a report that
/// books nothing): from its reports where it has them (a file's totals are per file, not per
/// account), else from the totals of the payments themselves.
fn accounts_booked(validated: &Validation) -> Vec<(String, Option<String>)> {
    if validated.reports.is_empty() {
        return validated
            .totals
            .keys()
            .map(|(account, currency)| (account.clone(), Some(currency.clone())))
            .collect();
    }
    let mut booked = Vec::new();
    for report in &validated.reports {
        if report.booked.is_empty() {
            booked.push((report.account.clone(), None));
        }
        for totals in &report.booked {
            booked.push((
                report.account.clone(),
                Some(totals.currency.code().to_owned()),
            ));
        }
    }
    booked
}

/// Refuses a file that could take a client-money bank account past
/// [`ACCOUNT_BALANCE_MINOR_MAX`] either way, before anything of it is committed.
fn check_balance_limits(totals: &FileTotals, balances: &[(String, String, i64)]) -> AppResult<()> {
    for ((account, currency), (credits, debits)) in totals {
        let bank = format!("client_money_bank:{account}");
        let balance = balances
            .iter()
            .find(|(name, code, _)| *name == bank && code == currency)
            .map_or(0, |(_, _, balance)| *balance);
        let highest = balance.checked_add(*credits);
        let lowest = balance.checked_sub(*debits);
        let within = |value: Option<i64>| {
            value.is_some_and(|value| value.unsigned_abs() <= ACCOUNT_BALANCE_MINOR_MAX as u64)
        };
        if !within(highest) || !within(lowest) {
            return Err(AppError::Invalid(format!(
                "the file could take the balance of account {account} in {currency} (now {balance} minor units) \
                 past the limit of {ACCOUNT_BALANCE_MINOR_MAX} minor units either way; nothing from this file was posted"
            )));
        }
    }
    Ok(())
}

/// The validation pass of any source, through the payments `read` hands out.
pub fn validate_payments(
    read: impl FnOnce(&mut dyn FnMut(IncomingPayment) -> AppResult<()>) -> AppResult<Vec<ReportSummary>>,
) -> AppResult<Validation> {
    let mut totals = FileTotals::new();
    let mut by_currency: HashMap<(String, bool), i64> = HashMap::new();
    let mut message_id = String::new();
    let reports = read(&mut |payment| {
        let entry = &payment.record;
        if message_id.is_empty() {
            message_id.clone_from(&entry.message_id);
        }
        if !(0..=MAX_ENTRY_AMOUNT_MINOR).contains(&entry.amount_minor) {
            return Err(AppError::Invalid(format!(
                "bank entry {} on {}: {} minor units is above the limit of {MAX_ENTRY_AMOUNT_MINOR} for one entry; nothing from this file was posted",
                entry.bank_reference, entry.account_iban, entry.amount_minor
            )));
        }
        let over = || {
            AppError::Invalid(format!(
                "the file's {} in {} add up to more than {MAX_FILE_AMOUNT_MINOR} minor units, the limit for one file; nothing from this file was posted",
                if payment.credit { "credits" } else { "debits" },
                entry.currency
            ))
        };
        let file_sum = by_currency
            .entry((entry.currency.clone(), payment.credit))
            .or_insert(0);
        *file_sum = file_sum.checked_add(entry.amount_minor).ok_or_else(over)?;
        if *file_sum > MAX_FILE_AMOUNT_MINOR {
            return Err(over());
        }
        let account = totals
            .entry((entry.account_iban.clone(), entry.currency.clone()))
            .or_insert((0, 0));
        let side = if payment.credit {
            &mut account.0
        } else {
            &mut account.1
        };
        *side = side.checked_add(entry.amount_minor).ok_or_else(over)?;
        Ok(())
    })?;
    Ok(Validation {
        totals,
        reports,
        message_id,
    })
}

/// The statements of a file as recorded: per report and currency with a stated balance or a
/// booked entry, the ledger compared for the last one of each account and currency.
fn statement_records(reports: &[ReportSummary], message_id: &str) -> Vec<BankStatementRecord> {
    let mut records: Vec<BankStatementRecord> = Vec::new();
    for report in reports.iter().filter(|report| !report.balances.is_empty()) {
        let check = report.balance_check();
        let mut currencies: Vec<reilu_core::Currency> = Vec::new();
        let stated = report.balances.iter().map(|balance| balance.currency);
        for currency in stated.chain(report.booked.iter().map(|totals| totals.currency)) {
            if !currencies.contains(&currency) {
                currencies.push(currency);
            }
        }
        for currency in currencies {
            let find = |code: &str| {
                report
                    .balances
                    .iter()
                    .find(|b| b.code == code && b.currency == currency)
            };
            let opening = find("OPBD").or_else(|| find("PRCD"));
            let closing = find("CLBD");
            let (credits, debits) = report
                .booked
                .iter()
                .find(|totals| totals.currency == currency)
                .map_or((0, 0), |totals| (totals.credits_minor, totals.debits_minor));
            records.push(BankStatementRecord {
                account: report.account.clone(),
                statement_id: report.id.clone(),
                currency: currency.code().to_owned(),
                sequence: report.sequence.clone(),
                message_id: message_id.to_owned(),
                opening_minor: opening.map(|b| b.amount_minor),
                credits_minor: credits,
                debits_minor: debits,
                closing_minor: closing.map(|b| b.amount_minor),
                closing_date: closing.and_then(|b| b.date).map(|date| date.to_string()),
                statement_difference_minor: check
                    .as_ref()
                    .filter(|check| check.currency == currency)
                    .map(|check| check.difference_minor),
                compare_ledger: false,
            });
        }
    }
    // Only the last statement of an account and currency is compared with the ledger, which
    // holds the whole file by then.
    let mut seen = std::collections::HashSet::new();
    for record in records.iter_mut().rev() {
        if seen.insert((record.account.clone(), record.currency.clone())) {
            record.compare_ledger = true;
        }
    }
    records
}

/// What a bank entry's sealed remittance text is bound to: a sealed text copied to another
/// entry does not open there.
pub fn remittance_context(account: &str, bank_reference: &str) -> String {
    format!("bank_entry:{account}:{bank_reference}")
}

/// A bank entry's remittance text sealed by the vault.
pub fn seal_remittance(vault: &Vault, account: &str, bank_reference: &str, text: &str) -> Vec<u8> {
    vault.seal(
        text.as_bytes(),
        remittance_context(account, bank_reference).as_bytes(),
    )
}

impl<S: Store> App<S> {
    /// Imports payments from a source (read on a blocking thread, twice: see the module
    /// documentation). Chunks go to the writer through a bounded channel, so memory does not
    /// grow with the file.
    pub async fn import_payments<F: PaymentSource>(&self, source: F) -> AppResult<PaymentSummary> {
        let record = ImportRecord {
            actor: "import:payments".into(),
            kind: "payments.recorded".into(),
            subject: "bank".into(),
            details: serde_json::Map::new(),
        };
        self.import_payments_as(&record, source).await
    }

    /// [`App::import_payments`], journaled as `record` says: the journal entry (the summary's
    /// counts with `record.details`) is written when the import completes, in the same
    /// transaction as the file's statements.
    ///
    /// Another import writing to the same cases at the same time can make a chunk stale
    /// (planned on balances that moved before it was written); nothing of it is written, and
    /// the import is run again from where the committed chunks end, as a rerun by hand would,
    /// up to [`IMPORT_ATTEMPTS_MAX`] times.
    pub async fn import_payments_as<F: PaymentSource>(
        &self,
        record: &ImportRecord,
        source: F,
    ) -> AppResult<PaymentSummary> {
        let source = std::sync::Arc::new(source);
        let mut attempt = 1;
        loop {
            match self
                .import_once(record, std::sync::Arc::clone(&source))
                .await
            {
                Err(AppError::Store(StoreError::Stale(reason)))
                    if attempt < IMPORT_ATTEMPTS_MAX =>
                {
                    tracing::info!(attempt, %reason, "a chunk went stale: the import resumes");
                    // A pause that grows, so two imports racing for the same cases part.
                    let pause_ms = 20 * attempt + rand::random::<u64>() % 50;
                    tokio::time::sleep(std::time::Duration::from_millis(pause_ms)).await;
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }

    /// One attempt of [`App::import_payments_as`].
    async fn import_once<F: PaymentSource>(
        &self,
        record: &ImportRecord,
        source: std::sync::Arc<F>,
    ) -> AppResult<PaymentSummary> {
        // The validation pass runs beside the import pass, which commits nothing until the
        // file is known good (read whole, within the limits); the balances the limits are
        // checked against are those before the import.
        let balances_before = self.store.balances("client_money_bank:").await?;
        let validating = {
            let source = std::sync::Arc::clone(&source);
            tokio::task::spawn_blocking(move || source.validate())
        };
        let mut gate = ValidationGate {
            validating: Some(validating),
            validated: None,
            balances_before,
            accounts: self.bank_accounts().await?,
        };
        let mut import = self
            .store
            .begin_payment_import(&record.actor, self.now_ms())
            .await?;
        import.hold();
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<IncomingPayment>>(2);
        let reader = tokio::task::spawn_blocking(move || {
            let mut chunk = Vec::with_capacity(PAYMENTS_PER_CHUNK);
            source.read_payments(&mut |payment| {
                chunk.push(payment);
                if chunk.len() >= PAYMENTS_PER_CHUNK {
                    sender
                        .blocking_send(std::mem::take(&mut chunk))
                        .map_err(|_| AppError::Io("the writer stopped".into()))?;
                }
                Ok(())
            })?;
            sender
                .blocking_send(chunk)
                .map_err(|_| AppError::Io("the writer stopped".into()))
        });
        let mut summary = PaymentSummary::default();
        // On a writer error the receiver is dropped, which stops the reader; the chunks
        // written so far stay, and a re-run resumes after them.
        self.write_chunks(&mut import, &mut receiver, &mut summary, &mut gate)
            .await?;
        reader
            .await
            .map_err(|error| AppError::Io(format!("the reader stopped: {error}")))??;
        let validated = gate.wait(&mut import).await?;
        let statements = statement_records(&validated.reports, &validated.message_id);
        let mut payload = match serde_json::to_value(&summary) {
            Ok(serde_json::Value::Object(counts)) => counts,
            _ => serde_json::Map::new(),
        };
        payload.extend(record.details.clone());
        let payload = serde_json::Value::Object(payload).to_string();
        import
            .finish(&record.kind, &record.subject, &payload, &statements)
            .await?;
        summary.statements = self.statement_checks(&statements).await?;
        Ok(summary)
    }

    /// The statement checks of an import, with the ledger's difference as recorded.
    async fn statement_checks(
        &self,
        statements: &[BankStatementRecord],
    ) -> AppResult<Vec<StatementCheck>> {
        let mut checks = Vec::with_capacity(statements.len());
        for statement in statements {
            let recorded = self
                .store
                .bank_statements(Some(&statement.account), None)
                .await?
                .into_iter()
                .find(|row| {
                    row.statement_id == statement.statement_id && row.currency == statement.currency
                });
            checks.push(StatementCheck {
                account: statement.account.clone(),
                statement_id: statement.statement_id.clone(),
                currency: statement.currency.clone(),
                statement_difference_minor: statement.statement_difference_minor,
                ledger_difference_minor: recorded.and_then(|row| row.ledger_difference_minor),
            });
        }
        Ok(checks)
    }

    /// Plans and writes the chunks as the reader sends them, as a pipeline: while the store
    /// writes one chunk, the next one is planned on a blocking thread (allocation, postings,
    /// their lines and hashes), from facts read just before the write. The planner keeps what
    /// the chunk being written will change, so the early read is safe; a chunk that books
    /// returns is written before the next one is read, since returns are booked against what
    /// the store holds when they are written.
    async fn write_chunks(
        &self,
        import: &mut PaymentImport,
        receiver: &mut tokio::sync::mpsc::Receiver<Vec<IncomingPayment>>,
        summary: &mut PaymentSummary,
        gate: &mut ValidationGate,
    ) -> AppResult<()> {
        let mut orders = Orders::new();
        let mut planner = import.take_planner()?;
        let mut pending: Option<PlannedChunk> = None;
        while let Some(batch) = receiver.recv().await {
            if batch.is_empty() {
                continue;
            }
            let found: Vec<Option<Match>> = batch.iter().map(find_reference).collect();
            let numbers: Vec<i64> = found
                .iter()
                .flatten()
                .filter_map(|m| i64::try_from(m.case_number).ok())
                .collect();
            let records: Vec<&BankEntryRecord> =
                batch.iter().map(|payment| &payment.record).collect();
            let facts = import.prefetch(&records, &numbers).await?;
            for case in &facts.cases {
                if !orders.contains_key(&case.market) {
                    orders.insert(case.market.clone(), self.allocation_order(&case.market));
                }
            }
            let chunk_orders = orders.clone();
            let vault = self.vault.clone();
            let planning = tokio::task::spawn_blocking(move || {
                let cases: HashMap<i64, &CaseFacts> = facts
                    .cases
                    .iter()
                    .map(|case| (case.case_number, case))
                    .collect();
                let instructions: Vec<PaymentInstruction> = batch
                    .into_iter()
                    .zip(&found)
                    .map(|(payment, found)| {
                        instruct(payment, found.as_ref(), &cases, &chunk_orders, &vault)
                    })
                    .collect();
                let planned = planner.plan(instructions, facts);
                (planner, planned)
            });
            gate.poll(import).await?;
            if let Some(chunk) = pending.take() {
                count(summary, &import.write(chunk).await?);
            }
            let (returned_planner, planned) = planning
                .await
                .map_err(|error| AppError::Io(format!("the planner stopped: {error}")))?;
            planner = returned_planner;
            let planned = planned?;
            summary.entries += planned.len() as u64;
            if planned.has_returns() {
                count(summary, &import.write(planned).await?);
                planner.forget();
            } else {
                pending = Some(planned);
            }
        }
        if let Some(chunk) = pending.take() {
            count(summary, &import.write(chunk).await?);
        }
        Ok(())
    }

    /// The unmatched queue, oldest first, amounts shown in their currency, the remittance
    /// texts masked.
    pub async fn store_unmatched(&self, limit: i64) -> AppResult<Vec<UnmatchedView>> {
        self.unmatched_queue(limit, None).await
    }

    /// The unmatched queue with its remittance texts opened for `reader`, who needs them for
    /// `purpose` (to find the case a payment is for): the read is journaled
    /// (`personal_data.read`, naming the entries shown) before any text is opened.
    pub async fn store_unmatched_read(
        &self,
        limit: i64,
        reader: &str,
        purpose: &str,
    ) -> AppResult<Vec<UnmatchedView>> {
        if reader.trim().is_empty() || purpose.trim().is_empty() {
            return Err(AppError::Invalid(
                "say who reads personal data and why".into(),
            ));
        }
        self.unmatched_queue(limit, Some((reader.trim(), purpose.trim())))
            .await
    }

    async fn unmatched_queue(
        &self,
        limit: i64,
        reader: Option<(&str, &str)>,
    ) -> AppResult<Vec<UnmatchedView>> {
        let rows = self.store.unmatched_payments(limit).await?;
        if let Some((reader, purpose)) = reader {
            let shown: Vec<String> = rows
                .iter()
                .map(|row| format!("{}:{}", row.account_iban, row.bank_reference))
                .collect();
            let payload = serde_json::json!({ "purpose": purpose, "bank_entries": shown });
            let entry = NewJournalEntry {
                at_ms: self.now_ms(),
                actor: reader.to_owned(),
                kind: "personal_data.read".into(),
                subject: "payments:unmatched".into(),
                payload: payload.to_string(),
            };
            self.store.append_journal(&entry).await?;
        }
        rows.into_iter()
            .map(|row| {
                let currency = reilu_core::Currency::parse(&row.currency)
                    .map_err(|error| AppError::Invalid(error.to_string()))?;
                let text = match (&row.unstructured_sealed, reader) {
                    (Some(sealed), Some(_)) => {
                        let context = remittance_context(&row.account_iban, &row.bank_reference);
                        let plain = self.vault.open(sealed, context.as_bytes())?;
                        String::from_utf8_lossy(&plain).into_owned()
                    }
                    (Some(_), None) => "***".to_owned(),
                    (None, Some(_)) => row.unstructured.clone(),
                    (None, None) if row.unstructured.is_empty() => String::new(),
                    (None, None) => "***".to_owned(),
                };
                Ok(UnmatchedView {
                    account_iban: row.account_iban,
                    bank_reference: row.bank_reference,
                    amount: reilu_core::Money::from_minor(row.amount_minor, currency).to_string(),
                    booking_date: row.booking_date,
                    reason: row.reason,
                    text,
                })
            })
            .collect()
    }

    /// Seals the remittance texts that bank entries written before they were sealed still
    /// hold in plain text (a data migration, run when the store is opened; it finds nothing
    /// to do once done). Returns how many were sealed.
    pub async fn seal_plain_remittance_texts(&self) -> AppResult<u64> {
        let mut sealed_count = 0_u64;
        loop {
            let plain = self.store.plain_remittance_texts(1_000).await?;
            if plain.is_empty() {
                return Ok(sealed_count);
            }
            let sealed: Vec<(String, String, Vec<u8>)> = plain
                .into_iter()
                .map(|(account, reference, text)| {
                    let sealed = seal_remittance(&self.vault, &account, &reference, &text);
                    (account, reference, sealed)
                })
                .collect();
            sealed_count += sealed.len() as u64;
            self.store.seal_remittance_texts(&sealed).await?;
        }
    }

    /// The market's allocation order (law first, then the house's), as components. Read
    /// through the gate, which is how `reilu rules check` knows the rule is applied.
    pub fn allocation_order(&self, market: &str) -> Vec<Component> {
        let Ok(code) = reilu_core::MarketCode::parse(market) else {
            return Vec::new();
        };
        let today = self.clock.now().date_naive();
        self.gate
            .allocation_order(code, reilu_core::CustomerKind::Consumer, today)
            .map(|order| {
                order
                    .components
                    .iter()
                    .filter_map(|item| Component::parse(item))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Where one payment goes, and why.
/// The remittance text was read for matching already; from here on only its sealed form
/// travels to the store.
fn instruct(
    payment: IncomingPayment,
    found: Option<&Match>,
    cases: &HashMap<i64, &CaseFacts>,
    orders: &Orders,
    vault: &Vault,
) -> PaymentInstruction {
    let (target, reason) = target_of(&payment, found, cases, orders);
    let mut entry = payment.record;
    // Every payer is sealed, not only those of entries left unmatched or overpaying: which
    // those are is known only once the chunk is planned (after this), and sealing is one
    // small AEAD per credit: its cost did not show beyond the spread of side-by-side runs
    // (README, "Payments in"; `reilu bench payments` files name their payers).
    if let Some(payer) = payment.payer {
        entry.payer_sealed = Some(crate::unmatched::seal_payer(
            vault,
            &entry.account_iban,
            &entry.bank_reference,
            payer.name.peek(),
            payer.iban.peek(),
        ));
    }
    if !entry.unstructured.is_empty() {
        entry.unstructured_sealed = Some(seal_remittance(
            vault,
            &entry.account_iban,
            &entry.bank_reference,
            &entry.unstructured,
        ));
        entry.unstructured.clear();
    }
    PaymentInstruction {
        entry,
        target,
        reason,
    }
}

fn target_of(
    payment: &IncomingPayment,
    found: Option<&Match>,
    cases: &HashMap<i64, &CaseFacts>,
    orders: &Orders,
) -> (PaymentTarget, String) {
    let case_number = found.and_then(|found| i64::try_from(found.case_number).ok());
    if payment.returned {
        return returned_target(payment, case_number);
    }
    if !payment.credit {
        return (
            PaymentTarget::Ignored,
            "money out (our own transfer or a bank charge), booked when it was sent".into(),
        );
    }
    let Some(found) = found else {
        return (
            PaymentTarget::Unmatched,
            "no valid payment reference in the structured reference or the message".into(),
        );
    };
    let Some(facts) = case_number.and_then(|number| cases.get(&number)) else {
        return (
            PaymentTarget::Unmatched,
            format!("{} names no case", found.how),
        );
    };
    if facts.currency != payment.record.currency {
        return (
            PaymentTarget::Unmatched,
            format!(
                "{} names a case in {}, the payment is in {}",
                found.how, facts.currency, payment.record.currency
            ),
        );
    }
    let order = orders.get(&facts.market).cloned().unwrap_or_default();
    (
        PaymentTarget::Case {
            case_number: facts.case_number,
            client_id: facts.client_id.clone(),
            allocation_order: order,
        },
        format!("matched by {}", found.how),
    )
}

/// Adds what a written chunk did to the summary.
fn count(summary: &mut PaymentSummary, outcomes: &[PaymentOutcome]) {
    for outcome in outcomes {
        match outcome {
            PaymentOutcome::Matched { .. } => summary.matched += 1,
            PaymentOutcome::Unmatched { .. } => summary.unmatched += 1,
            PaymentOutcome::Ignored => summary.ignored += 1,
            PaymentOutcome::Corrected { .. } => summary.corrected += 1,
            PaymentOutcome::AlreadyRecorded => summary.already_recorded += 1,
        }
    }
}

/// A bank entry from a camt file as the payment workflow sees it. Pending entries are left
/// out (only booked money is posted, and the booked entry comes in a later file), and so are
/// entries of no amount.
pub fn incoming_from_camt(
    entry: reilu_formats::camt::BankEntry,
    source: &str,
) -> Option<IncomingPayment> {
    use reilu_formats::camt::{Direction, EntryStatus};
    if entry.status == EntryStatus::Pending {
        return None;
    }
    // An entry of no amount moves no money; recording it would only stop the file (the store
    // keeps bank entries of a positive amount).
    if entry.amount.amount_minor() <= 0 {
        return None;
    }
    let credit = entry.direction == Direction::Credit;
    let returned = entry.reversal || entry.return_reason.is_some();
    let return_reason = entry.return_reason.clone();
    // Only money in has a payer to refund; a refund needs the account, the name may be
    // given by the operator.
    let payer = match entry.debtor_iban {
        Some(iban) if credit && !returned => Some(StatementPayer {
            name: reilu_core::Secret::new(entry.debtor_name.unwrap_or_default()),
            iban: reilu_core::Secret::new(iban),
        }),
        _ => None,
    };
    Some(IncomingPayment {
        record: BankEntryRecord {
            account_iban: entry.account_iban,
            bank_reference: entry.bank_reference,
            message_id: source.to_owned(),
            direction: if credit { "credit" } else { "debit" }.to_owned(),
            reversal: entry.reversal,
            amount_minor: entry.amount.amount_minor(),
            currency: entry.amount.currency().code().to_owned(),
            booking_date: entry.booking_date.map(|date| date.to_string()),
            structured_reference: entry.structured_reference,
            unstructured: entry.unstructured.join("\n"),
            unstructured_sealed: None,
            end_to_end_id: entry.end_to_end_id,
            payer_sealed: None,
        },
        credit,
        returned,
        return_reason,
        unstructured_lines: entry.unstructured,
        payer,
    })
}

/// A camt.053/054 file as a [`PaymentSource`] (see [`camt_file_source`]).
#[derive(Debug, Clone)]
pub struct CamtFile {
    path: std::path::PathBuf,
}

/// A replayable source over a camt.053/054 file, for [`App::import_payments`].
pub fn camt_file_source(path: std::path::PathBuf) -> CamtFile {
    CamtFile { path }
}

impl CamtFile {
    /// The file's name, which its payments carry as their message id.
    fn name(&self) -> String {
        self.path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    fn refused(&self, error: &reilu_formats::camt::CamtError) -> AppError {
        AppError::Invalid(format!(
            "{}: {error}; nothing from this file was posted",
            self.path.display()
        ))
    }
}

impl PaymentSource for CamtFile {
    /// The reader's own pass (it checks the amount limits as it reads): as fast as parsing.
    /// Each account of the file is taken to receive, and pay, at most the whole file's
    /// credits and debits in a currency.
    fn validate(&self) -> AppResult<Validation> {
        let file = std::fs::File::open(&self.path).map_err(|error| {
            AppError::Io(format!("cannot open {}: {error}", self.path.display()))
        })?;
        let summary = reilu_formats::camt::validate_camt(std::io::BufReader::new(file))
            .map_err(|error| self.refused(&error))?;
        let mut totals = FileTotals::new();
        for report in &summary.reports {
            for (currency, credits) in &summary.credits_minor_by_currency {
                let key = (report.account.clone(), currency.code().to_owned());
                totals.entry(key).or_insert((0, 0)).0 = *credits;
            }
            for (currency, debits) in &summary.debits_minor_by_currency {
                let key = (report.account.clone(), currency.code().to_owned());
                totals.entry(key).or_insert((0, 0)).1 = *debits;
            }
        }
        Ok(Validation {
            totals,
            reports: summary.reports,
            message_id: self.name(),
        })
    }

    fn read_payments(
        &self,
        sink: &mut dyn FnMut(IncomingPayment) -> AppResult<()>,
    ) -> AppResult<Vec<ReportSummary>> {
        let path = &self.path;
        let file = std::fs::File::open(path)
            .map_err(|error| AppError::Io(format!("cannot open {}: {error}", path.display())))?;
        let source = self.name();
        let read = reilu_formats::camt::read_camt(std::io::BufReader::new(file), |entry| {
            match incoming_from_camt(entry, &source) {
                Some(payment) => sink(payment),
                None => Ok(()),
            }
        });
        match read {
            Ok(summary) => Ok(summary.reports),
            Err(reilu_formats::camt::CamtReadError::Camt(error)) => Err(self.refused(&error)),
            Err(reilu_formats::camt::CamtReadError::Callback(error)) => Err(error),
        }
    }
}

/// Where a return or reversal goes. Money that went back out returns an earlier payment and
/// is booked as its correction; money that came back in (a refund or payout the payee's bank
/// returned) waits for an agent, who books it against what it returns.
fn returned_target(payment: &IncomingPayment, case_number: Option<i64>) -> (PaymentTarget, String) {
    let why = match &payment.return_reason {
        Some(code) => format!("returned (reason {code})"),
        None => "reversed by the bank".to_owned(),
    };
    if payment.credit {
        return (
            PaymentTarget::Unmatched,
            format!(
                "money back in, {why}: an agent books it against the refund or payout it returns"
            ),
        );
    }
    (
        PaymentTarget::Return { case_number },
        format!("a payment {why}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payment(structured: Option<&str>, lines: &[&str]) -> IncomingPayment {
        IncomingPayment {
            payer: None,
            record: BankEntryRecord {
                payer_sealed: None,
                account_iban: "FI2112345600000785".into(),
                bank_reference: "X".into(),
                message_id: "M".into(),
                direction: "credit".into(),
                reversal: false,
                amount_minor: 100,
                currency: "EUR".into(),
                booking_date: None,
                structured_reference: structured.map(str::to_owned),
                unstructured: lines.join("\n"),
                unstructured_sealed: None,
                end_to_end_id: None,
            },
            credit: true,
            returned: false,
            return_reason: None,
            unstructured_lines: lines.iter().map(|line| (*line).to_owned()).collect(),
        }
    }

    #[test]
    fn references_are_found_structured_first_then_in_the_text() {
        let rf = reilu_formats::reference::for_case("FI", 100_123).rf;
        assert_eq!(
            find_reference(&payment(Some(&rf), &[])).map(|m| m.case_number),
            Some(100_123)
        );
        let national = reilu_formats::reference::for_case("FI", 100_456)
            .national
            .map(|(_, text)| text)
            .unwrap_or_default();
        let in_text = format!("Invoice payment, ref: {national}");
        assert_eq!(
            find_reference(&payment(None, &[&in_text])).map(|m| m.case_number),
            Some(100_456)
        );
        assert_eq!(
            find_reference(&payment(None, &["thanks for waiting"])),
            None
        );
        // A mistyped RF reference (check digits wrong) is not taken.
        let mut typo = rf.clone();
        typo.pop();
        typo.push('9');
        if typo != rf {
            assert_eq!(
                find_reference(&payment(Some(&typo), &[]))
                    .map(|m| m.case_number)
                    .filter(|n| *n == 100_123),
                None
            );
        }
    }
}
