-- Operators: the company's staff who use Reilu (imports of bank files, remittances, staff
-- access), each with a role and an API key of which only the SHA-256 is kept.
--
-- Both tables are append-only, refused on UPDATE and DELETE like the journal and the ledger:
-- an operator is never edited (a new key or role is a new operator, and the old one is
-- revoked), and a revocation is a row of its own rather than a column set later, so no row
-- ever changes and the record of who could act when is complete. The role is not CHECKed
-- here, as on SQLite: the application parses it on every read (an unknown role is a corrupt
-- row).

CREATE TABLE operators (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    api_key_hash TEXT NOT NULL UNIQUE,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE operator_revocations (
    operator_id TEXT PRIMARY KEY REFERENCES operators (id),
    revoked_at_ms BIGINT NOT NULL
);

CREATE FUNCTION operators_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (an operator is revoked, never changed or removed)', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER operators_are_append_only BEFORE UPDATE OR DELETE ON operators
FOR EACH ROW EXECUTE FUNCTION operators_refuse_change();
CREATE TRIGGER operator_revocations_are_append_only BEFORE UPDATE OR DELETE ON operator_revocations
FOR EACH ROW EXECUTE FUNCTION operators_refuse_change();
