-- The double-entry ledger (reilu-ledger): postings and their entries, append-only, and the
-- running balance of every account, kept in the same transaction as each posting and
-- re-derived from the entries by `reilu check`.

INSERT INTO counters (name, next_value) VALUES ('posting', 1);

CREATE TABLE postings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    corrects INTEGER REFERENCES postings (id),
    idempotency_key TEXT UNIQUE,
    description TEXT NOT NULL,
    entries_sha256 TEXT NOT NULL
);

CREATE TABLE ledger_entries (
    posting_id INTEGER NOT NULL REFERENCES postings (id),
    line INTEGER NOT NULL,
    account TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor <> 0),
    PRIMARY KEY (posting_id, line)
) WITHOUT ROWID;
-- Entries by account, for statements of clients, banks and the company. A case's receivable
-- entries are left out of this index: they are most of the rows (every claim placed writes
-- one) and are read by posting, so indexing them would only slow intake.
CREATE INDEX ledger_entries_account ON ledger_entries (account) WHERE account NOT LIKE 'receivable:%';

CREATE TABLE account_balances (
    account TEXT NOT NULL,
    currency TEXT NOT NULL,
    balance_minor INTEGER NOT NULL,
    PRIMARY KEY (account, currency)
) WITHOUT ROWID;

CREATE TRIGGER postings_are_append_only_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER postings_are_append_only_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER ledger_entries_are_append_only_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER ledger_entries_are_append_only_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
