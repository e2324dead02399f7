-- Reilu's foundation schema for PostgreSQL. Same tables and meanings as the SQLite schema;
-- BIGINT for every integer so both backends decode to i64, BYTEA for sealed data.

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    next_value BIGINT NOT NULL
);
INSERT INTO counters (name, next_value) VALUES ('case_number', 100000);

CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    market TEXT NOT NULL,
    iban TEXT NOT NULL,
    api_key_hash TEXT NOT NULL UNIQUE,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    market TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('consumer', 'business')),
    national_id_index BYTEA NOT NULL UNIQUE,
    email_index BYTEA,
    phone_index BYTEA,
    language TEXT NOT NULL,
    personal_data BYTEA NOT NULL,
    created_at_ms BIGINT NOT NULL
);
-- email_index and phone_index are kept for the look-ups the portal and the message
-- verification will need; their B-tree indexes come with those features, because random-order
-- indexes are the main cost of placing a customer (see the README's performance section).

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    case_number BIGINT NOT NULL UNIQUE,
    client_id TEXT NOT NULL REFERENCES clients (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    market TEXT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    opened_at_ms BIGINT NOT NULL,
    UNIQUE (client_id, customer_id)
);
-- Cases by customer alone (a customer's cases across clients) get their index with the portal,
-- which is the first reader; until then it would only cost every placement a write.

CREATE TABLE claims (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id),
    client_claim_ref TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    currency TEXT NOT NULL,
    principal_minor BIGINT NOT NULL CHECK (principal_minor > 0),
    creditor_fees_minor BIGINT NOT NULL CHECK (creditor_fees_minor >= 0),
    invoice_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    interest_rate_bp BIGINT,
    description TEXT NOT NULL,
    placed_at_ms BIGINT NOT NULL,
    UNIQUE (client_id, client_claim_ref)
);
CREATE INDEX claims_case ON claims (case_id);

CREATE TABLE idempotency (
    client_id TEXT NOT NULL REFERENCES clients (id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status BIGINT,
    response_body TEXT,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (client_id, idempotency_key)
);

CREATE TABLE journal (
    seq BIGINT PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE journal_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO journal_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION journal_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only';
END;
$$;
CREATE TRIGGER journal_is_append_only BEFORE UPDATE OR DELETE ON journal
FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();
