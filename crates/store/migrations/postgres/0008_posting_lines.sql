-- A posting keeps its lines in its own row; lines of accounts with statements are also kept
-- in account_lines. Same tables and reasons as the SQLite migration.

ALTER TABLE postings DISABLE TRIGGER postings_are_append_only;
ALTER TABLE postings ADD COLUMN lines TEXT NOT NULL DEFAULT '[]';
UPDATE postings p SET lines = COALESCE((
    SELECT json_agg(json_build_array(e.account, e.currency, e.amount_minor) ORDER BY e.line)::text
    FROM ledger_entries e WHERE e.posting_id = p.id
), '[]');
ALTER TABLE postings ENABLE TRIGGER postings_are_append_only;
-- The default only served the rows above; a posting written without its lines is refused.
ALTER TABLE postings ALTER COLUMN lines DROP DEFAULT;

CREATE TABLE account_lines (
    account TEXT NOT NULL,
    posting_id BIGINT NOT NULL REFERENCES postings (id),
    line BIGINT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor <> 0),
    PRIMARY KEY (account, posting_id, line)
);
INSERT INTO account_lines (account, posting_id, line, currency, amount_minor)
SELECT account, posting_id, line, currency, amount_minor FROM ledger_entries
WHERE account NOT LIKE 'receivable:%' AND account NOT LIKE 'client_claims:%'
ORDER BY account, posting_id, line;
CREATE TRIGGER account_lines_are_append_only BEFORE UPDATE OR DELETE ON account_lines
FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

DROP TABLE ledger_entries;
