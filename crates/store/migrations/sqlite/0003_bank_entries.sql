-- Bank entries read from camt.053/054 files: each is recorded once per account and bank
-- reference (the idempotency key), with what became of it: matched to a case and posted,
-- unmatched (queued with the reason, never lost and never guessed), or ignored (not a
-- payment to collect: a debit). The debtor's name is personal data and is not kept here.

CREATE TABLE bank_entries (
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
    PRIMARY KEY (account_iban, bank_reference)
) WITHOUT ROWID;
CREATE INDEX bank_entries_unmatched ON bank_entries (imported_at_ms) WHERE outcome = 'unmatched';
