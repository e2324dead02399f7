//! The remittance run: every client is paid what was collected for it, less the agreed
//! commission, from the segregated client-money account, once per run date. The ledger
//! posting and the remittance record are written together; the bank files (ISO 20022
//! pain.001.001.09, one per currency and debtor account) and the client reports are written
//! from the records, so a run repeated after a crash writes the same payments and pays none
//! twice.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use askama::Template;
use chrono::NaiveDate;
use reilu_core::{Currency, Money};
use reilu_formats::pain001::{CreditTransfer, CreditTransferFile, PaymentBatch, write_pain001};
use reilu_store::{NewPosting, Remittance, Store};
use serde::Serialize;

use crate::{App, AppError, AppResult};

/// The name written as the paying party in the bank files.
pub const DEBTOR_NAME: &str = "Reilu client money account";

/// One client's payment in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemitLine {
    pub client_id: String,
    pub currency: String,
    pub owed: String,
    pub commission: String,
    pub paid: String,
    pub debtor_iban: String,
    pub creditor_iban: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemitSummary {
    pub run_date: String,
    /// Payments made by this run.
    pub paid_now: usize,
    /// Every payment of the date (this run's and earlier runs').
    pub lines: Vec<RemitLine>,
    pub files: Vec<PathBuf>,
}

impl<S: Store> App<S> {
    pub async fn remit(&self, run_date: NaiveDate, out_dir: &Path) -> AppResult<RemitSummary> {
        let date = run_date.to_string();
        let paid_now = self.pay_clients(&date).await?;
        let remittances = self.store.remittances_on(&date).await?;
        std::fs::create_dir_all(out_dir)
            .map_err(|error| AppError::Io(format!("{}: {error}", out_dir.display())))?;
        let mut files = self
            .write_bank_files(run_date, &remittances, out_dir)
            .await?;
        files.extend(self.write_reports(&date, &remittances, out_dir).await?);
        let lines = remittances
            .iter()
            .map(line_of)
            .collect::<AppResult<Vec<_>>>()?;
        Ok(RemitSummary {
            run_date: date,
            paid_now,
            lines,
            files,
        })
    }

    /// Posts one remittance per client and currency owed something; returns how many.
    async fn pay_clients(&self, date: &str) -> AppResult<usize> {
        let mut banks = self.bank_balances().await?;
        let mut paid_now = 0;
        for (account, currency, balance_minor) in self.store.balances("client_liability:").await? {
            let owed_minor = -balance_minor;
            let Some(client_id) = account.strip_prefix("client_liability:") else {
                continue;
            };
            if owed_minor <= 0 {
                continue;
            }
            let client = self.client(client_id).await?;
            let commission_minor =
                i64::try_from(i128::from(owed_minor) * i128::from(client.commission_bp) / 10_000)
                    .unwrap_or(0);
            let paid_minor = owed_minor - commission_minor;
            let (debtor_iban, held_minor) = banks.get_mut(&currency).ok_or_else(|| {
                AppError::Invalid(format!("no client-money account holds {currency}"))
            })?;
            if *held_minor < paid_minor {
                return Err(AppError::Invalid(format!(
                    "the client-money account {debtor_iban} holds {held_minor} minor units of {currency}, less than the {paid_minor} owed to {client_id}: nothing more is paid until it is reconciled"
                )));
            }
            let remittance = Remittance {
                run_date: date.to_owned(),
                client_id: client.id.clone(),
                currency: currency.clone(),
                owed_minor,
                commission_minor,
                paid_minor,
                debtor_iban: debtor_iban.clone(),
                creditor_iban: client.iban.clone(),
            };
            let posting = remittance_posting(&remittance, self.now_ms())?;
            if matches!(
                self.store.record_remittance(&remittance, &posting).await?,
                reilu_store::PostOutcome::Posted { .. }
            ) {
                *held_minor -= paid_minor;
                paid_now += 1;
            }
        }
        Ok(paid_now)
    }

    /// Per currency, the client-money account holding the most, and what it holds.
    pub(crate) async fn bank_balances(&self) -> AppResult<BTreeMap<String, (String, i64)>> {
        let mut banks: BTreeMap<String, (String, i64)> = BTreeMap::new();
        for (account, currency, balance_minor) in self.store.balances("client_money_bank:").await? {
            let Some(iban) = account.strip_prefix("client_money_bank:") else {
                continue;
            };
            let better = banks
                .get(&currency)
                .is_none_or(|(_, held)| balance_minor > *held);
            if better {
                banks.insert(currency, (iban.to_owned(), balance_minor));
            }
        }
        Ok(banks)
    }

    async fn write_bank_files(
        &self,
        run_date: NaiveDate,
        remittances: &[Remittance],
        out_dir: &Path,
    ) -> AppResult<Vec<PathBuf>> {
        let mut groups: BTreeMap<(String, String), Vec<&Remittance>> = BTreeMap::new();
        for remittance in remittances {
            groups
                .entry((remittance.currency.clone(), remittance.debtor_iban.clone()))
                .or_default()
                .push(remittance);
        }
        let mut files = Vec::new();
        for ((currency, debtor_iban), group) in groups {
            let file = self
                .credit_transfer_file(run_date, &currency, &debtor_iban, &group)
                .await?;
            let xml = write_pain001(&file).map_err(|error| AppError::Invalid(error.to_string()))?;
            let path = out_dir.join(format!(
                "pain001-{}-{currency}-{debtor_iban}.xml",
                run_date.format("%Y%m%d")
            ));
            std::fs::write(&path, xml)
                .map_err(|error| AppError::Io(format!("{}: {error}", path.display())))?;
            files.push(path);
        }
        Ok(files)
    }

    async fn credit_transfer_file(
        &self,
        run_date: NaiveDate,
        currency: &str,
        debtor_iban: &str,
        group: &[&Remittance],
    ) -> AppResult<CreditTransferFile> {
        let day = run_date.format("%Y%m%d");
        let money_of = |minor: i64| {
            Currency::parse(currency)
                .map(|c| Money::from_minor(minor, c))
                .map_err(|error| AppError::Invalid(error.to_string()))
        };
        let mut transfers = Vec::with_capacity(group.len());
        for remittance in group {
            let client = self.client(&remittance.client_id).await?;
            let short: String = client
                .id
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(12)
                .collect();
            transfers.push(CreditTransfer {
                end_to_end_id: format!("REM{day}{short}{currency}"),
                amount: money_of(remittance.paid_minor)?,
                creditor_name: client.name.clone(),
                creditor_iban: remittance.creditor_iban.clone(),
                creditor_bic: None,
                remittance_information: format!(
                    "Reilu remittance {run_date}: collected {}, commission {}",
                    money_of(remittance.owed_minor)?,
                    money_of(remittance.commission_minor)?
                ),
            });
        }
        let batch = PaymentBatch {
            payment_information_id: format!("REM-{day}-{currency}"),
            debtor_name: DEBTOR_NAME.into(),
            debtor_iban: debtor_iban.to_owned(),
            debtor_bic: None,
            requested_execution_date: run_date,
            transfers,
        };
        let tail: String = debtor_iban
            .chars()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        Ok(CreditTransferFile {
            message_id: format!("REILU-{day}-{currency}-{tail}"),
            created_at: self.clock.now(),
            initiating_party: DEBTOR_NAME.into(),
            batches: vec![batch],
        })
    }
}

fn remittance_posting(remittance: &Remittance, at_ms: i64) -> AppResult<NewPosting> {
    let currency = Currency::parse(&remittance.currency)
        .map_err(|error| AppError::Invalid(error.to_string()))?;
    let posting = reilu_ledger::remittance(
        &remittance.client_id,
        &remittance.debtor_iban,
        Money::from_minor(remittance.owed_minor, currency),
        Money::from_minor(remittance.commission_minor, currency),
    )
    .map_err(|error| AppError::Invalid(error.to_string()))?;
    let description = format!(
        "remittance of {} to {}",
        remittance.run_date, remittance.client_id
    );
    Ok(NewPosting {
        idempotency_key: Some(format!(
            "remit:{}:{}:{}",
            remittance.run_date, remittance.client_id, remittance.currency
        )),
        ..NewPosting::from_ledger(&posting, at_ms, "remittance-run", description)
    })
}

fn line_of(remittance: &Remittance) -> AppResult<RemitLine> {
    let currency = Currency::parse(&remittance.currency)
        .map_err(|error| AppError::Invalid(error.to_string()))?;
    let show = |minor: i64| Money::from_minor(minor, currency).to_string();
    Ok(RemitLine {
        client_id: remittance.client_id.clone(),
        currency: remittance.currency.clone(),
        owed: show(remittance.owed_minor),
        commission: show(remittance.commission_minor),
        paid: show(remittance.paid_minor),
        debtor_iban: remittance.debtor_iban.clone(),
        creditor_iban: remittance.creditor_iban.clone(),
    })
}

#[derive(Template)]
#[template(path = "remittance.html")]
struct RemittancePage<'a> {
    run_date: &'a str,
    client_id: &'a str,
    client_name: &'a str,
    creditor_iban: &'a str,
    debtor_iban: &'a str,
    file_name: String,
    lines: Vec<RemitLine>,
}

impl<S: Store> App<S> {
    /// A CSV and an HTML report per client of the date.
    async fn write_reports(
        &self,
        date: &str,
        remittances: &[Remittance],
        out_dir: &Path,
    ) -> AppResult<Vec<PathBuf>> {
        let mut by_client: BTreeMap<&str, Vec<&Remittance>> = BTreeMap::new();
        for remittance in remittances {
            by_client
                .entry(remittance.client_id.as_str())
                .or_default()
                .push(remittance);
        }
        let mut files = Vec::new();
        for (client_id, rows) in by_client {
            let client = self.client(client_id).await?;
            let lines = rows
                .iter()
                .map(|row| line_of(row))
                .collect::<AppResult<Vec<_>>>()?;
            let csv_path = out_dir.join(format!("remittance-{date}-{client_id}.csv"));
            write_csv(&csv_path, date, &lines)?;
            let first = rows
                .first()
                .map(|row| (row.debtor_iban.clone(), row.currency.clone()))
                .unwrap_or_default();
            let page = RemittancePage {
                run_date: date,
                client_id,
                client_name: &client.name,
                creditor_iban: &client.iban,
                debtor_iban: &first.0,
                file_name: format!(
                    "pain001-{}-{}-{}.xml",
                    date.replace('-', ""),
                    first.1,
                    first.0
                ),
                lines,
            };
            let html = page
                .render()
                .map_err(|error| AppError::Invalid(error.to_string()))?;
            let html_path = out_dir.join(format!("remittance-{date}-{client_id}.html"));
            std::fs::write(&html_path, html)
                .map_err(|error| AppError::Io(format!("{}: {error}", html_path.display())))?;
            files.extend([csv_path, html_path]);
        }
        Ok(files)
    }
}

fn write_csv(path: &Path, date: &str, lines: &[RemitLine]) -> AppResult<()> {
    let io = |error: csv::Error| AppError::Io(format!("{}: {error}", path.display()));
    let mut writer = csv::Writer::from_path(path).map_err(io)?;
    writer
        .write_record([
            "run_date",
            "client_id",
            "currency",
            "collected",
            "commission",
            "paid",
            "from_iban",
            "to_iban",
        ])
        .map_err(io)?;
    for line in lines {
        writer
            .write_record([
                date,
                &line.client_id,
                &line.currency,
                &line.owed,
                &line.commission,
                &line.paid,
                &line.debtor_iban,
                &line.creditor_iban,
            ])
            .map_err(io)?;
    }
    writer
        .flush()
        .map_err(|error| AppError::Io(format!("{}: {error}", path.display())))
}
