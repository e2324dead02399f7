-- Money at scale: same tables and meanings as the SQLite migration (one integer-keyed row of
-- receivable balances per case; a statement index that queries can use; end-to-end ids for
-- returned payments; a posting corrected at most once).

CREATE TABLE case_balances (
    case_number BIGINT PRIMARY KEY,
    currency TEXT NOT NULL,
    principal_minor BIGINT NOT NULL DEFAULT 0,
    interest_minor BIGINT NOT NULL DEFAULT 0,
    collection_costs_minor BIGINT NOT NULL DEFAULT 0,
    creditor_fees_minor BIGINT NOT NULL DEFAULT 0
);

INSERT INTO case_balances (case_number, currency, principal_minor, interest_minor, collection_costs_minor, creditor_fees_minor)
SELECT split_part(account, ':', 2)::BIGINT,
       currency,
       SUM(CASE WHEN split_part(account, ':', 3) = 'principal' THEN balance_minor ELSE 0 END),
       SUM(CASE WHEN split_part(account, ':', 3) = 'interest' THEN balance_minor ELSE 0 END),
       SUM(CASE WHEN split_part(account, ':', 3) = 'collection_costs' THEN balance_minor ELSE 0 END),
       SUM(CASE WHEN split_part(account, ':', 3) = 'creditor_fees' THEN balance_minor ELSE 0 END)
FROM account_balances WHERE account LIKE 'receivable:%'
GROUP BY 1, 2;
DELETE FROM account_balances WHERE account LIKE 'receivable:%';

DROP INDEX ledger_entries_account;
CREATE INDEX ledger_entries_by_account ON ledger_entries (account, posting_id)
    WHERE account NOT LIKE 'receivable:%' AND account NOT LIKE 'client_claims:%';

ALTER TABLE bank_entries ADD COLUMN end_to_end_id TEXT;
CREATE INDEX bank_entries_by_end_to_end ON bank_entries (account_iban, end_to_end_id)
    WHERE end_to_end_id IS NOT NULL AND end_to_end_id <> 'NOTPROVIDED';
CREATE INDEX bank_entries_by_case ON bank_entries (case_number) WHERE case_number IS NOT NULL;
CREATE UNIQUE INDEX postings_corrected_once ON postings (corrects) WHERE corrects IS NOT NULL;
