-- Money out, made whole.
--
-- bank_accounts: the company's own bank accounts, as configured by an operator: the
-- segregated client-money accounts payments come into and payouts leave from, and the
-- company's own accounts its money is swept to; one currency each. Closing an account is a
-- row of its own (bank_account_closures), so neither table ever changes and the history of
-- which accounts were ours, and when, stays complete. Both are append-only.
--
-- payout_runs: one row per run of money out (a remittance date, a sweep date, a refund),
-- recorded in the same transaction as its postings, with the bank files it sends
-- (payout_files: the exact bytes, sealed by the vault because a refund names a customer).
-- A file is published (renamed into its folder) only after the run is committed, and
-- payout_publications says it was; a run recorded but not published is written again from
-- here by the next payout command, so a run and its files exist together or not at all.
--
-- refunds: money paid back to customers (an unmatched payment, or an overpayment), each with
-- its posting and the payee, sealed.
--
-- unmatched_resolutions: what became of a queued bank entry: assigned to a case or refunded.
-- The queue is the unmatched entries without a resolution.
--
-- bank_entries.payer_sealed: the payer's name and IBAN from the statement (TxDtls/RltdPties
-- /Dbtr and DbtrAcct), sealed by the vault like all personal data; NULL where the statement
-- did not give them and for entries recorded before this migration.

CREATE TABLE bank_accounts (
    iban TEXT PRIMARY KEY,
    currency TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('client_money', 'company')),
    name TEXT,
    added_by TEXT NOT NULL,
    added_at_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX bank_accounts_by_currency ON bank_accounts (currency, kind);

CREATE TABLE bank_account_closures (
    iban TEXT PRIMARY KEY REFERENCES bank_accounts (iban),
    closed_by TEXT NOT NULL,
    closed_at_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE payout_runs (
    run_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('remittance', 'sweep', 'refund')),
    run_date TEXT NOT NULL,
    actor TEXT NOT NULL,
    recorded_at_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE payout_files (
    run_key TEXT NOT NULL REFERENCES payout_runs (run_key),
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    sealed_content BLOB NOT NULL,
    PRIMARY KEY (run_key, file_name)
) STRICT, WITHOUT ROWID;
-- Two runs never write the same file name: one could not overwrite the other's payments.
CREATE UNIQUE INDEX payout_files_by_name ON payout_files (file_name);

CREATE TABLE payout_publications (
    run_key TEXT PRIMARY KEY REFERENCES payout_runs (run_key),
    published_at_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

ALTER TABLE remittances ADD COLUMN run_key TEXT REFERENCES payout_runs (run_key);

CREATE TABLE refunds (
    run_key TEXT NOT NULL REFERENCES payout_runs (run_key),
    end_to_end_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('unmatched', 'overpayment')),
    account_iban TEXT,
    bank_reference TEXT,
    case_number INTEGER,
    currency TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    debtor_iban TEXT NOT NULL,
    payee_sealed BLOB NOT NULL,
    posting_id INTEGER NOT NULL REFERENCES postings (id),
    PRIMARY KEY (run_key, end_to_end_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE unmatched_resolutions (
    account_iban TEXT NOT NULL,
    bank_reference TEXT NOT NULL,
    resolution TEXT NOT NULL CHECK (resolution IN ('assigned', 'refunded')),
    case_number INTEGER,
    posting_id INTEGER NOT NULL REFERENCES postings (id),
    actor TEXT NOT NULL,
    resolved_at_ms INTEGER NOT NULL,
    PRIMARY KEY (account_iban, bank_reference),
    FOREIGN KEY (account_iban, bank_reference) REFERENCES bank_entries (account_iban, bank_reference)
) STRICT, WITHOUT ROWID;
CREATE INDEX unmatched_resolutions_by_case ON unmatched_resolutions (case_number)
    WHERE case_number IS NOT NULL;

ALTER TABLE bank_entries ADD COLUMN payer_sealed BLOB;
-- The unmatched queue is listed by booking date.
CREATE INDEX bank_entries_queue ON bank_entries (booking_date, imported_at_ms, bank_reference)
    WHERE outcome = 'unmatched';

CREATE TRIGGER bank_accounts_are_append_only_update BEFORE UPDATE ON bank_accounts
BEGIN SELECT RAISE(ABORT, 'bank accounts are append-only; close one and add another'); END;
CREATE TRIGGER bank_accounts_are_append_only_delete BEFORE DELETE ON bank_accounts
BEGIN SELECT RAISE(ABORT, 'bank accounts are append-only; close one and add another'); END;
CREATE TRIGGER bank_account_closures_are_append_only_update BEFORE UPDATE ON bank_account_closures
BEGIN SELECT RAISE(ABORT, 'bank account closures are append-only'); END;
CREATE TRIGGER bank_account_closures_are_append_only_delete BEFORE DELETE ON bank_account_closures
BEGIN SELECT RAISE(ABORT, 'bank account closures are append-only'); END;
CREATE TRIGGER payout_runs_are_append_only_update BEFORE UPDATE ON payout_runs
BEGIN SELECT RAISE(ABORT, 'payout runs are append-only'); END;
CREATE TRIGGER payout_runs_are_append_only_delete BEFORE DELETE ON payout_runs
BEGIN SELECT RAISE(ABORT, 'payout runs are append-only'); END;
CREATE TRIGGER payout_files_are_append_only_update BEFORE UPDATE ON payout_files
BEGIN SELECT RAISE(ABORT, 'payout files are append-only'); END;
CREATE TRIGGER payout_files_are_append_only_delete BEFORE DELETE ON payout_files
BEGIN SELECT RAISE(ABORT, 'payout files are append-only'); END;
CREATE TRIGGER payout_publications_are_append_only_update BEFORE UPDATE ON payout_publications
BEGIN SELECT RAISE(ABORT, 'payout publications are append-only'); END;
CREATE TRIGGER payout_publications_are_append_only_delete BEFORE DELETE ON payout_publications
BEGIN SELECT RAISE(ABORT, 'payout publications are append-only'); END;
CREATE TRIGGER refunds_are_append_only_update BEFORE UPDATE ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds are append-only'); END;
CREATE TRIGGER refunds_are_append_only_delete BEFORE DELETE ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds are append-only'); END;
CREATE TRIGGER unmatched_resolutions_are_append_only_update BEFORE UPDATE ON unmatched_resolutions
BEGIN SELECT RAISE(ABORT, 'unmatched resolutions are append-only'); END;
CREATE TRIGGER unmatched_resolutions_are_append_only_delete BEFORE DELETE ON unmatched_resolutions
BEGIN SELECT RAISE(ABORT, 'unmatched resolutions are append-only'); END;
