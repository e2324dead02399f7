//! Sweeping the company's own money out of the client-money accounts (principle 9: client
//! money is kept apart). Collected costs and the commission kept at remittance are the
//! company's; they stay in the client-money account until swept, by one credit transfer per
//! currency to the company's own account, once per run date. The posting comes first and the
//! bank file is written from it, so a run repeated after a crash writes the same file and
//! moves nothing twice. When a returned payment takes back costs that were already swept,
//! the company holds more than it earned: the run then pays that much back into the
//! client-money account, so client money is never short.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use reilu_core::{Currency, Money};
use reilu_formats::iban::AccountIban;
use reilu_formats::pain001::{CreditTransfer, CreditTransferFile, PaymentBatch, write_pain001};
use reilu_store::{NewPosting, PostOutcome, Store};
use serde::Serialize;

use crate::remit::DEBTOR_NAME;
use crate::{App, AppError, AppResult};

/// The company's own account the sweep pays to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyAccount {
    pub name: String,
    pub iban: String,
}

/// One currency's sweep of a run date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SweepLine {
    pub currency: String,
    pub amount: String,
    /// Positive: the amount moved, whichever way.
    pub amount_minor: i64,
    /// True: the company's money out of client money; false: the company pays back into
    /// client money what it holds beyond what it earned.
    pub to_company: bool,
    /// The paying account.
    pub from_iban: String,
    /// The receiving account.
    pub to_iban: String,
    /// False when an earlier run of the date already swept it (its file is written again).
    pub swept_now: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepSummary {
    pub run_date: String,
    pub lines: Vec<SweepLine>,
    pub files: Vec<PathBuf>,
}

impl<S: Store> App<S> {
    /// Sweeps, per currency, what the company earned and has not swept yet (or pays back what
    /// it swept beyond what it earned).
    pub async fn sweep(
        &self,
        run_date: NaiveDate,
        company: &CompanyAccount,
        out_dir: &Path,
    ) -> AppResult<SweepSummary> {
        AccountIban::parse(&company.iban)
            .map_err(|error| AppError::Invalid(format!("the company account: {error}")))?;
        let unswept = self.unswept_company_money().await?;
        let mut banks = self.bank_balances().await?;
        let mut summary = SweepSummary {
            run_date: run_date.to_string(),
            ..SweepSummary::default()
        };
        std::fs::create_dir_all(out_dir)
            .map_err(|error| AppError::Io(format!("{}: {error}", out_dir.display())))?;
        for currency in currencies_to_sweep(&unswept, &banks) {
            let planned = match unswept.get(&currency) {
                Some(amount_minor) if *amount_minor > 0 => {
                    let (from_iban, held_minor) = banks.get_mut(&currency).ok_or_else(|| {
                        AppError::Invalid(format!("no client-money account holds {currency}"))
                    })?;
                    if *held_minor < *amount_minor {
                        return Err(AppError::Invalid(format!(
                            "the client-money account {from_iban} holds {held_minor} minor units of {currency}, less than the company's {amount_minor}: nothing is swept until it is reconciled"
                        )));
                    }
                    *held_minor -= amount_minor;
                    Some((from_iban.clone(), *amount_minor))
                }
                // Swept more than now earned (a return took back swept costs): pay it back
                // into the client-money account of the currency.
                Some(amount_minor) if *amount_minor < 0 => {
                    let (into_iban, _) = banks.get(&currency).ok_or_else(|| {
                        AppError::Invalid(format!("no client-money account for {currency}"))
                    })?;
                    Some((into_iban.clone(), *amount_minor))
                }
                _ => None,
            };
            let Some(line) = self
                .sweep_currency(run_date, company, &currency, planned)
                .await?
            else {
                continue;
            };
            summary
                .files
                .push(self.write_sweep_file(run_date, company, &line, out_dir)?);
            summary.lines.push(line);
        }
        Ok(summary)
    }

    /// Per currency, the company's revenue less what was swept to its accounts before.
    async fn unswept_company_money(&self) -> AppResult<BTreeMap<String, i64>> {
        let mut unswept: BTreeMap<String, i64> = BTreeMap::new();
        for (account, currency, balance_minor) in self.store.balances("company_").await? {
            // Revenue is a credit (negative) balance; what was swept, a debit (positive) one.
            if account == "company_revenue" || account.starts_with("company_bank:") {
                *unswept.entry(currency).or_insert(0) -= balance_minor;
            }
        }
        Ok(unswept)
    }

    /// Posts one currency's sweep once per run date. Returns the line of the date's sweep,
    /// whether posted now or by an earlier run, or None when the currency has none.
    async fn sweep_currency(
        &self,
        run_date: NaiveDate,
        company: &CompanyAccount,
        currency: &str,
        planned: Option<(String, i64)>,
    ) -> AppResult<Option<SweepLine>> {
        let key = format!("sweep:{run_date}:{currency}");
        let (from_iban, amount_minor) = match planned {
            Some(plan) => plan,
            // Nothing left to sweep: an earlier run of the date may still have swept some.
            None => ("".into(), 0),
        };
        let code =
            Currency::parse(currency).map_err(|error| AppError::Invalid(error.to_string()))?;
        // Negative: the same two accounts the other way round (client money is paid back).
        let posting = if amount_minor != 0 {
            Some(
                reilu_ledger::company_money_swept(
                    &from_iban,
                    &company.iban,
                    Money::from_minor(amount_minor, code),
                )
                .map_err(|error| AppError::Invalid(error.to_string()))?,
            )
        } else {
            None
        };
        let outcome = match posting {
            Some(posting) => {
                let description = format!("company money of {run_date} swept to {}", company.iban);
                let rows = NewPosting {
                    idempotency_key: Some(key.clone()),
                    ..NewPosting::from_ledger(&posting, self.now_ms(), "sweep-run", description)
                };
                Some(self.store.post(&rows).await?)
            }
            None => self
                .store
                .posting_by_key(&key)
                .await?
                .map(|posting_id| PostOutcome::AlreadyPosted { posting_id }),
        };
        let Some(outcome) = outcome else {
            return Ok(None);
        };
        let (posting_id, swept_now) = match outcome {
            PostOutcome::Posted { posting_id } => (posting_id, true),
            PostOutcome::AlreadyPosted { posting_id } => (posting_id, false),
        };
        self.sweep_line(posting_id, currency, swept_now)
            .await
            .map(Some)
    }

    /// The line of a sweep posting, read back from its entries.
    async fn sweep_line(
        &self,
        posting_id: i64,
        currency: &str,
        swept_now: bool,
    ) -> AppResult<SweepLine> {
        let entries = self.store.posting_entries(posting_id).await?;
        let side = |prefix: &str| {
            entries
                .iter()
                .find_map(|entry| Some((entry.account.strip_prefix(prefix)?, entry.amount_minor)))
        };
        let (Some((company_iban, company_minor)), Some((client_money_iban, _))) =
            (side("company_bank:"), side("client_money_bank:"))
        else {
            return Err(AppError::Invalid(format!(
                "posting {posting_id} is not a sweep"
            )));
        };
        let code =
            Currency::parse(currency).map_err(|error| AppError::Invalid(error.to_string()))?;
        let to_company = company_minor > 0;
        let (from_iban, to_iban) = if to_company {
            (client_money_iban, company_iban)
        } else {
            (company_iban, client_money_iban)
        };
        let amount_minor = company_minor.abs();
        Ok(SweepLine {
            currency: currency.to_owned(),
            amount: Money::from_minor(amount_minor, code).to_string(),
            amount_minor,
            to_company,
            from_iban: from_iban.to_owned(),
            to_iban: to_iban.to_owned(),
            swept_now,
        })
    }

    fn write_sweep_file(
        &self,
        run_date: NaiveDate,
        company: &CompanyAccount,
        line: &SweepLine,
        out_dir: &Path,
    ) -> AppResult<PathBuf> {
        let day = run_date.format("%Y%m%d");
        let currency = Currency::parse(&line.currency)
            .map_err(|error| AppError::Invalid(error.to_string()))?;
        let amount = Money::from_minor(line.amount_minor, currency);
        let (debtor_name, creditor_name, purpose) = if line.to_company {
            (
                DEBTOR_NAME.to_owned(),
                company.name.clone(),
                format!("Reilu: the company's own money (costs and commission) of {run_date}"),
            )
        } else {
            (
                company.name.clone(),
                DEBTOR_NAME.to_owned(),
                format!(
                    "Reilu: swept on earlier dates beyond what was earned, paid back {run_date}"
                ),
            )
        };
        let file = CreditTransferFile {
            message_id: format!("REILU-SWEEP-{day}-{}", line.currency),
            created_at: self.clock.now(),
            initiating_party: DEBTOR_NAME.into(),
            batches: vec![PaymentBatch {
                payment_information_id: format!("SWEEP-{day}-{}", line.currency),
                debtor_name,
                debtor_iban: line.from_iban.clone(),
                debtor_bic: None,
                requested_execution_date: run_date,
                transfers: vec![CreditTransfer {
                    end_to_end_id: format!("SWEEP{day}{}", line.currency),
                    amount,
                    creditor_name,
                    creditor_iban: line.to_iban.clone(),
                    creditor_bic: None,
                    remittance_information: purpose,
                }],
            }],
        };
        let xml = write_pain001(&file).map_err(|error| AppError::Invalid(error.to_string()))?;
        let path = out_dir.join(format!(
            "sweep-{day}-{}-{}.xml",
            line.currency, line.from_iban
        ));
        std::fs::write(&path, xml)
            .map_err(|error| AppError::Io(format!("{}: {error}", path.display())))?;
        Ok(path)
    }
}

/// Currencies with something to sweep, and those a client-money account holds (an earlier run
/// of the date may have swept them: their file is written again).
fn currencies_to_sweep(
    unswept: &BTreeMap<String, i64>,
    banks: &BTreeMap<String, (String, i64)>,
) -> Vec<String> {
    let mut currencies: Vec<String> = unswept.keys().chain(banks.keys()).cloned().collect();
    currencies.sort();
    currencies.dedup();
    currencies
}
