-- The double-entry ledger: same tables and meanings as the SQLite migration.

INSERT INTO counters (name, next_value) VALUES ('posting', 1);

CREATE TABLE postings (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    corrects BIGINT REFERENCES postings (id),
    idempotency_key TEXT UNIQUE,
    description TEXT NOT NULL,
    entries_sha256 TEXT NOT NULL
);

CREATE TABLE ledger_entries (
    posting_id BIGINT NOT NULL REFERENCES postings (id),
    line BIGINT NOT NULL,
    account TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor <> 0),
    PRIMARY KEY (posting_id, line)
);
-- Entries by account, for statements of clients, banks and the company. A case's receivable
-- entries are left out of this index: they are most of the rows (every claim placed writes
-- one) and are read by posting, so indexing them would only slow intake.
CREATE INDEX ledger_entries_account ON ledger_entries (account) WHERE account NOT LIKE 'receivable:%';

CREATE TABLE account_balances (
    account TEXT NOT NULL,
    currency TEXT NOT NULL,
    balance_minor BIGINT NOT NULL,
    PRIMARY KEY (account, currency)
);

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'postings and ledger entries are append-only';
END;
$$;
CREATE TRIGGER postings_are_append_only BEFORE UPDATE OR DELETE ON postings
FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entries_are_append_only BEFORE UPDATE OR DELETE ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
