-- Money at scale. A case's receivables get one integer-keyed row of kept balances instead of
-- up to four text-keyed rows in account_balances: placing a claim and allocating a payment
-- then touch one short row found by the case number, which is what the payments import and
-- the intake spend most of their writes on. The ledger entries still name the accounts
-- (`receivable:<case>:<component>`); only where their running balances are kept changes.

CREATE TABLE case_balances (
    case_number INTEGER PRIMARY KEY,
    currency TEXT NOT NULL,
    principal_minor INTEGER NOT NULL DEFAULT 0,
    interest_minor INTEGER NOT NULL DEFAULT 0,
    collection_costs_minor INTEGER NOT NULL DEFAULT 0,
    creditor_fees_minor INTEGER NOT NULL DEFAULT 0
);

-- 'receivable:' is 11 characters: the case number starts at the 12th.
INSERT INTO case_balances (case_number, currency, principal_minor, interest_minor, collection_costs_minor, creditor_fees_minor)
SELECT CAST(substr(account, 12, instr(substr(account, 12), ':') - 1) AS INTEGER),
       currency,
       SUM(CASE WHEN account LIKE '%:principal' THEN balance_minor ELSE 0 END),
       SUM(CASE WHEN account LIKE '%:interest' THEN balance_minor ELSE 0 END),
       SUM(CASE WHEN account LIKE '%:collection_costs' THEN balance_minor ELSE 0 END),
       SUM(CASE WHEN account LIKE '%:creditor_fees' THEN balance_minor ELSE 0 END)
FROM account_balances WHERE account LIKE 'receivable:%'
GROUP BY 1, 2;
DELETE FROM account_balances WHERE account LIKE 'receivable:%';

-- Entries by account, for statements. The old index was never used: SQLite (and PostgreSQL)
-- use a partial index only when the query repeats its condition, which the statement query
-- did not. Receivables and the clients' memorandum claims accounts stay out of it (they are
-- most rows and are read by posting); queries that want it repeat the condition.
DROP INDEX ledger_entries_account;
CREATE INDEX ledger_entries_by_account ON ledger_entries (account, posting_id)
    WHERE account NOT LIKE 'receivable:%' AND account NOT LIKE 'client_claims:%';

-- Returned payments and reversals are booked as corrections of the payment they return,
-- found by the end-to-end id the payer gave it ('NOTPROVIDED' identifies nothing) or else by
-- the case its reference names. A case's payments are also what its history shows.
ALTER TABLE bank_entries ADD COLUMN end_to_end_id TEXT;
CREATE INDEX bank_entries_by_end_to_end ON bank_entries (account_iban, end_to_end_id)
    WHERE end_to_end_id IS NOT NULL AND end_to_end_id <> 'NOTPROVIDED';
CREATE INDEX bank_entries_by_case ON bank_entries (case_number) WHERE case_number IS NOT NULL;
-- A posting is corrected at most once.
CREATE UNIQUE INDEX postings_corrected_once ON postings (corrects) WHERE corrects IS NOT NULL;
