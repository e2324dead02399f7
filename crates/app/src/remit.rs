//! The remittance run: every client is paid what was collected for it, less the agreed
//! commission, from a configured client-money account of the currency, once per run date.
//! The whole run is planned and its bank files (ISO 20022 pain.001.001.09, one per currency
//! and paying account) built and checked before anything is recorded; then the postings,
//! the remittance records and the files' bytes are recorded together and the files put in
//! place (see `payout` for the protocol). A run that cannot be written pays nobody; a run
//! repeated after a crash writes the same files and pays none twice.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use askama::Template;
use chrono::NaiveDate;
use reilu_core::{Currency, Money};
use reilu_formats::pain001::{CreditTransfer, CreditTransferFile, PaymentBatch, write_pain001};
use reilu_store::{
    BalanceGuard, ClientRow, Guard, NewJournalEntry, NewPayoutRun, NewPosting, Remittance, Store,
};
use serde::Serialize;

use crate::payout::{PlannedRun, StopAfter};
use crate::statement::{Movement, booked_at, show};
use crate::{App, AppError, AppResult};

/// The name written as the paying party in the bank files when the account has none.
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

/// The remittances a run will record, with what their files need.
struct RemitPlan {
    remittances: Vec<Remittance>,
    guards: Vec<BalanceGuard>,
    /// The paying accounts' names for the files, by IBAN.
    debtor_names: HashMap<String, String>,
    clients: HashMap<String, ClientRow>,
}

impl<S: Store> App<S> {
    pub async fn remit(&self, run_date: NaiveDate, out_dir: &Path) -> AppResult<RemitSummary> {
        self.remit_with(run_date, out_dir, StopAfter::Never).await
    }

    /// [`App::remit`], stopping where `stop` says as if the process were killed there.
    pub async fn remit_with(
        &self,
        run_date: NaiveDate,
        out_dir: &Path,
        stop: StopAfter,
    ) -> AppResult<RemitSummary> {
        let date = run_date.to_string();
        let key = format!("remittance:{date}");
        let mut files = self.publish_unpublished(out_dir).await?;
        let mut paid_now = 0;
        if self.store.payout_run(&key).await?.is_some() {
            files.extend(self.publish_recorded(&key, out_dir).await?);
        } else if self.store.remittances_on(&date).await?.is_empty() {
            // (Remittances of the date without a run were paid before runs were recorded,
            // and their files written then: nothing more is paid on that date.)
            if let Some(planned) = self.plan_remittance(run_date, &key).await? {
                let count = planned.record.remittances.len();
                let carried = self.carry_out(planned, out_dir, stop).await?;
                if carried.recorded_now {
                    paid_now = count;
                }
                files.extend(carried.files);
            }
        }
        let remittances = self.store.remittances_on(&date).await?;
        files.extend(self.write_reports(&date, &remittances, out_dir).await?);
        files.sort();
        files.dedup();
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

    /// Plans the date's run in full, files included; None when nobody is owed anything.
    async fn plan_remittance(
        &self,
        run_date: NaiveDate,
        key: &str,
    ) -> AppResult<Option<PlannedRun>> {
        let date = run_date.to_string();
        let at_ms = self.now_ms();
        let plan = self.plan_payments(&date).await?;
        if plan.remittances.is_empty() {
            return Ok(None);
        }
        let mut postings = Vec::with_capacity(plan.remittances.len());
        let mut journal = Vec::with_capacity(plan.remittances.len());
        for remittance in &plan.remittances {
            postings.push(remittance_posting(remittance, at_ms)?);
            let payload = serde_json::json!({
                "run_date": remittance.run_date, "currency": remittance.currency,
                "owed_minor": remittance.owed_minor, "commission_minor": remittance.commission_minor,
                "paid_minor": remittance.paid_minor, "debtor_iban": remittance.debtor_iban,
            });
            journal.push(NewJournalEntry {
                at_ms,
                actor: "remittance-run".into(),
                kind: "client.remitted".into(),
                subject: format!("client:{}", remittance.client_id),
                payload: payload.to_string(),
            });
        }
        let files = self.remittance_files(run_date, &plan)?;
        Ok(Some(PlannedRun {
            record: NewPayoutRun {
                key: key.to_owned(),
                kind: "remittance".into(),
                run_date: date,
                actor: "remittance-run".into(),
                at_ms,
                files: Vec::new(),
                postings,
                guards: plan.guards,
                remittances: plan.remittances.into_iter().zip(0..).collect(),
                refunds: Vec::new(),
                resolutions: Vec::new(),
                journal,
            },
            files,
        }))
    }

    /// One remittance per client and currency owed something, each paid from an open
    /// client-money account of the currency that holds enough.
    async fn plan_payments(&self, date: &str) -> AppResult<RemitPlan> {
        let mut sources = crate::payout::Sources::default();
        let mut plan = RemitPlan {
            remittances: Vec::new(),
            guards: Vec::new(),
            debtor_names: HashMap::new(),
            clients: HashMap::new(),
        };
        for (account, currency, balance_minor) in self.store.balances("client_liability:").await? {
            let Some(client_id) = account.strip_prefix("client_liability:") else {
                continue;
            };
            let owed_minor = balance_minor
                .checked_neg()
                .ok_or_else(|| AppError::Invalid(format!("{account} overflows")))?;
            if owed_minor <= 0 {
                continue;
            }
            let client = self.client(client_id).await?;
            let commission_minor =
                i64::try_from(i128::from(owed_minor) * i128::from(client.commission_bp) / 10_000)
                    .map_err(|_| AppError::Invalid(format!("{account}: commission overflows")))?;
            let paid_minor = owed_minor - commission_minor;
            let debtor = self
                .take_client_money(&mut sources, &currency, paid_minor, None, client_id)
                .await?;
            plan.debtor_names.insert(
                debtor.iban.clone(),
                debtor.name.clone().unwrap_or_else(|| DEBTOR_NAME.into()),
            );
            plan.guards.push(BalanceGuard {
                account: account.clone(),
                currency: currency.clone(),
                guard: Guard::Exactly(balance_minor),
            });
            plan.remittances.push(Remittance {
                run_date: date.to_owned(),
                client_id: client.id.clone(),
                currency,
                owed_minor,
                commission_minor,
                paid_minor,
                debtor_iban: debtor.iban,
                creditor_iban: client.iban.clone(),
            });
            plan.clients.insert(client.id.clone(), client);
        }
        plan.guards.extend(sources.guards());
        Ok(plan)
    }

    /// The run's bank files, one per currency and paying account, built and checked.
    fn remittance_files(
        &self,
        run_date: NaiveDate,
        plan: &RemitPlan,
    ) -> AppResult<Vec<(String, Vec<u8>)>> {
        let mut groups: BTreeMap<(&str, &str), Vec<&Remittance>> = BTreeMap::new();
        for remittance in &plan.remittances {
            groups
                .entry((&remittance.currency, &remittance.debtor_iban))
                .or_default()
                .push(remittance);
        }
        let mut files = Vec::with_capacity(groups.len());
        for ((currency, debtor_iban), group) in groups {
            let file = self.credit_transfer_file(run_date, currency, debtor_iban, &group, plan)?;
            let xml = write_pain001(&file).map_err(|error| {
                AppError::Invalid(format!(
                    "the remittance of {run_date} cannot be written, so nothing was paid: {error}"
                ))
            })?;
            let name = format!(
                "pain001-{}-{currency}-{debtor_iban}.xml",
                run_date.format("%Y%m%d")
            );
            files.push((name, xml.into_bytes()));
        }
        Ok(files)
    }

    fn credit_transfer_file(
        &self,
        run_date: NaiveDate,
        currency: &str,
        debtor_iban: &str,
        group: &[&Remittance],
        plan: &RemitPlan,
    ) -> AppResult<CreditTransferFile> {
        let day = run_date.format("%Y%m%d");
        let money_of = |minor: i64| {
            Currency::parse(currency)
                .map(|c| Money::from_minor(minor, c))
                .map_err(|error| AppError::Invalid(error.to_string()))
        };
        let mut transfers = Vec::with_capacity(group.len());
        for remittance in group {
            let client = plan.clients.get(&remittance.client_id).ok_or_else(|| {
                AppError::NotFound(format!("no client with id {}", remittance.client_id))
            })?;
            transfers.push(CreditTransfer {
                end_to_end_id: format!("REM{day}{}{currency}", id_tail(&client.id)),
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
        let debtor_name = plan
            .debtor_names
            .get(debtor_iban)
            .cloned()
            .unwrap_or_else(|| DEBTOR_NAME.into());
        let batch = PaymentBatch {
            payment_information_id: format!("REM-{day}-{currency}"),
            debtor_name: debtor_name.clone(),
            debtor_iban: debtor_iban.to_owned(),
            debtor_bic: None,
            requested_execution_date: run_date,
            transfers,
        };
        Ok(CreditTransferFile {
            message_id: format!("REILU-{day}-{currency}-{}", tail(debtor_iban, 8)),
            created_at: self.clock.now(),
            initiating_party: debtor_name,
            batches: vec![batch],
        })
    }
}

/// The last `count` characters of `text`.
pub(crate) fn tail(text: &str, count: usize) -> String {
    let skip = text.chars().count().saturating_sub(count);
    text.chars().skip(skip).collect()
}

/// The last 12 letters and digits of a client id: a UUIDv7 begins with its creation time
/// (clients made in the same millisecond share it) and ends in random bits.
fn id_tail(id: &str) -> String {
    let alphanumeric: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
    tail(&alphanumeric, 12)
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
    .map_err(|error| {
        AppError::Invalid(format!(
            "the remittance to {} in {}: {error}",
            remittance.client_id, remittance.currency
        ))
    })?;
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
    let currency = &remittance.currency;
    Ok(RemitLine {
        client_id: remittance.client_id.clone(),
        currency: currency.clone(),
        owed: show(remittance.owed_minor, currency)?,
        commission: show(remittance.commission_minor, currency)?,
        paid: show(remittance.paid_minor, currency)?,
        debtor_iban: remittance.debtor_iban.clone(),
        creditor_iban: remittance.creditor_iban.clone(),
    })
}

/// One line of a client's remittance report.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ReportLine {
    /// `collected`, `correction`, `commission` or `paid`.
    line: String,
    booked_at: String,
    case_number: String,
    claim_refs: String,
    description: String,
    amount: String,
}

/// A client's remittance in one currency, itemised.
struct ReportSection {
    remittance: RemitLine,
    file_name: String,
    lines: Vec<ReportLine>,
}

#[derive(Template)]
#[template(path = "remittance.html")]
struct RemittancePage<'a> {
    run_date: &'a str,
    client_id: &'a str,
    client_name: &'a str,
    creditor_iban: &'a str,
    sections: Vec<ReportSection>,
}

impl<S: Store> App<S> {
    /// A CSV and an HTML report per client of the date, written from the records.
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
        if !by_client.is_empty() {
            std::fs::create_dir_all(out_dir)
                .map_err(|error| AppError::Io(format!("{}: {error}", out_dir.display())))?;
        }
        let mut files = Vec::new();
        for (client_id, rows) in by_client {
            let client = self.client(client_id).await?;
            let mut sections = Vec::with_capacity(rows.len());
            for row in rows {
                sections.push(self.report_section(date, row).await?);
            }
            let csv_path = out_dir.join(format!("remittance-{date}-{client_id}.csv"));
            write_csv(&csv_path, date, &sections)?;
            let page = RemittancePage {
                run_date: date,
                client_id,
                client_name: &client.name,
                creditor_iban: &client.iban,
                sections,
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

    /// What one remittance paid for, item by item (each collection with its case and claim
    /// references), then the commission kept and the payment.
    async fn report_section(
        &self,
        date: &str,
        remittance: &Remittance,
    ) -> AppResult<ReportSection> {
        let currency = &remittance.currency;
        let detailed = self
            .store
            .remitted_lines(date, &remittance.client_id, currency)
            .await?;
        let mut lines = Vec::with_capacity(detailed.len() + 2);
        for movement in self.movements(&detailed).await? {
            lines.push(report_line(&movement)?);
        }
        for (line, minor, description) in [
            (
                "commission",
                -remittance.commission_minor,
                "commission kept".to_owned(),
            ),
            (
                "paid",
                -remittance.paid_minor,
                format!("paid to {}", remittance.creditor_iban),
            ),
        ] {
            lines.push(ReportLine {
                line: line.into(),
                booked_at: String::new(),
                case_number: String::new(),
                claim_refs: String::new(),
                description,
                amount: show(minor, currency)?,
            });
        }
        Ok(ReportSection {
            remittance: line_of(remittance)?,
            file_name: format!(
                "pain001-{}-{currency}-{}.xml",
                date.replace('-', ""),
                remittance.debtor_iban
            ),
            lines,
        })
    }
}

fn report_line(movement: &Movement) -> AppResult<ReportLine> {
    let line = if movement.kind == "correction" {
        "correction"
    } else {
        "collected"
    };
    Ok(ReportLine {
        line: line.into(),
        booked_at: booked_at(movement.at_ms),
        case_number: movement
            .case_number
            .map(|case| case.to_string())
            .unwrap_or_default(),
        claim_refs: movement.claim_refs.join("; "),
        description: movement.description.clone(),
        amount: show(movement.owed_minor, &movement.currency)?,
    })
}

fn write_csv(path: &Path, date: &str, sections: &[ReportSection]) -> AppResult<()> {
    let io = |error: csv::Error| AppError::Io(format!("{}: {error}", path.display()));
    let mut writer = csv::Writer::from_path(path).map_err(io)?;
    writer
        .write_record([
            "run_date",
            "client_id",
            "currency",
            "line",
            "booked_at",
            "case_number",
            "claim_refs",
            "description",
            "amount",
            "from_iban",
            "to_iban",
        ])
        .map_err(io)?;
    for section in sections {
        let remittance = &section.remittance;
        for line in &section.lines {
            writer
                .write_record([
                    date,
                    &remittance.client_id,
                    &remittance.currency,
                    &line.line,
                    &line.booked_at,
                    &line.case_number,
                    &line.claim_refs,
                    &line.description,
                    &line.amount,
                    &remittance.debtor_iban,
                    &remittance.creditor_iban,
                ])
                .map_err(io)?;
        }
    }
    writer
        .flush()
        .map_err(|error| AppError::Io(format!("{}: {error}", path.display())))
}
