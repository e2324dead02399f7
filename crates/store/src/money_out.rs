//! The store's side of money out: configured bank accounts, payout runs recorded with their
//! files, the unmatched queue's work, and what statements name. A trait of its own (every
//! [`crate::Store`] is one), so these writers sit apart from the rest.

use std::future::Future;

use crate::accounts::{AccountClosed, BankAccountKind, BankAccountRow, NewBankAccount};
use crate::payouts::{NewPayoutRun, PayoutFileRow, PayoutRunRow, RunRecorded};
use crate::statements::DetailedLine;
use crate::unmatched::{Assigned, Assignment, OverpaidCase, QueuedEntry};
use crate::{SqlStore, StoreResult};

pub trait PayoutStore {
    /// Adds a bank account of the company's and journals it; refused (`Conflict`) if the IBAN
    /// was ever configured.
    fn add_bank_account(
        &self,
        account: &NewBankAccount,
        actor: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<BankAccountRow>> + Send;
    /// Closes an account for good and journals it; closing twice writes nothing.
    fn close_bank_account(
        &self,
        iban: &str,
        actor: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<AccountClosed>> + Send;
    /// Every configured account, open ones first.
    fn bank_accounts(&self) -> impl Future<Output = StoreResult<Vec<BankAccountRow>>> + Send;
    /// The configured account with this IBAN (electronic form), open or closed.
    fn bank_account_by_iban(
        &self,
        iban: &str,
    ) -> impl Future<Output = StoreResult<Option<BankAccountRow>>> + Send;
    /// The open accounts of a currency and kind, oldest first.
    fn open_bank_accounts(
        &self,
        currency: &str,
        kind: BankAccountKind,
    ) -> impl Future<Output = StoreResult<Vec<BankAccountRow>>> + Send;

    /// Records a payout run (postings, records, files, journal) in one transaction, once per
    /// key; refused when a balance it was planned on moved.
    fn record_payout_run(
        &self,
        run: &NewPayoutRun,
    ) -> impl Future<Output = StoreResult<RunRecorded>> + Send;
    fn payout_run(
        &self,
        key: &str,
    ) -> impl Future<Output = StoreResult<Option<PayoutRunRow>>> + Send;
    fn payout_files(
        &self,
        key: &str,
    ) -> impl Future<Output = StoreResult<Vec<PayoutFileRow>>> + Send;
    /// Runs whose files were never put in place, oldest first.
    fn unpublished_payout_runs(
        &self,
    ) -> impl Future<Output = StoreResult<Vec<PayoutRunRow>>> + Send;
    /// Records that a run's files are in place.
    fn publish_payout_run(
        &self,
        key: &str,
        at_ms: i64,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The bank entries with this bank reference (on one account, or on any) and what became
    /// of them.
    fn bank_entries_by_reference(
        &self,
        bank_reference: &str,
        account_iban: Option<&str>,
    ) -> impl Future<Output = StoreResult<Vec<QueuedEntry>>> + Send;
    /// Allocates a queued entry to a case, posted and journaled once.
    fn assign_unmatched(
        &self,
        assignment: &Assignment,
    ) -> impl Future<Output = StoreResult<Assigned>> + Send;
    /// Cases owed money back, each with the latest payer on record.
    fn overpaid_cases(&self) -> impl Future<Output = StoreResult<Vec<OverpaidCase>>> + Send;

    /// An account's lines in `[from_ms, to_ms)`, each with its whole posting.
    fn account_lines_detailed(
        &self,
        account: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> impl Future<Output = StoreResult<Vec<DetailedLine>>> + Send;
    /// What a client's remittance of a date and currency paid for.
    fn remitted_lines(
        &self,
        run_date: &str,
        client_id: &str,
        currency: &str,
    ) -> impl Future<Output = StoreResult<Vec<DetailedLine>>> + Send;
    /// The client's references of the claims of these cases: (case number, reference).
    fn claim_references(
        &self,
        case_numbers: &[i64],
    ) -> impl Future<Output = StoreResult<Vec<(i64, String)>>> + Send;
}

impl PayoutStore for SqlStore {
    async fn add_bank_account(
        &self,
        account: &NewBankAccount,
        actor: &str,
        at_ms: i64,
    ) -> StoreResult<BankAccountRow> {
        crate::accounts::add(self, account, actor, at_ms).await
    }

    async fn close_bank_account(
        &self,
        iban: &str,
        actor: &str,
        at_ms: i64,
    ) -> StoreResult<AccountClosed> {
        crate::accounts::close(self, iban, actor, at_ms).await
    }

    async fn bank_accounts(&self) -> StoreResult<Vec<BankAccountRow>> {
        crate::accounts::list(self).await
    }

    async fn bank_account_by_iban(&self, iban: &str) -> StoreResult<Option<BankAccountRow>> {
        crate::accounts::by_iban(self, iban).await
    }

    async fn open_bank_accounts(
        &self,
        currency: &str,
        kind: BankAccountKind,
    ) -> StoreResult<Vec<BankAccountRow>> {
        crate::accounts::open_for(self, currency, kind).await
    }

    async fn record_payout_run(&self, run: &NewPayoutRun) -> StoreResult<RunRecorded> {
        crate::payouts::record(self, run).await
    }

    async fn payout_run(&self, key: &str) -> StoreResult<Option<PayoutRunRow>> {
        crate::payouts::run(self, key).await
    }

    async fn payout_files(&self, key: &str) -> StoreResult<Vec<PayoutFileRow>> {
        crate::payouts::files(self, key).await
    }

    async fn unpublished_payout_runs(&self) -> StoreResult<Vec<PayoutRunRow>> {
        crate::payouts::unpublished(self).await
    }

    async fn publish_payout_run(&self, key: &str, at_ms: i64) -> StoreResult<()> {
        crate::payouts::publish(self, key, at_ms).await
    }

    async fn bank_entries_by_reference(
        &self,
        bank_reference: &str,
        account_iban: Option<&str>,
    ) -> StoreResult<Vec<QueuedEntry>> {
        crate::unmatched::entries(self, bank_reference, account_iban).await
    }

    async fn assign_unmatched(&self, assignment: &Assignment) -> StoreResult<Assigned> {
        crate::unmatched::assign(self, assignment).await
    }

    async fn overpaid_cases(&self) -> StoreResult<Vec<OverpaidCase>> {
        crate::unmatched::overpaid_cases(self).await
    }

    async fn account_lines_detailed(
        &self,
        account: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<Vec<DetailedLine>> {
        crate::statements::account_lines(self, account, from_ms, to_ms).await
    }

    async fn remitted_lines(
        &self,
        run_date: &str,
        client_id: &str,
        currency: &str,
    ) -> StoreResult<Vec<DetailedLine>> {
        crate::statements::remitted_lines(self, run_date, client_id, currency).await
    }

    async fn claim_references(&self, case_numbers: &[i64]) -> StoreResult<Vec<(i64, String)>> {
        crate::statements::claim_references(self, case_numbers).await
    }
}
