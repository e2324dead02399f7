-- A posting keeps its lines (account, currency, amount, in line order) in its own row, as a
-- JSON array of [account, currency, amount_minor]; `entries_sha256` is still the hash of
-- those lines. Lines of the accounts that have statements (banks, clients' liabilities, the
-- company's accounts: every account but a case's receivables and a client's memorandum
-- claims) are also kept in `account_lines`, keyed by account, for statements.
--
-- Why: a payment has about seven lines and an entry row each cost as much as the rest of the
-- payment together (measured: the payments import wrote 840,000 entry rows and 480,000 index
-- rows for 120,000 payments). Receivable and claims lines are only ever read by posting, so
-- they need no row of their own; `reilu check` re-derives every balance from the postings'
-- lines and holds `account_lines` to them.

-- SQLite cannot drop a column default; the store always writes `lines`, and `reilu check`
-- reports a posting without lines. `ORDER BY` inside an aggregate needs SQLite 3.44 (the
-- bundled build is 3.46).
DROP TRIGGER postings_are_append_only_update;
ALTER TABLE postings ADD COLUMN lines TEXT NOT NULL DEFAULT '[]';
UPDATE postings SET lines = (
    SELECT json_group_array(json_array(e.account, e.currency, e.amount_minor) ORDER BY e.line)
    FROM ledger_entries e WHERE e.posting_id = postings.id
);
CREATE TRIGGER postings_are_append_only_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;

CREATE TABLE account_lines (
    account TEXT NOT NULL,
    posting_id INTEGER NOT NULL REFERENCES postings (id),
    line INTEGER NOT NULL,
    currency TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor <> 0),
    PRIMARY KEY (account, posting_id, line)
) WITHOUT ROWID;
INSERT INTO account_lines (account, posting_id, line, currency, amount_minor)
SELECT account, posting_id, line, currency, amount_minor FROM ledger_entries
WHERE account NOT LIKE 'receivable:%' AND account NOT LIKE 'client_claims:%'
ORDER BY account, posting_id, line;
CREATE TRIGGER account_lines_are_append_only_update BEFORE UPDATE ON account_lines
BEGIN SELECT RAISE(ABORT, 'account lines are append-only'); END;
CREATE TRIGGER account_lines_are_append_only_delete BEFORE DELETE ON account_lines
BEGIN SELECT RAISE(ABORT, 'account lines are append-only'); END;

DROP TABLE ledger_entries;
