-- Every table STRICT: SQLite then refuses a value of another type than its column's instead
-- of storing it. Without it, an INTEGER column keeps whatever it is given, and an integer
-- `balance_minor + n` that overflows is stored as a floating-point number (seen: a client's
-- claims balance became -1.2e19), after which every reader of the row fails. With it, the
-- statement that would store the float fails and its transaction rolls back.
--
-- SQLite cannot make a table STRICT in place, so each is rebuilt as its documentation's
-- "making other kinds of table schema changes" describes: a new table with the same columns,
-- constraints and key, the rows copied, the old table dropped and the new one renamed; then
-- the indexes and the append-only triggers, which went with the old tables, are created
-- again as they were. Columns keep their order (those added by ALTER TABLE stay last), so
-- `SELECT *` and positional reads see what they saw before.
--
-- The store runs its SQLite migrations with foreign keys off (sqlx runs each migration in a
-- transaction, inside which PRAGMA foreign_keys cannot change): dropping a table that others
-- reference would otherwise check, or fail, every row that points at it. The rows are copied
-- unchanged, so every reference still holds; the store runs PRAGMA foreign_key_check after a
-- migration and refuses to start if one does not. A store whose rows already hold a value of
-- the wrong type (such as the float above) stops here with SQLite's error naming the column,
-- instead of running on with it.

-- counters
CREATE TABLE new_counters (
    name TEXT PRIMARY KEY,
    next_value INTEGER NOT NULL
) STRICT;
INSERT INTO new_counters (name, next_value)
SELECT name, next_value FROM counters;
DROP TABLE counters;
ALTER TABLE new_counters RENAME TO counters;

-- clients
CREATE TABLE new_clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    market TEXT NOT NULL,
    iban TEXT NOT NULL,
    api_key_hash TEXT NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL,
    commission_bp INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO new_clients (id, name, market, iban, api_key_hash, created_at_ms, commission_bp)
SELECT id, name, market, iban, api_key_hash, created_at_ms, commission_bp FROM clients;
DROP TABLE clients;
ALTER TABLE new_clients RENAME TO clients;

-- customers
CREATE TABLE new_customers (
    id TEXT PRIMARY KEY,
    market TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('consumer', 'business')),
    national_id_index BLOB NOT NULL UNIQUE,
    email_index BLOB,
    phone_index BLOB,
    language TEXT NOT NULL,
    personal_data BLOB NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;
INSERT INTO new_customers (id, market, kind, national_id_index, email_index, phone_index, language, personal_data, created_at_ms)
SELECT id, market, kind, national_id_index, email_index, phone_index, language, personal_data, created_at_ms FROM customers;
DROP TABLE customers;
ALTER TABLE new_customers RENAME TO customers;

-- cases
CREATE TABLE new_cases (
    id TEXT PRIMARY KEY,
    case_number INTEGER NOT NULL UNIQUE,
    client_id TEXT NOT NULL REFERENCES clients (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    market TEXT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    opened_at_ms INTEGER NOT NULL,
    UNIQUE (client_id, customer_id)
) STRICT, WITHOUT ROWID;
INSERT INTO new_cases (id, case_number, client_id, customer_id, market, currency, status, opened_at_ms)
SELECT id, case_number, client_id, customer_id, market, currency, status, opened_at_ms FROM cases;
DROP TABLE cases;
ALTER TABLE new_cases RENAME TO cases;

-- claims
CREATE TABLE new_claims (
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
    arose_on TEXT,
    reminder_fee_agreed INTEGER CHECK (reminder_fee_agreed IN (0, 1)),
    jurisdiction TEXT,
    UNIQUE (client_id, client_claim_ref)
) STRICT, WITHOUT ROWID;
INSERT INTO new_claims (id, client_id, client_claim_ref, case_id, currency, principal_minor, creditor_fees_minor, invoice_date, due_date, interest_rate_bp, description, placed_at_ms, arose_on, reminder_fee_agreed, jurisdiction)
SELECT id, client_id, client_claim_ref, case_id, currency, principal_minor, creditor_fees_minor, invoice_date, due_date, interest_rate_bp, description, placed_at_ms, arose_on, reminder_fee_agreed, jurisdiction FROM claims;
DROP TABLE claims;
ALTER TABLE new_claims RENAME TO claims;

-- idempotency
CREATE TABLE new_idempotency (
    client_id TEXT NOT NULL REFERENCES clients (id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER,
    response_body TEXT,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (client_id, idempotency_key)
) STRICT;
INSERT INTO new_idempotency (client_id, idempotency_key, request_hash, response_status, response_body, created_at_ms)
SELECT client_id, idempotency_key, request_hash, response_status, response_body, created_at_ms FROM idempotency;
DROP TABLE idempotency;
ALTER TABLE new_idempotency RENAME TO idempotency;

-- journal
CREATE TABLE new_journal (
    seq INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
INSERT INTO new_journal (seq, at_ms, actor, kind, subject, payload, prev_hash, hash)
SELECT seq, at_ms, actor, kind, subject, payload, prev_hash, hash FROM journal;
DROP TABLE journal;
ALTER TABLE new_journal RENAME TO journal;

-- journal_head
CREATE TABLE new_journal_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT;
INSERT INTO new_journal_head (id, seq, hash)
SELECT id, seq, hash FROM journal_head;
DROP TABLE journal_head;
ALTER TABLE new_journal_head RENAME TO journal_head;

-- postings
CREATE TABLE new_postings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    corrects INTEGER REFERENCES postings (id),
    idempotency_key TEXT UNIQUE,
    description TEXT NOT NULL,
    entries_sha256 TEXT NOT NULL,
    lines TEXT NOT NULL DEFAULT '[]'
) STRICT;
INSERT INTO new_postings (id, kind, at_ms, corrects, idempotency_key, description, entries_sha256, lines)
SELECT id, kind, at_ms, corrects, idempotency_key, description, entries_sha256, lines FROM postings;
DROP TABLE postings;
ALTER TABLE new_postings RENAME TO postings;

-- account_balances
CREATE TABLE new_account_balances (
    account TEXT NOT NULL,
    currency TEXT NOT NULL,
    balance_minor INTEGER NOT NULL,
    PRIMARY KEY (account, currency)
) STRICT, WITHOUT ROWID;
INSERT INTO new_account_balances (account, currency, balance_minor)
SELECT account, currency, balance_minor FROM account_balances;
DROP TABLE account_balances;
ALTER TABLE new_account_balances RENAME TO account_balances;

-- bank_entries
CREATE TABLE new_bank_entries (
    account_iban TEXT NOT NULL,
    bank_reference TEXT NOT NULL,
    message_id TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('credit', 'debit')),
    reversal INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    booking_date TEXT,
    structured_reference TEXT,
    unstructured TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('matched', 'unmatched', 'ignored', 'corrected')),
    case_number INTEGER,
    posting_id INTEGER REFERENCES postings (id),
    reason TEXT NOT NULL,
    imported_at_ms INTEGER NOT NULL,
    end_to_end_id TEXT,
    PRIMARY KEY (account_iban, bank_reference)
) STRICT, WITHOUT ROWID;
INSERT INTO new_bank_entries (account_iban, bank_reference, message_id, direction, reversal, amount_minor, currency, booking_date, structured_reference, unstructured, outcome, case_number, posting_id, reason, imported_at_ms, end_to_end_id)
SELECT account_iban, bank_reference, message_id, direction, reversal, amount_minor, currency, booking_date, structured_reference, unstructured, outcome, case_number, posting_id, reason, imported_at_ms, end_to_end_id FROM bank_entries;
DROP TABLE bank_entries;
ALTER TABLE new_bank_entries RENAME TO bank_entries;

-- remittances
CREATE TABLE new_remittances (
    run_date TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    currency TEXT NOT NULL,
    owed_minor INTEGER NOT NULL,
    commission_minor INTEGER NOT NULL,
    paid_minor INTEGER NOT NULL CHECK (paid_minor > 0),
    debtor_iban TEXT NOT NULL,
    creditor_iban TEXT NOT NULL,
    posting_id INTEGER NOT NULL REFERENCES postings (id),
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (run_date, client_id, currency)
) STRICT;
INSERT INTO new_remittances (run_date, client_id, currency, owed_minor, commission_minor, paid_minor, debtor_iban, creditor_iban, posting_id, created_at_ms)
SELECT run_date, client_id, currency, owed_minor, commission_minor, paid_minor, debtor_iban, creditor_iban, posting_id, created_at_ms FROM remittances;
DROP TABLE remittances;
ALTER TABLE new_remittances RENAME TO remittances;

-- case_balances
CREATE TABLE new_case_balances (
    case_number INTEGER PRIMARY KEY,
    currency TEXT NOT NULL,
    principal_minor INTEGER NOT NULL DEFAULT 0,
    interest_minor INTEGER NOT NULL DEFAULT 0,
    collection_costs_minor INTEGER NOT NULL DEFAULT 0,
    creditor_fees_minor INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO new_case_balances (case_number, currency, principal_minor, interest_minor, collection_costs_minor, creditor_fees_minor, version)
SELECT case_number, currency, principal_minor, interest_minor, collection_costs_minor, creditor_fees_minor, version FROM case_balances;
DROP TABLE case_balances;
ALTER TABLE new_case_balances RENAME TO case_balances;

-- interest_accruals
CREATE TABLE new_interest_accruals (
    case_number INTEGER NOT NULL REFERENCES cases (case_number),
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL CHECK (to_date > from_date),
    currency TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    carry_minor_bp_days INTEGER NOT NULL DEFAULT 0,
    posting_id INTEGER REFERENCES postings (id),
    recorded_at_ms INTEGER NOT NULL,
    PRIMARY KEY (case_number, from_date)
) STRICT, WITHOUT ROWID;
INSERT INTO new_interest_accruals (case_number, from_date, to_date, currency, amount_minor, carry_minor_bp_days, posting_id, recorded_at_ms)
SELECT case_number, from_date, to_date, currency, amount_minor, carry_minor_bp_days, posting_id, recorded_at_ms FROM interest_accruals;
DROP TABLE interest_accruals;
ALTER TABLE new_interest_accruals RENAME TO interest_accruals;

-- operators
CREATE TABLE new_operators (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    api_key_hash TEXT NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO new_operators (id, name, role, api_key_hash, created_at_ms)
SELECT id, name, role, api_key_hash, created_at_ms FROM operators;
DROP TABLE operators;
ALTER TABLE new_operators RENAME TO operators;

-- operator_revocations
CREATE TABLE new_operator_revocations (
    operator_id TEXT PRIMARY KEY REFERENCES operators (id),
    revoked_at_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO new_operator_revocations (operator_id, revoked_at_ms)
SELECT operator_id, revoked_at_ms FROM operator_revocations;
DROP TABLE operator_revocations;
ALTER TABLE new_operator_revocations RENAME TO operator_revocations;

-- account_lines
CREATE TABLE new_account_lines (
    account TEXT NOT NULL,
    posting_id INTEGER NOT NULL REFERENCES postings (id),
    line INTEGER NOT NULL,
    currency TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor <> 0),
    PRIMARY KEY (account, posting_id, line)
) STRICT, WITHOUT ROWID;
INSERT INTO new_account_lines (account, posting_id, line, currency, amount_minor)
SELECT account, posting_id, line, currency, amount_minor FROM account_lines;
DROP TABLE account_lines;
ALTER TABLE new_account_lines RENAME TO account_lines;

-- case_holds
CREATE TABLE new_case_holds (
    id INTEGER PRIMARY KEY,
    case_number INTEGER NOT NULL REFERENCES cases (case_number),
    kind TEXT NOT NULL CHECK (kind IN ('dispute', 'complaint', 'vulnerability_pause',
        'breathing_space', 'mental_health_crisis', 'death', 'insolvency')),
    since TEXT NOT NULL,
    until TEXT,
    reason TEXT NOT NULL,
    placed_by TEXT NOT NULL,
    placed_at_ms INTEGER NOT NULL,
    released_by TEXT,
    released_at_ms INTEGER,
    release_reason TEXT
) STRICT;
INSERT INTO new_case_holds (id, case_number, kind, since, until, reason, placed_by, placed_at_ms, released_by, released_at_ms, release_reason)
SELECT id, case_number, kind, since, until, reason, placed_by, placed_at_ms, released_by, released_at_ms, release_reason FROM case_holds;
DROP TABLE case_holds;
ALTER TABLE new_case_holds RENAME TO case_holds;

-- case_flags
CREATE TABLE new_case_flags (
    case_number INTEGER PRIMARY KEY REFERENCES cases (case_number),
    vulnerable INTEGER NOT NULL DEFAULT 0 CHECK (vulnerable IN (0, 1)),
    vulnerability_review_on TEXT,
    jurisdiction TEXT,
    channels_refused TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO new_case_flags (case_number, vulnerable, vulnerability_review_on, jurisdiction, channels_refused)
SELECT case_number, vulnerable, vulnerability_review_on, jurisdiction, channels_refused FROM case_flags;
DROP TABLE case_flags;
ALTER TABLE new_case_flags RENAME TO case_flags;

-- case_contacts
CREATE TABLE new_case_contacts (
    id INTEGER PRIMARY KEY,
    case_number INTEGER NOT NULL REFERENCES cases (case_number),
    at_ms INTEGER NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('letter', 'email', 'sms', 'phone', 'visit')),
    purpose TEXT NOT NULL CHECK (purpose IN ('payment', 'service')),
    outcome TEXT NOT NULL,
    actor TEXT NOT NULL,
    decision_id TEXT
) STRICT;
INSERT INTO new_case_contacts (id, case_number, at_ms, channel, purpose, outcome, actor, decision_id)
SELECT id, case_number, at_ms, channel, purpose, outcome, actor, decision_id FROM case_contacts;
DROP TABLE case_contacts;
ALTER TABLE new_case_contacts RENAME TO case_contacts;

-- case_charges
CREATE TABLE new_case_charges (
    id INTEGER PRIMARY KEY,
    case_number INTEGER NOT NULL REFERENCES cases (case_number),
    kind TEXT NOT NULL CHECK (kind IN ('reminder', 'demand', 'repeat_demand', 'payment_plan',
        'collection_costs', 'business_compensation')),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    decision_id TEXT NOT NULL,
    posting_id INTEGER NOT NULL REFERENCES postings (id)
) STRICT;
INSERT INTO new_case_charges (id, case_number, kind, amount_minor, currency, at_ms, decision_id, posting_id)
SELECT id, case_number, kind, amount_minor, currency, at_ms, decision_id, posting_id FROM case_charges;
DROP TABLE case_charges;
ALTER TABLE new_case_charges RENAME TO case_charges;

-- case_interruptions
CREATE TABLE new_case_interruptions (
    id INTEGER PRIMARY KEY,
    case_number INTEGER NOT NULL REFERENCES cases (case_number),
    on_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('acknowledgement', 'court')),
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at_ms INTEGER NOT NULL
) STRICT;
INSERT INTO new_case_interruptions (id, case_number, on_date, kind, note, recorded_by, recorded_at_ms)
SELECT id, case_number, on_date, kind, note, recorded_by, recorded_at_ms FROM case_interruptions;
DROP TABLE case_interruptions;
ALTER TABLE new_case_interruptions RENAME TO case_interruptions;

-- case_decisions
CREATE TABLE new_case_decisions (
    decision_id TEXT PRIMARY KEY,
    case_number INTEGER NOT NULL REFERENCES cases (case_number),
    version INTEGER NOT NULL,
    proposal TEXT NOT NULL,
    verdict TEXT NOT NULL,
    journal_seq INTEGER NOT NULL REFERENCES journal (seq),
    actor TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    executed INTEGER NOT NULL CHECK (executed IN (0, 1)),
    posting_id INTEGER REFERENCES postings (id)
) STRICT, WITHOUT ROWID;
INSERT INTO new_case_decisions (decision_id, case_number, version, proposal, verdict, journal_seq, actor, at_ms, executed, posting_id)
SELECT decision_id, case_number, version, proposal, verdict, journal_seq, actor, at_ms, executed, posting_id FROM case_decisions;
DROP TABLE case_decisions;
ALTER TABLE new_case_decisions RENAME TO case_decisions;

-- published_rates
CREATE TABLE new_published_rates (
    id TEXT PRIMARY KEY,
    market TEXT NOT NULL,
    applies_to TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT NOT NULL,
    rate_bp INTEGER NOT NULL CHECK (rate_bp > 0),
    citation TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at_ms INTEGER NOT NULL,
    CHECK (effective_from <= effective_to)
) STRICT, WITHOUT ROWID;
INSERT INTO new_published_rates (id, market, applies_to, effective_from, effective_to, rate_bp, citation, recorded_by, recorded_at_ms)
SELECT id, market, applies_to, effective_from, effective_to, rate_bp, citation, recorded_by, recorded_at_ms FROM published_rates;
DROP TABLE published_rates;
ALTER TABLE new_published_rates RENAME TO published_rates;

-- The indexes and triggers went with their tables; the same again.

CREATE INDEX claims_case ON claims (case_id);
CREATE INDEX bank_entries_unmatched ON bank_entries (imported_at_ms) WHERE outcome = 'unmatched';
CREATE INDEX bank_entries_by_end_to_end ON bank_entries (account_iban, end_to_end_id)
    WHERE end_to_end_id IS NOT NULL AND end_to_end_id <> 'NOTPROVIDED';
CREATE INDEX bank_entries_by_case ON bank_entries (case_number) WHERE case_number IS NOT NULL;
CREATE UNIQUE INDEX postings_corrected_once ON postings (corrects) WHERE corrects IS NOT NULL;
CREATE INDEX case_holds_by_case ON case_holds (case_number);
CREATE INDEX case_contacts_by_case ON case_contacts (case_number, at_ms);
CREATE INDEX case_charges_by_case ON case_charges (case_number);
CREATE INDEX case_interruptions_by_case ON case_interruptions (case_number);
CREATE INDEX case_decisions_by_case ON case_decisions (case_number, at_ms);
CREATE INDEX published_rates_by_market ON published_rates (market, effective_from);
CREATE TRIGGER journal_is_append_only_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_is_append_only_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER postings_are_append_only_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER interest_accruals_are_append_only_update BEFORE UPDATE ON interest_accruals
BEGIN SELECT RAISE(ABORT, 'interest accruals are append-only'); END;
CREATE TRIGGER interest_accruals_are_append_only_delete BEFORE DELETE ON interest_accruals
BEGIN SELECT RAISE(ABORT, 'interest accruals are append-only'); END;
CREATE TRIGGER operators_are_append_only_update BEFORE UPDATE ON operators
BEGIN SELECT RAISE(ABORT, 'operators are append-only; revoke and add a new one'); END;
CREATE TRIGGER operators_are_append_only_delete BEFORE DELETE ON operators
BEGIN SELECT RAISE(ABORT, 'operators are append-only; revoke and add a new one'); END;
CREATE TRIGGER operator_revocations_are_append_only_update BEFORE UPDATE ON operator_revocations
BEGIN SELECT RAISE(ABORT, 'operator revocations are append-only'); END;
CREATE TRIGGER operator_revocations_are_append_only_delete BEFORE DELETE ON operator_revocations
BEGIN SELECT RAISE(ABORT, 'operator revocations are append-only'); END;
CREATE TRIGGER postings_are_append_only_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER account_lines_are_append_only_update BEFORE UPDATE ON account_lines
BEGIN SELECT RAISE(ABORT, 'account lines are append-only'); END;
CREATE TRIGGER account_lines_are_append_only_delete BEFORE DELETE ON account_lines
BEGIN SELECT RAISE(ABORT, 'account lines are append-only'); END;
CREATE TRIGGER case_decisions_are_append_only_update BEFORE UPDATE ON case_decisions
BEGIN SELECT RAISE(ABORT, 'case decisions are append-only'); END;
CREATE TRIGGER case_decisions_are_append_only_delete BEFORE DELETE ON case_decisions
BEGIN SELECT RAISE(ABORT, 'case decisions are append-only'); END;
CREATE TRIGGER case_charges_are_append_only_update BEFORE UPDATE ON case_charges
BEGIN SELECT RAISE(ABORT, 'case charges are append-only'); END;
CREATE TRIGGER case_charges_are_append_only_delete BEFORE DELETE ON case_charges
BEGIN SELECT RAISE(ABORT, 'case charges are append-only'); END;
CREATE TRIGGER case_contacts_are_append_only_update BEFORE UPDATE ON case_contacts
BEGIN SELECT RAISE(ABORT, 'contact attempts are append-only'); END;
CREATE TRIGGER case_contacts_are_append_only_delete BEFORE DELETE ON case_contacts
BEGIN SELECT RAISE(ABORT, 'contact attempts are append-only'); END;
CREATE TRIGGER published_rates_are_append_only_update BEFORE UPDATE ON published_rates
BEGIN SELECT RAISE(ABORT, 'published rates are append-only'); END;
CREATE TRIGGER published_rates_are_append_only_delete BEFORE DELETE ON published_rates
BEGIN SELECT RAISE(ABORT, 'published rates are append-only'); END;
