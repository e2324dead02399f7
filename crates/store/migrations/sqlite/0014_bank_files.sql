-- Bank files in, hardened (issue 15).
--
-- 1. Remittance text is personal data (names, identity numbers, e-mail addresses): it is kept
--    sealed by the vault in `unstructured_sealed`; `unstructured` is left empty for new rows,
--    and rows written before are sealed by the application when it next opens the store (the
--    partial index finds them without a scan, and is empty once they are done).
ALTER TABLE bank_entries ADD COLUMN unstructured_sealed BLOB;
CREATE INDEX bank_entries_plain_text ON bank_entries (account_iban, bank_reference)
    WHERE unstructured <> '';

-- 2. Statements read from camt.053 files: their balances, whether they add up (opening +
--    credits - debits = closing) and how the ledger's bank account compared with the closing
--    balance after the import. A difference is open until a later statement of the account
--    reconciles.
CREATE TABLE bank_statements (
    account TEXT NOT NULL,
    statement_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    sequence TEXT,
    message_id TEXT NOT NULL,
    opening_minor INTEGER,
    credits_minor INTEGER NOT NULL,
    debits_minor INTEGER NOT NULL,
    closing_minor INTEGER,
    closing_date TEXT,
    -- closing - (opening + credits - debits); NULL when the statement lacks one of them.
    statement_difference_minor INTEGER,
    -- The ledger's balance of the account's client-money bank account after the import, and
    -- closing - ledger; NULL for a statement followed by a later one of the same account in
    -- the same file (only the last is compared).
    ledger_balance_minor INTEGER,
    ledger_difference_minor INTEGER,
    imported_at_ms INTEGER NOT NULL,
    PRIMARY KEY (account, statement_id, currency)
) STRICT, WITHOUT ROWID;
CREATE INDEX bank_statements_by_date ON bank_statements (account, currency, closing_date);

-- 3. A kept balance is an integer, always. SQLite turns an integer sum that overflows into a
--    floating-point number instead of failing (seen: -1.2e+19 on a bank account), after
--    which every check and accrual failed; these triggers refuse the write instead.
CREATE TRIGGER account_balances_stay_integers_insert BEFORE INSERT ON account_balances
    WHEN typeof(NEW.balance_minor) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'balance overflow: an account balance would leave the integer range'); END;
CREATE TRIGGER account_balances_stay_integers_update BEFORE UPDATE ON account_balances
    WHEN typeof(NEW.balance_minor) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'balance overflow: an account balance would leave the integer range'); END;
CREATE TRIGGER case_balances_stay_integers_insert BEFORE INSERT ON case_balances
    WHEN typeof(NEW.principal_minor) <> 'integer' OR typeof(NEW.interest_minor) <> 'integer'
        OR typeof(NEW.collection_costs_minor) <> 'integer' OR typeof(NEW.creditor_fees_minor) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'balance overflow: a case balance would leave the integer range'); END;
CREATE TRIGGER case_balances_stay_integers_update BEFORE UPDATE ON case_balances
    WHEN typeof(NEW.principal_minor) <> 'integer' OR typeof(NEW.interest_minor) <> 'integer'
        OR typeof(NEW.collection_costs_minor) <> 'integer' OR typeof(NEW.creditor_fees_minor) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'balance overflow: a case balance would leave the integer range'); END;
