//! The unmatched queue, worked, and money owed back to customers.
//!
//! An agent assigns a queued payment to the case it was meant for (allocated as a matched
//! payment would have been, in the market's order) or refunds it to the payer; a payment
//! larger than its case owed leaves the excess owed back (`overpaid:<case>`), which
//! `refund_overpayments` pays back to the payer of the case's latest payment. Refunds are
//! payout runs like remittances (see `payout`): the posting, the refund record and the
//! pain.001 are recorded together or not at all.
//!
//! The payer's name and IBAN are personal data: the import keeps them sealed with the bank
//! entry ([`seal_payer`]), refunds keep the payee sealed, and the refund files are stored
//! sealed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use reilu_core::{Currency, Money, Secret, TailMask};
use reilu_formats::iban::AccountIban;
use reilu_formats::pain001::{CreditTransfer, CreditTransferFile, PaymentBatch, write_pain001};
use reilu_store::{
    Assignment, BalanceGuard, Guard, NewJournalEntry, NewPayoutRun, NewPosting, NewRefund,
    NewResolution, OverpaidCase, QueuedEntry, Store,
};
use reilu_vault::Vault;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::payout::{PlannedRun, Sources, StopAfter, new_run};
use crate::remit::DEBTOR_NAME;
use crate::statement::show;
use crate::{App, AppError, AppResult};

/// Who paid, or who a refund goes to: personal data, masked in `Debug`.
#[derive(Debug)]
pub struct Payer {
    pub name: Secret,
    pub iban: Secret<TailMask>,
}

impl Payer {
    /// A payee an operator gives: the IBAN checked, the name one a bank file can carry.
    pub fn given(name: &str, iban: &str) -> AppResult<Payer> {
        let iban = AccountIban::parse(iban)
            .map_err(|error| AppError::Invalid(format!("the payee's account: {error}")))?;
        reilu_formats::pain001::bank_name(name).map_err(|error| {
            AppError::Invalid(format!(
                "the payee's name must fit a bank transfer: {error}"
            ))
        })?;
        Ok(Payer {
            name: Secret::new(name.trim().to_owned()),
            iban: Secret::new(iban.as_str().to_owned()),
        })
    }
}

/// The sealed record's plaintext.
#[derive(Serialize, Deserialize)]
struct SealedPayer {
    name: String,
    iban: String,
}

/// The vault's context of a bank entry's payer: it opens only as that entry's.
fn payer_context(account_iban: &str, bank_reference: &str) -> String {
    format!("bank_entry_payer:{account_iban}:{bank_reference}")
}

/// Seals the payer a statement names (`RltdPties/Dbtr/Nm`, `RltdPties/DbtrAcct/Id/IBAN`) for
/// `bank_entries.payer_sealed` of the entry (`account_iban`, `bank_reference`).
pub fn seal_payer(
    vault: &Vault,
    account_iban: &str,
    bank_reference: &str,
    name: &str,
    iban: &str,
) -> Vec<u8> {
    seal(
        vault,
        &payer_context(account_iban, bank_reference),
        name,
        iban,
    )
}

/// Opens what [`seal_payer`] sealed.
pub fn open_payer(
    vault: &Vault,
    account_iban: &str,
    bank_reference: &str,
    sealed: &[u8],
) -> AppResult<Payer> {
    open(vault, &payer_context(account_iban, bank_reference), sealed)
}

fn seal(vault: &Vault, context: &str, name: &str, iban: &str) -> Vec<u8> {
    let plain = SealedPayer {
        name: name.to_owned(),
        iban: iban.to_owned(),
    };
    // Two strings always serialise.
    let bytes = serde_json::to_vec(&plain).unwrap_or_default();
    vault.seal(&bytes, context.as_bytes())
}

fn open(vault: &Vault, context: &str, sealed: &[u8]) -> AppResult<Payer> {
    let bytes = vault.open(sealed, context.as_bytes())?;
    let plain: SealedPayer = serde_json::from_slice(&bytes)
        .map_err(|error| AppError::Invalid(format!("a sealed payer ({context}): {error}")))?;
    Ok(Payer {
        name: Secret::new(plain.name),
        iban: Secret::new(plain.iban),
    })
}

/// A queued bank entry as an operator names it: its bank reference, and its account when
/// two accounts have entries with that reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRef {
    pub bank_reference: String,
    pub account_iban: Option<String>,
}

/// What assigning a queued entry did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignSummary {
    pub account_iban: String,
    pub bank_reference: String,
    pub case_number: i64,
    pub client_id: String,
    pub amount: String,
    /// Per component, in the order paid.
    pub allocated: Vec<(String, String)>,
    /// What exceeded the case's debt, owed back to the customer.
    pub overpaid: String,
    pub posting_id: i64,
}

/// One refund of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundLine {
    pub end_to_end_id: String,
    pub case_number: Option<i64>,
    pub bank_reference: Option<String>,
    pub amount: String,
    pub from_iban: String,
}

/// An overpayment not refunded, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub case_number: i64,
    pub amount: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefundSummary {
    pub run_key: String,
    /// False when the run was recorded before (its files are written again).
    pub refunded_now: bool,
    pub refunds: Vec<RefundLine>,
    pub skipped: Vec<Skipped>,
    pub files: Vec<PathBuf>,
}

impl<S: Store> App<S> {
    /// The bank entry an operator names; refused when there is none, or when the reference
    /// is on several accounts and none was named.
    pub async fn bank_entry(&self, entry: &EntryRef) -> AppResult<QueuedEntry> {
        let account = match &entry.account_iban {
            Some(iban) => Some(
                AccountIban::parse(iban)
                    .map_err(|error| AppError::Invalid(format!("the account: {error}")))?
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
        let mut found = self
            .store
            .bank_entries_by_reference(entry.bank_reference.trim(), account.as_deref())
            .await?;
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(AppError::NotFound(format!(
                "no bank entry {}{}",
                entry.bank_reference,
                account.map(|a| format!(" on {a}")).unwrap_or_default()
            ))),
            _ => Err(AppError::Invalid(format!(
                "bank entries {} are on {}: name the account (--account)",
                entry.bank_reference,
                found
                    .iter()
                    .map(|entry| entry.account_iban.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// Allocates a queued payment to a case as a matched payment would have been: posted
    /// once (in the case market's order), journaled, out of the queue. Refused for a case
    /// that does not exist or is not open, another currency, or an entry that was assigned,
    /// refunded or returned already.
    pub async fn assign_unmatched(
        &self,
        entry: &EntryRef,
        case_number: i64,
        actor: &str,
    ) -> AppResult<AssignSummary> {
        let queued = self.bank_entry(entry).await?;
        if let Some(why) = queued.refusal() {
            return Err(AppError::Invalid(why));
        }
        let owner = self.store.case_owners(&[case_number]).await?;
        let Some((_, _, market, _)) = owner.first() else {
            return Err(AppError::NotFound(format!("no case {case_number}")));
        };
        let assignment = Assignment {
            account_iban: queued.account_iban.clone(),
            bank_reference: queued.bank_reference.clone(),
            case_number,
            allocation_order: self.allocation_order(market),
            actor: actor.to_owned(),
            at_ms: self.now_ms(),
        };
        let assigned = self.store.assign_unmatched(&assignment).await?;
        let currency = &queued.currency;
        let allocated = assigned
            .allocation
            .parts
            .iter()
            .map(|(component, part)| {
                Ok((
                    component.as_str().to_owned(),
                    show(part.amount_minor(), currency)?,
                ))
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(AssignSummary {
            account_iban: queued.account_iban,
            bank_reference: queued.bank_reference,
            case_number,
            client_id: assigned.client_id,
            amount: show(queued.amount_minor, currency)?,
            allocated,
            overpaid: show(assigned.allocation.overpaid.amount_minor(), currency)?,
            posting_id: assigned.posting_id,
        })
    }

    /// Sends a queued payment back to its payer (as the statement named them, or `payee`
    /// when given): one pain.001 from the account it came into (or another open client-money
    /// account of the currency holding enough), recorded with its posting by the payout
    /// protocol.
    pub async fn refund_unmatched(
        &self,
        entry: &EntryRef,
        payee: Option<Payer>,
        actor: &str,
        out_dir: &Path,
        stop: StopAfter,
    ) -> AppResult<RefundSummary> {
        let mut files = self.publish_unpublished(out_dir).await?;
        let queued = self.bank_entry(entry).await?;
        let key = format!("refund:{}:{}", queued.account_iban, queued.bank_reference);
        if self.store.payout_run(&key).await?.is_some() {
            files.extend(self.publish_recorded(&key, out_dir).await?);
            return Ok(summary_of_earlier(key, files));
        }
        if let Some(why) = queued.refusal() {
            return Err(AppError::Invalid(why));
        }
        let (payee, from_statement) = self.payee_of(&queued, payee)?;
        let planned = self
            .plan_unmatched_refund(&queued, &key, &payee, from_statement, actor)
            .await?;
        let line = planned.1;
        let carried = self.carry_out(planned.0, out_dir, stop).await?;
        files.extend(carried.files);
        Ok(RefundSummary {
            run_key: key,
            refunded_now: carried.recorded_now,
            refunds: if carried.recorded_now {
                vec![line]
            } else {
                Vec::new()
            },
            skipped: Vec::new(),
            files,
        })
    }

    /// The payee of a refund: given by the operator, else the payer the statement named.
    fn payee_of(&self, queued: &QueuedEntry, given: Option<Payer>) -> AppResult<(Payer, bool)> {
        if let Some(payee) = given {
            return Ok((payee, false));
        }
        let Some(sealed) = &queued.payer_sealed else {
            return Err(AppError::Invalid(format!(
                "the statement did not name the payer of bank entry {} on {}: give the payee (--name, --iban)",
                queued.bank_reference, queued.account_iban
            )));
        };
        let payer = open_payer(
            &self.vault,
            &queued.account_iban,
            &queued.bank_reference,
            sealed,
        )?;
        // Checked as an operator's would be: a name no bank file carries is refused here.
        Ok((Payer::given(payer.name.peek(), payer.iban.peek())?, true))
    }

    async fn plan_unmatched_refund(
        &self,
        queued: &QueuedEntry,
        key: &str,
        payee: &Payer,
        from_statement: bool,
        actor: &str,
    ) -> AppResult<(PlannedRun, RefundLine)> {
        let at_ms = self.now_ms();
        let today = self.clock.now().date_naive();
        let amount = Money::from_minor(queued.amount_minor, parse_currency(&queued.currency)?);
        let mut sources = Sources::default();
        let payer_label = format!("the payer of bank entry {}", queued.bank_reference);
        let source = self
            .take_client_money(
                &mut sources,
                &queued.currency,
                queued.amount_minor,
                Some(&queued.account_iban),
                &payer_label,
            )
            .await?;
        let end_to_end_id = format!("RFU{}{}", today.format("%Y%m%d"), digest(key, 12));
        let posting = reilu_ledger::unallocated_refunded(&source.iban, amount)
            .map_err(|error| AppError::Invalid(error.to_string()))?;
        let description = format!(
            "bank entry {} on {} refunded to its payer",
            queued.bank_reference, queued.account_iban
        );
        let mut record = new_run(key, "refund", today.to_string(), actor, at_ms);
        record.postings.push(NewPosting {
            idempotency_key: Some(key.to_owned()),
            ..NewPosting::from_ledger(&posting, at_ms, actor, description)
        });
        record.guards = sources.guards();
        let entry = (queued.account_iban.clone(), queued.bank_reference.clone());
        record.refunds.push(NewRefund {
            end_to_end_id: end_to_end_id.clone(),
            kind: "unmatched".into(),
            entry: Some(entry.clone()),
            case_number: None,
            currency: queued.currency.clone(),
            amount_minor: queued.amount_minor,
            debtor_iban: source.iban.clone(),
            payee_sealed: self.seal_payee(key, &end_to_end_id, payee),
            posting: 0,
        });
        record.resolutions.push(NewResolution {
            account_iban: entry.0.clone(),
            bank_reference: entry.1.clone(),
            resolution: "refunded".into(),
            case_number: None,
            posting: 0,
        });
        let refund = RefundPlan {
            end_to_end_id,
            amount,
            debtor: source,
            purpose: format!(
                "Refund of your payment {} {}",
                queued.bank_reference,
                queued.booking_date.as_deref().unwrap_or("")
            ),
        };
        let subject = format!("bank_entry:{}:{}", entry.0, entry.1);
        record.journal.push(refund.journal_entry(
            &record,
            "payment.refunded",
            subject,
            from_statement,
        ));
        let name = format!("refund-{}-{}.xml", today.format("%Y%m%d"), digest(key, 12));
        let file = self.refund_file(&name, today, &[(&refund, payee)])?;
        let line = refund.line(None, Some(entry.1));
        let files = vec![file];
        Ok((PlannedRun { record, files }, line))
    }

    fn seal_payee(&self, key: &str, end_to_end_id: &str, payee: &Payer) -> Vec<u8> {
        seal(
            &self.vault,
            &format!("refund_payee:{key}:{end_to_end_id}"),
            payee.name.peek(),
            payee.iban.peek(),
        )
    }

    /// One pain.001 of refunds: a batch per currency and paying account.
    fn refund_file(
        &self,
        name: &str,
        day: NaiveDate,
        refunds: &[(&RefundPlan, &Payer)],
    ) -> AppResult<(String, Vec<u8>)> {
        let compact = day.format("%Y%m%d");
        let mut batches: BTreeMap<(String, String), PaymentBatch> = BTreeMap::new();
        for (refund, payee) in refunds {
            let currency = refund.amount.currency().code().to_owned();
            let debtor = &refund.debtor;
            let batch = batches
                .entry((currency.clone(), debtor.iban.clone()))
                .or_insert_with(|| PaymentBatch {
                    payment_information_id: format!(
                        "RF-{compact}-{currency}-{}",
                        crate::remit::tail(&debtor.iban, 8)
                    ),
                    debtor_name: debtor.name.clone().unwrap_or_else(|| DEBTOR_NAME.into()),
                    debtor_iban: debtor.iban.clone(),
                    debtor_bic: None,
                    requested_execution_date: day,
                    transfers: Vec::new(),
                });
            batch.transfers.push(CreditTransfer {
                end_to_end_id: refund.end_to_end_id.clone(),
                amount: refund.amount,
                creditor_name: payee.name.peek().to_owned(),
                creditor_iban: payee.iban.peek().to_owned(),
                creditor_bic: None,
                remittance_information: refund.purpose.clone(),
            });
        }
        let batches: Vec<PaymentBatch> = batches.into_values().collect();
        let file = CreditTransferFile {
            message_id: format!("REILU-RF-{compact}-{}", digest(name, 12)),
            created_at: self.clock.now(),
            initiating_party: batches
                .first()
                .map(|batch| batch.debtor_name.clone())
                .unwrap_or_else(|| DEBTOR_NAME.into()),
            batches,
        };
        let xml = write_pain001(&file).map_err(|error| {
            AppError::Invalid(format!(
                "the refund cannot be written, so nothing was refunded: {error}"
            ))
        })?;
        Ok((name.to_owned(), xml.into_bytes()))
    }
}

/// One refund to write into a file.
struct RefundPlan {
    end_to_end_id: String,
    amount: Money,
    debtor: reilu_store::BankAccountRow,
    purpose: String,
}

impl RefundPlan {
    /// Its journal entry (no personal data: where the payee came from, not who it is).
    fn journal_entry(
        &self,
        run: &NewPayoutRun,
        kind: &str,
        subject: String,
        from_statement: bool,
    ) -> NewJournalEntry {
        NewJournalEntry {
            at_ms: run.at_ms,
            actor: run.actor.clone(),
            kind: kind.to_owned(),
            subject,
            payload: serde_json::json!({
                "amount_minor": self.amount.amount_minor(), "currency": self.amount.currency().code(),
                "debtor_iban": self.debtor.iban, "end_to_end_id": self.end_to_end_id,
                "payee_from": if from_statement { "statement" } else { "operator" },
            })
            .to_string(),
        }
    }

    fn line(&self, case_number: Option<i64>, bank_reference: Option<String>) -> RefundLine {
        RefundLine {
            end_to_end_id: self.end_to_end_id.clone(),
            case_number,
            bank_reference,
            amount: self.amount.to_string(),
            from_iban: self.debtor.iban.clone(),
        }
    }
}

fn summary_of_earlier(run_key: String, files: Vec<PathBuf>) -> RefundSummary {
    RefundSummary {
        run_key,
        refunded_now: false,
        refunds: Vec::new(),
        skipped: Vec::new(),
        files,
    }
}

fn parse_currency(code: &str) -> AppResult<Currency> {
    Currency::parse(code).map_err(|error| AppError::Invalid(error.to_string()))
}

/// The first `count` hex digits of the SHA-256 of `text`: a short id derived from a key.
fn digest(text: &str, count: usize) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
        .chars()
        .take(count)
        .collect::<String>()
        .to_uppercase()
}

impl<S: Store> App<S> {
    /// Pays back, as of `run_date`, what cases hold beyond their debt: each to the payer of
    /// the case's latest payment whose statement named one, from the account that payment
    /// came into (or another open client-money account of the currency holding enough).
    /// Cases whose payer is not known are listed as skipped; `only` refunds one case to a
    /// payee the operator gives. One run per date (per case with `only`).
    pub async fn refund_overpayments(
        &self,
        run_date: NaiveDate,
        only: Option<(i64, Payer)>,
        actor: &str,
        out_dir: &Path,
        stop: StopAfter,
    ) -> AppResult<RefundSummary> {
        let mut files = self.publish_unpublished(out_dir).await?;
        let (key, name) = match &only {
            Some((case_number, _)) => (
                format!("refund-overpayment:{run_date}:{case_number}"),
                format!(
                    "refund-overpayment-{}-{case_number}.xml",
                    run_date.format("%Y%m%d")
                ),
            ),
            None => (
                format!("refund-overpayments:{run_date}"),
                format!("refund-overpayments-{}.xml", run_date.format("%Y%m%d")),
            ),
        };
        if self.store.payout_run(&key).await?.is_some() {
            files.extend(self.publish_recorded(&key, out_dir).await?);
            return Ok(summary_of_earlier(key, files));
        }
        let mut cases = self.store.overpaid_cases().await?;
        if let Some((case_number, _)) = &only {
            cases.retain(|case| case.case_number == *case_number);
            if cases.is_empty() {
                return Err(AppError::Invalid(format!(
                    "case {case_number} is owed nothing back"
                )));
            }
        }
        let mut plan = self
            .plan_overpayment_refunds(run_date, &key, cases, only, actor)
            .await?;
        let mut summary = RefundSummary {
            run_key: key.clone(),
            skipped: std::mem::take(&mut plan.skipped),
            ..RefundSummary::default()
        };
        if !plan.lines.is_empty() {
            let file = {
                let pairs: Vec<(&RefundPlan, &Payer)> = plan
                    .refunds
                    .iter()
                    .map(|(refund, payee)| (refund, payee))
                    .collect();
                self.refund_file(&name, run_date, &pairs)?
            };
            let carried = self
                .carry_out(
                    PlannedRun {
                        record: plan.record,
                        files: vec![file],
                    },
                    out_dir,
                    stop,
                )
                .await?;
            summary.refunded_now = carried.recorded_now;
            if carried.recorded_now {
                summary.refunds = plan.lines;
            }
            files.extend(carried.files);
        }
        summary.files = files;
        Ok(summary)
    }

    async fn plan_overpayment_refunds(
        &self,
        run_date: NaiveDate,
        key: &str,
        cases: Vec<OverpaidCase>,
        mut only: Option<(i64, Payer)>,
        actor: &str,
    ) -> AppResult<OverpaymentPlan> {
        let at_ms = self.now_ms();
        let mut sources = Sources::default();
        let mut plan = OverpaymentPlan {
            record: new_run(key, "refund", run_date.to_string(), actor, at_ms),
            refunds: Vec::new(),
            lines: Vec::new(),
            skipped: Vec::new(),
        };
        for case in cases {
            let given = only.take().map(|(_, payee)| payee);
            let (payee, preferred, from_statement) = match (given, &case.payer) {
                (Some(payee), _) => (payee, None, false),
                (None, Some(on_record)) => {
                    let payer = open_payer(
                        &self.vault,
                        &on_record.account_iban,
                        &on_record.bank_reference,
                        &on_record.sealed,
                    )?;
                    match Payer::given(payer.name.peek(), payer.iban.peek()) {
                        Ok(payee) => (payee, Some(on_record.account_iban.clone()), true),
                        Err(error) => {
                            plan.skip(&case, format!("the payer on record: {error}"))?;
                            continue;
                        }
                    }
                }
                (None, None) => {
                    plan.skip(
                        &case,
                        "no payment on the case named its payer: refund it with --case and the payee".into(),
                    )?;
                    continue;
                }
            };
            let source = self
                .take_client_money(
                    &mut sources,
                    &case.currency,
                    case.overpaid_minor,
                    preferred.as_deref(),
                    &format!("the overpayment of case {}", case.case_number),
                )
                .await?;
            plan.add(self, run_date, &case, payee, source, from_statement)?;
        }
        plan.record.guards.extend(sources.guards());
        Ok(plan)
    }
}

/// An overpayment run as it is planned.
struct OverpaymentPlan {
    record: NewPayoutRun,
    refunds: Vec<(RefundPlan, Payer)>,
    lines: Vec<RefundLine>,
    skipped: Vec<Skipped>,
}

impl OverpaymentPlan {
    fn skip(&mut self, case: &OverpaidCase, reason: String) -> AppResult<()> {
        self.skipped.push(Skipped {
            case_number: case.case_number,
            amount: show(case.overpaid_minor, &case.currency)?,
            reason,
        });
        Ok(())
    }

    /// One case's refund: its posting, record, guard and journal entry.
    fn add<S: Store>(
        &mut self,
        app: &App<S>,
        run_date: NaiveDate,
        case: &OverpaidCase,
        payee: Payer,
        source: reilu_store::BankAccountRow,
        from_statement: bool,
    ) -> AppResult<()> {
        let record = &mut self.record;
        let amount = Money::from_minor(case.overpaid_minor, parse_currency(&case.currency)?);
        let end_to_end_id = format!("RFO{}{}", run_date.format("%Y%m%d"), case.case_number);
        let posting = reilu_ledger::refund(case.case_number, &source.iban, amount)
            .map_err(|error| AppError::Invalid(error.to_string()))?;
        let description = format!("overpayment of case {} refunded", case.case_number);
        record.postings.push(NewPosting {
            idempotency_key: Some(format!("{}:{}", record.key, case.case_number)),
            ..NewPosting::from_ledger(&posting, record.at_ms, &record.actor, description)
        });
        record.guards.push(BalanceGuard {
            account: format!("overpaid:{}", case.case_number),
            currency: case.currency.clone(),
            guard: Guard::Exactly(-case.overpaid_minor),
        });
        let entry = case
            .payer
            .as_ref()
            .filter(|_| from_statement)
            .map(|payer| (payer.account_iban.clone(), payer.bank_reference.clone()));
        record.refunds.push(NewRefund {
            end_to_end_id: end_to_end_id.clone(),
            kind: "overpayment".into(),
            entry,
            case_number: Some(case.case_number),
            currency: case.currency.clone(),
            amount_minor: case.overpaid_minor,
            debtor_iban: source.iban.clone(),
            payee_sealed: app.seal_payee(&record.key, &end_to_end_id, &payee),
            posting: record.postings.len() - 1,
        });
        let refund = RefundPlan {
            end_to_end_id,
            amount,
            debtor: source,
            purpose: format!(
                "Refund of what you paid beyond your debt, Reilu case {}",
                case.case_number
            ),
        };
        let subject = format!("case:{}", case.case_number);
        let entry = refund.journal_entry(record, "overpayment.refunded", subject, from_statement);
        record.journal.push(entry);
        self.lines.push(refund.line(Some(case.case_number), None));
        self.refunds.push((refund, payee));
        Ok(())
    }
}
