-- Reilu's foundation schema for the embedded SQLite store.
-- Small rows keyed by text are WITHOUT ROWID tables: the row lives in its primary-key B-tree
-- instead of a rowid table plus a separate key index, one B-tree less to write per row.
-- Money is INTEGER minor units with its currency; instants are INTEGER milliseconds since
-- the Unix epoch (UTC); calendar dates are TEXT YYYY-MM-DD. Personal data is only ever a
-- sealed BLOB or a keyed blind index.

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    next_value INTEGER NOT NULL
);
-- Case numbers start at 100000 so every market's payment reference has a comfortable length.
INSERT INTO counters (name, next_value) VALUES ('case_number', 100000);

CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    market TEXT NOT NULL,
    iban TEXT NOT NULL,
    api_key_hash TEXT NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    market TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('consumer', 'business')),
    national_id_index BLOB NOT NULL UNIQUE,
    email_index BLOB,
    phone_index BLOB,
    language TEXT NOT NULL,
    personal_data BLOB NOT NULL,
    created_at_ms INTEGER NOT NULL
);
-- email_index and phone_index are kept for the look-ups the portal and the message
-- verification will need; their B-tree indexes come with those features, because random-order
-- indexes are the main cost of placing a customer (see the README's performance section).

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    case_number INTEGER NOT NULL UNIQUE,
    client_id TEXT NOT NULL REFERENCES clients (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    market TEXT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    opened_at_ms INTEGER NOT NULL,
    UNIQUE (client_id, customer_id)
) WITHOUT ROWID;
-- Cases by customer alone (a customer's cases across clients) get their index with the portal,
-- which is the first reader; until then it would only cost every placement a write.

CREATE TABLE claims (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id),
    client_claim_ref TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    currency TEXT NOT NULL,
    principal_minor INTEGER NOT NULL CHECK (principal_minor > 0),
    creditor_fees_minor INTEGER NOT NULL CHECK (creditor_fees_minor >= 0),
    invoice_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    interest_rate_bp INTEGER,
    description TEXT NOT NULL,
    placed_at_ms INTEGER NOT NULL,
    UNIQUE (client_id, client_claim_ref)
) WITHOUT ROWID;
CREATE INDEX claims_case ON claims (case_id);

CREATE TABLE idempotency (
    client_id TEXT NOT NULL REFERENCES clients (id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER,
    response_body TEXT,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (client_id, idempotency_key)
);

-- The append-only, hash-chained journal. journal_head holds the last sequence number and
-- hash; every append updates it first, which serialises appends and keeps the chain linear.
CREATE TABLE journal (
    seq INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE journal_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO journal_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER journal_is_append_only_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_is_append_only_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
