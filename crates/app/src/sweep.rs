//! Sweeping the company's own money out of the client-money accounts (principle 9: client
//! money is kept apart). Collected costs and the commission kept at remittance are the
//! company's; they stay in the client-money accounts until swept, by one credit transfer per
//! currency to the company's own configured account, once per run date. The whole run is
//! planned and its files built before anything is recorded, and recorded with its files
//! (see `payout`): a run that cannot be written moves nothing, a run repeated after a crash
//! writes the same files and moves nothing twice. When a returned payment takes back costs
//! that were already swept, the company holds more than it earned: the run then pays that
//! much back into a client-money account, so client money is never short.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use reilu_core::{Currency, Money};
use reilu_formats::pain001::{CreditTransfer, CreditTransferFile, PaymentBatch, write_pain001};
use reilu_store::{
    BalanceGuard, BankAccountKind, BankAccountRow, Guard, NewJournalEntry, NewPosting, Store,
};
use serde::Serialize;

use crate::payout::{PlannedRun, Sources, StopAfter};
use crate::remit::DEBTOR_NAME;
use crate::{App, AppError, AppResult};

/// Where a sweep pays to. By default each currency goes to the one open company account
/// configured for it, under that account's name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepTo {
    /// A configured, open company account: its currency is swept there instead.
    pub iban: Option<String>,
    /// The company's name as payee, instead of the account's configured name.
    pub name: Option<String>,
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

/// One currency's planned transfer.
struct PlannedSweep {
    currency: Currency,
    /// Positive: to the company; negative: paid back into client money.
    amount_minor: i64,
    client_money: BankAccountRow,
    company: BankAccountRow,
    company_name: String,
}

impl<S: Store> App<S> {
    /// Sweeps, per currency, what the company earned and has not swept yet (or pays back what
    /// it swept beyond what it earned).
    pub async fn sweep(
        &self,
        run_date: NaiveDate,
        to: &SweepTo,
        out_dir: &Path,
    ) -> AppResult<SweepSummary> {
        self.sweep_with(run_date, to, out_dir, StopAfter::Never)
            .await
    }

    /// [`App::sweep`], stopping where `stop` says as if the process were killed there.
    pub async fn sweep_with(
        &self,
        run_date: NaiveDate,
        to: &SweepTo,
        out_dir: &Path,
        stop: StopAfter,
    ) -> AppResult<SweepSummary> {
        let key = format!("sweep:{run_date}");
        // What the operator names is checked even when the date was swept before.
        if let Some(iban) = &to.iban {
            self.chosen_company_account(iban).await?;
        }
        if let Some(name) = &to.name {
            reilu_formats::pain001::bank_name(name).map_err(|error| {
                AppError::Invalid(format!(
                    "the company's name must fit a bank transfer: {error}"
                ))
            })?;
        }
        let mut files = self.publish_unpublished(out_dir).await?;
        let mut swept_now = false;
        if self.store.payout_run(&key).await?.is_some() {
            files.extend(self.publish_recorded(&key, out_dir).await?);
        } else {
            let (plans, guards) = self.plan_sweeps(run_date, to).await?;
            if !plans.is_empty() {
                let planned = self.sweep_run(run_date, &key, &plans, guards)?;
                let carried = self.carry_out(planned, out_dir, stop).await?;
                swept_now = carried.recorded_now;
                files.extend(carried.files);
            }
        }
        files.sort();
        files.dedup();
        let mut lines = Vec::new();
        for currency in self.company_currencies().await? {
            let posting_key = format!("sweep:{run_date}:{currency}");
            if let Some(posting_id) = self.store.posting_by_key(&posting_key).await? {
                lines.push(self.sweep_line(posting_id, &currency, swept_now).await?);
            }
        }
        Ok(SweepSummary {
            run_date: run_date.to_string(),
            lines,
            files,
        })
    }

    /// Every currency the company earned or swept in.
    async fn company_currencies(&self) -> AppResult<Vec<String>> {
        let mut currencies: Vec<String> = self
            .store
            .balances("company_")
            .await?
            .into_iter()
            .map(|(_, currency, _)| currency)
            .collect();
        currencies.sort();
        currencies.dedup();
        Ok(currencies)
    }

    /// Per currency with something to move: how much, from and to which accounts; and the
    /// balances that must not move before the run is recorded.
    async fn plan_sweeps(
        &self,
        run_date: NaiveDate,
        to: &SweepTo,
    ) -> AppResult<(Vec<PlannedSweep>, Vec<BalanceGuard>)> {
        let chosen = match &to.iban {
            Some(iban) => Some(self.chosen_company_account(iban).await?),
            None => None,
        };
        let mut sources = Sources::default();
        let mut plans = Vec::new();
        let (unswept, company_guards) = self.unswept_company_money().await?;
        for (currency, amount_minor) in unswept {
            // A sweep of the date recorded before runs were kept moved this currency already.
            let legacy_key = format!("sweep:{run_date}:{currency}");
            if amount_minor == 0 || self.store.posting_by_key(&legacy_key).await?.is_some() {
                continue;
            }
            let company = match &chosen {
                Some(account) if account.currency == currency => account.clone(),
                _ => {
                    self.open_account_for(&currency, BankAccountKind::Company)
                        .await?
                }
            };
            let company_name = to
                .name
                .clone()
                .or_else(|| company.name.clone())
                .ok_or_else(|| {
                    AppError::Invalid(format!(
                        "the company account {} has no name to pay it under: give --name, or add the account with --name",
                        company.iban
                    ))
                })?;
            let client_money = if amount_minor > 0 {
                self.take_client_money(&mut sources, &currency, amount_minor, None, "the company")
                    .await?
            } else {
                self.open_accounts(&currency, BankAccountKind::ClientMoney)
                    .await?
                    .remove(0)
            };
            plans.push(PlannedSweep {
                currency: Currency::parse(&currency)
                    .map_err(|error| AppError::Invalid(error.to_string()))?,
                amount_minor,
                client_money,
                company,
                company_name,
            });
        }
        let mut guards: Vec<BalanceGuard> = company_guards
            .into_iter()
            .filter(|guard| {
                plans
                    .iter()
                    .any(|plan| plan.currency.code() == guard.currency)
            })
            .collect();
        guards.extend(sources.guards());
        Ok((plans, guards))
    }

    /// The account `--to` names: configured, open, the company's.
    async fn chosen_company_account(&self, iban: &str) -> AppResult<BankAccountRow> {
        let account = self.bank_account_by_iban(iban).await?.ok_or_else(|| {
            AppError::Invalid(format!(
                "{iban} is not a configured account (reilu account add --kind company)"
            ))
        })?;
        if account.kind != BankAccountKind::Company || !account.is_open() {
            return Err(AppError::Invalid(format!(
                "{} is a {} account{}, not an open company account",
                account.iban,
                account.kind,
                if account.is_open() { "" } else { ", closed" }
            )));
        }
        Ok(account)
    }

    /// Per currency, the company's revenue less what was swept to its accounts before; and
    /// each balance that was read for it, as it must stay until the run is recorded.
    async fn unswept_company_money(&self) -> AppResult<(BTreeMap<String, i64>, Vec<BalanceGuard>)> {
        let mut unswept: BTreeMap<String, i64> = BTreeMap::new();
        let mut guards = Vec::new();
        for (account, currency, balance_minor) in self.store.balances("company_").await? {
            // Revenue is a credit (negative) balance; what was swept, a debit (positive) one.
            if account == "company_revenue" || account.starts_with("company_bank:") {
                let sum = unswept.entry(currency.clone()).or_insert(0);
                *sum = sum
                    .checked_sub(balance_minor)
                    .ok_or_else(|| AppError::Invalid(format!("{account} overflows")))?;
                guards.push(BalanceGuard {
                    account,
                    currency,
                    guard: Guard::Exactly(balance_minor),
                });
            }
        }
        Ok((unswept, guards))
    }

    /// The run: one posting and one file per currency, guarded by the balances they were
    /// computed from.
    fn sweep_run(
        &self,
        run_date: NaiveDate,
        key: &str,
        plans: &[PlannedSweep],
        guards: Vec<BalanceGuard>,
    ) -> AppResult<PlannedRun> {
        let at_ms = self.now_ms();
        let mut run =
            crate::payout::new_run(key, "sweep", run_date.to_string(), "sweep-run", at_ms);
        run.guards = guards;
        let mut files = Vec::with_capacity(plans.len());
        for plan in plans {
            let code = plan.currency.code();
            let amount = Money::from_minor(plan.amount_minor, plan.currency);
            // Negative: the same two accounts the other way round (client money paid back).
            let posting = reilu_ledger::company_money_swept(
                &plan.client_money.iban,
                &plan.company.iban,
                amount,
            )
            .map_err(|error| AppError::Invalid(error.to_string()))?;
            let description = format!("company money of {run_date} swept to {}", plan.company.iban);
            run.postings.push(NewPosting {
                idempotency_key: Some(format!("sweep:{run_date}:{code}")),
                ..NewPosting::from_ledger(&posting, at_ms, "sweep-run", description)
            });
            run.journal.push(NewJournalEntry {
                at_ms,
                actor: "sweep-run".into(),
                kind: "company.swept".into(),
                subject: format!("bank_account:{}", plan.company.iban),
                payload: serde_json::json!({
                    "run_date": run_date.to_string(), "currency": code,
                    "amount_minor": plan.amount_minor, "client_money_iban": plan.client_money.iban,
                })
                .to_string(),
            });
            files.push(self.sweep_file(run_date, plan)?);
        }
        Ok(PlannedRun { record: run, files })
    }

    fn sweep_file(&self, run_date: NaiveDate, plan: &PlannedSweep) -> AppResult<(String, Vec<u8>)> {
        let day = run_date.format("%Y%m%d");
        let code = plan.currency.code();
        let amount = Money::from_minor(plan.amount_minor.abs(), plan.currency);
        let client_money_name = plan
            .client_money
            .name
            .clone()
            .unwrap_or_else(|| DEBTOR_NAME.into());
        let (debtor_name, debtor_iban, creditor_name, creditor_iban, purpose) =
            if plan.amount_minor > 0 {
                (
                    client_money_name,
                    &plan.client_money.iban,
                    plan.company_name.clone(),
                    &plan.company.iban,
                    format!("Reilu: the company's own money (costs and commission) of {run_date}"),
                )
            } else {
                (
                    plan.company_name.clone(),
                    &plan.company.iban,
                    client_money_name,
                    &plan.client_money.iban,
                    format!(
                        "Reilu: swept on earlier dates beyond what was earned, paid back {run_date}"
                    ),
                )
            };
        let file = CreditTransferFile {
            message_id: format!("REILU-SWEEP-{day}-{code}"),
            created_at: self.clock.now(),
            initiating_party: debtor_name.clone(),
            batches: vec![PaymentBatch {
                payment_information_id: format!("SWEEP-{day}-{code}"),
                debtor_name,
                debtor_iban: debtor_iban.clone(),
                debtor_bic: None,
                requested_execution_date: run_date,
                transfers: vec![CreditTransfer {
                    end_to_end_id: format!("SWEEP{day}{code}"),
                    amount,
                    creditor_name,
                    creditor_iban: creditor_iban.clone(),
                    creditor_bic: None,
                    remittance_information: purpose,
                }],
            }],
        };
        let xml = write_pain001(&file).map_err(|error| {
            AppError::Invalid(format!(
                "the sweep of {run_date} cannot be written, so nothing was moved: {error}"
            ))
        })?;
        Ok((
            format!("sweep-{day}-{code}-{debtor_iban}.xml"),
            xml.into_bytes(),
        ))
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
        let to_company = company_minor > 0;
        let (from_iban, to_iban) = if to_company {
            (client_money_iban, company_iban)
        } else {
            (company_iban, client_money_iban)
        };
        let amount_minor = company_minor.abs();
        Ok(SweepLine {
            currency: currency.to_owned(),
            amount: crate::statement::show(amount_minor, currency)?,
            amount_minor,
            to_company,
            from_iban: from_iban.to_owned(),
            to_iban: to_iban.to_owned(),
            swept_now,
        })
    }
}
