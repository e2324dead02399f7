-- Money out, made whole. The tables and their reasons are described in the SQLite migration
-- of the same number; this is the same schema in PostgreSQL's types.

CREATE TABLE bank_accounts (
    iban TEXT PRIMARY KEY,
    currency TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('client_money', 'company')),
    name TEXT,
    added_by TEXT NOT NULL,
    added_at_ms BIGINT NOT NULL
);
CREATE INDEX bank_accounts_by_currency ON bank_accounts (currency, kind);

CREATE TABLE bank_account_closures (
    iban TEXT PRIMARY KEY REFERENCES bank_accounts (iban),
    closed_by TEXT NOT NULL,
    closed_at_ms BIGINT NOT NULL
);

CREATE TABLE payout_runs (
    run_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('remittance', 'sweep', 'refund')),
    run_date TEXT NOT NULL,
    actor TEXT NOT NULL,
    recorded_at_ms BIGINT NOT NULL
);

CREATE TABLE payout_files (
    run_key TEXT NOT NULL REFERENCES payout_runs (run_key),
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    sealed_content BYTEA NOT NULL,
    PRIMARY KEY (run_key, file_name)
);
CREATE UNIQUE INDEX payout_files_by_name ON payout_files (file_name);

CREATE TABLE payout_publications (
    run_key TEXT PRIMARY KEY REFERENCES payout_runs (run_key),
    published_at_ms BIGINT NOT NULL
);

ALTER TABLE remittances ADD COLUMN run_key TEXT REFERENCES payout_runs (run_key);

CREATE TABLE refunds (
    run_key TEXT NOT NULL REFERENCES payout_runs (run_key),
    end_to_end_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('unmatched', 'overpayment')),
    account_iban TEXT,
    bank_reference TEXT,
    case_number BIGINT,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    debtor_iban TEXT NOT NULL,
    payee_sealed BYTEA NOT NULL,
    posting_id BIGINT NOT NULL REFERENCES postings (id),
    PRIMARY KEY (run_key, end_to_end_id)
);

CREATE TABLE unmatched_resolutions (
    account_iban TEXT NOT NULL,
    bank_reference TEXT NOT NULL,
    resolution TEXT NOT NULL CHECK (resolution IN ('assigned', 'refunded')),
    case_number BIGINT,
    posting_id BIGINT NOT NULL REFERENCES postings (id),
    actor TEXT NOT NULL,
    resolved_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_iban, bank_reference),
    FOREIGN KEY (account_iban, bank_reference) REFERENCES bank_entries (account_iban, bank_reference)
);
CREATE INDEX unmatched_resolutions_by_case ON unmatched_resolutions (case_number)
    WHERE case_number IS NOT NULL;

ALTER TABLE bank_entries ADD COLUMN payer_sealed BYTEA;
CREATE INDEX bank_entries_queue ON bank_entries (booking_date, imported_at_ms, bank_reference)
    WHERE outcome = 'unmatched';

CREATE FUNCTION money_out_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER bank_accounts_are_append_only BEFORE UPDATE OR DELETE ON bank_accounts
FOR EACH ROW EXECUTE FUNCTION money_out_refuse_change();
CREATE TRIGGER bank_account_closures_are_append_only BEFORE UPDATE OR DELETE ON bank_account_closures
FOR EACH ROW EXECUTE FUNCTION money_out_refuse_change();
CREATE TRIGGER payout_runs_are_append_only BEFORE UPDATE OR DELETE ON payout_runs
FOR EACH ROW EXECUTE FUNCTION money_out_refuse_change();
CREATE TRIGGER payout_files_are_append_only BEFORE UPDATE OR DELETE ON payout_files
FOR EACH ROW EXECUTE FUNCTION money_out_refuse_change();
CREATE TRIGGER payout_publications_are_append_only BEFORE UPDATE OR DELETE ON payout_publications
FOR EACH ROW EXECUTE FUNCTION money_out_refuse_change();
CREATE TRIGGER refunds_are_append_only BEFORE UPDATE OR DELETE ON refunds
FOR EACH ROW EXECUTE FUNCTION money_out_refuse_change();
CREATE TRIGGER unmatched_resolutions_are_append_only BEFORE UPDATE OR DELETE ON unmatched_resolutions
FOR EACH ROW EXECUTE FUNCTION money_out_refuse_change();
