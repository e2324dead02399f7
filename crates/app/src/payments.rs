//! Payments in: bank entries matched to cases by their reference and posted through the
//! ledger, exactly once each. A file is read once, in chunks that a writer records as the
//! reader goes, all inside one store transaction that is committed only when the whole file
//! has been read: a malformed or hostile file, a crash or a kill part-way posts nothing, and a
//! re-run posts every entry once.

use std::collections::HashMap;

use reilu_formats::reference::parse_any;
use reilu_ledger::Component;
use reilu_store::{
    BankEntryRecord, CaseFacts, PaymentImport, PaymentInstruction, PaymentOutcome, PaymentTarget,
    PlannedChunk, Store,
};
use serde::Serialize;

use crate::{App, AppError, AppResult};

/// Entries handed from the reader to the writer at a time.
pub const PAYMENTS_PER_CHUNK: usize = 2000;

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
    /// Entries recorded by an earlier import of this or an overlapping file.
    pub already_recorded: u64,
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

impl<S: Store> App<S> {
    /// Imports payments from a source that hands every entry of a file to its callback (on a
    /// blocking thread). Chunks go to the writer through a bounded channel, so memory does not
    /// grow with the file; nothing is kept unless the whole file was read without error.
    pub async fn import_payments<F>(&self, read: F) -> AppResult<PaymentSummary>
    where
        F: FnOnce(&mut dyn FnMut(IncomingPayment) -> AppResult<()>) -> AppResult<()>
            + Send
            + 'static,
    {
        let record = ImportRecord {
            actor: "import:payments".into(),
            kind: "payments.recorded".into(),
            subject: "bank".into(),
            details: serde_json::Map::new(),
        };
        self.import_payments_as(&record, read).await
    }

    /// [`App::import_payments`], journaled as `record` says: the journal entry (the summary's
    /// counts with `record.details`) is written in the import's own transaction, so the
    /// payments and who imported them are recorded together or not at all.
    pub async fn import_payments_as<F>(
        &self,
        record: &ImportRecord,
        read: F,
    ) -> AppResult<PaymentSummary>
    where
        F: FnOnce(&mut dyn FnMut(IncomingPayment) -> AppResult<()>) -> AppResult<()>
            + Send
            + 'static,
    {
        let mut import = self
            .store
            .begin_payment_import(&record.actor, self.now_ms())
            .await?;
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<IncomingPayment>>(2);
        let reader = tokio::task::spawn_blocking(move || {
            let mut chunk = Vec::with_capacity(PAYMENTS_PER_CHUNK);
            read(&mut |payment| {
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
        // On a writer error the receiver is dropped, which stops the reader; the transaction
        // is dropped uncommitted, which rolls everything back.
        self.write_chunks(&mut import, &mut receiver, &mut summary)
            .await?;
        reader
            .await
            .map_err(|error| AppError::Io(format!("the reader stopped: {error}")))??;
        let mut payload = match serde_json::to_value(&summary) {
            Ok(serde_json::Value::Object(counts)) => counts,
            _ => serde_json::Map::new(),
        };
        payload.extend(record.details.clone());
        let payload = serde_json::Value::Object(payload).to_string();
        import
            .finish(&record.kind, &record.subject, &payload)
            .await?;
        Ok(summary)
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
                        instruct(payment, found.as_ref(), &cases, &chunk_orders)
                    })
                    .collect();
                let planned = planner.plan(instructions, facts);
                (planner, planned)
            });
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

    /// The unmatched queue, oldest first, amounts shown in their currency.
    pub async fn store_unmatched(&self, limit: i64) -> AppResult<Vec<UnmatchedView>> {
        let rows = self.store.unmatched_payments(limit).await?;
        rows.into_iter()
            .map(|row| {
                let currency = reilu_core::Currency::parse(&row.currency)
                    .map_err(|error| AppError::Invalid(error.to_string()))?;
                Ok(UnmatchedView {
                    account_iban: row.account_iban,
                    bank_reference: row.bank_reference,
                    amount: reilu_core::Money::from_minor(row.amount_minor, currency).to_string(),
                    booking_date: row.booking_date,
                    reason: row.reason,
                })
            })
            .collect()
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
fn instruct(
    payment: IncomingPayment,
    found: Option<&Match>,
    cases: &HashMap<i64, &CaseFacts>,
    orders: &Orders,
) -> PaymentInstruction {
    let (target, reason) = target_of(&payment, found, cases, orders);
    PaymentInstruction {
        entry: payment.record,
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
            end_to_end_id: entry.end_to_end_id,
        },
        credit,
        returned,
        return_reason,
        unstructured_lines: entry.unstructured,
    })
}

/// A replayable source over a camt.053/054 file, for [`App::import_payments`].
pub fn camt_file_source(
    path: std::path::PathBuf,
) -> impl Fn(&mut dyn FnMut(IncomingPayment) -> AppResult<()>) -> AppResult<()> + Send + Sync + 'static
{
    move |sink| {
        let file = std::fs::File::open(&path)
            .map_err(|error| AppError::Io(format!("cannot open {}: {error}", path.display())))?;
        let source = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let read = reilu_formats::camt::read_camt(std::io::BufReader::new(file), |entry| {
            match incoming_from_camt(entry, &source) {
                Some(payment) => sink(payment),
                None => Ok(()),
            }
        });
        match read {
            Ok(_) => Ok(()),
            Err(reilu_formats::camt::CamtReadError::Camt(error)) => {
                Err(AppError::Invalid(format!(
                    "{}: {error}; nothing from this file was posted",
                    path.display()
                )))
            }
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
            record: BankEntryRecord {
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
