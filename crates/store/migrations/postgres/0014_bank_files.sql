-- Bank files in, hardened (issue 15). See the SQLite migration of the same number for the
-- why; PostgreSQL refuses a BIGINT sum that overflows by itself ("bigint out of range"), so
-- it needs no triggers for that.
ALTER TABLE bank_entries ADD COLUMN unstructured_sealed BYTEA;
CREATE INDEX bank_entries_plain_text ON bank_entries (account_iban, bank_reference)
    WHERE unstructured <> '';

CREATE TABLE bank_statements (
    account TEXT NOT NULL,
    statement_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    sequence TEXT,
    message_id TEXT NOT NULL,
    opening_minor BIGINT,
    credits_minor BIGINT NOT NULL,
    debits_minor BIGINT NOT NULL,
    closing_minor BIGINT,
    closing_date TEXT,
    statement_difference_minor BIGINT,
    ledger_balance_minor BIGINT,
    ledger_difference_minor BIGINT,
    imported_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account, statement_id, currency)
);
CREATE INDEX bank_statements_by_date ON bank_statements (account, currency, closing_date);
