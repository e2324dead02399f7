-- Operators: the company's staff who use Reilu (imports of bank files, remittances, staff
-- access), each with a role and an API key of which only the SHA-256 is kept.
--
-- Both tables are append-only, refused on UPDATE and DELETE like the journal and the ledger:
-- an operator is never edited (a new key or role is a new operator, and the old one is
-- revoked), and a revocation is a row of its own rather than a column set later, so no row
-- ever changes and the record of who could act when is complete. The role is not CHECKed
-- here: the application parses it on every read (an unknown role is a corrupt row), and a
-- new role then needs no table rebuild, which SQLite would need to change a CHECK.

CREATE TABLE operators (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    api_key_hash TEXT NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE operator_revocations (
    operator_id TEXT PRIMARY KEY REFERENCES operators (id),
    revoked_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER operators_are_append_only_update BEFORE UPDATE ON operators
BEGIN SELECT RAISE(ABORT, 'operators are append-only; revoke and add a new one'); END;
CREATE TRIGGER operators_are_append_only_delete BEFORE DELETE ON operators
BEGIN SELECT RAISE(ABORT, 'operators are append-only; revoke and add a new one'); END;
CREATE TRIGGER operator_revocations_are_append_only_update BEFORE UPDATE ON operator_revocations
BEGIN SELECT RAISE(ABORT, 'operator revocations are append-only'); END;
CREATE TRIGGER operator_revocations_are_append_only_delete BEFORE DELETE ON operator_revocations
BEGIN SELECT RAISE(ABORT, 'operator revocations are append-only'); END;
