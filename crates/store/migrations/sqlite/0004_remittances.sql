-- Client contracts: the commission the company keeps of what it collects for a client, in
-- basis points. Remittances: what was paid to each client on a run date, written with its
-- ledger posting, so the payment files of a date can be written again from here.

ALTER TABLE clients ADD COLUMN commission_bp INTEGER NOT NULL DEFAULT 0;

CREATE TABLE remittances (
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
);
