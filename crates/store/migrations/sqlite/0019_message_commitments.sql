-- Verifiable messages (anti-scam): every message the run writes carries a short code, and the
-- message's commitment (its id, channel, a digest of its recipient, what it asks and when),
-- signed with Ed25519, is kept here under the code, in the transaction that writes the
-- message. Anyone can then check a code: genuine messages are found and their signature
-- verifies with the public key kept in signing_keys (the secret halves stay in files beside
-- the master key; rotating adds a key, old ones stay here). Both tables are append-only.

CREATE TABLE signing_keys (
    key_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    first_used_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE message_commitments (
    decision_id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    case_number INTEGER NOT NULL,
    channel TEXT NOT NULL,
    commitment TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL REFERENCES signing_keys (key_id),
    created_ms INTEGER NOT NULL
) STRICT;

CREATE TRIGGER signing_keys_are_append_only_update BEFORE UPDATE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing keys are append-only'); END;
CREATE TRIGGER signing_keys_are_append_only_delete BEFORE DELETE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing keys are append-only'); END;
CREATE TRIGGER message_commitments_are_append_only_update BEFORE UPDATE ON message_commitments
BEGIN SELECT RAISE(ABORT, 'message commitments are append-only'); END;
CREATE TRIGGER message_commitments_are_append_only_delete BEFORE DELETE ON message_commitments
BEGIN SELECT RAISE(ABORT, 'message commitments are append-only'); END;
