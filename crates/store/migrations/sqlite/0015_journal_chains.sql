-- The journal is keyed (issue 15): entries are tagged with HMAC-SHA-256 under a key derived
-- from the master key, outside the database. The first store opened with the key appends a
-- marker entry (`journal.keyed`) and records here where it is and the key's fingerprint, so
-- that opening a store need not search the journal; `verify` reads the marker itself and
-- trusts nothing in this row.
CREATE TABLE journal_keying (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    journal_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    marker_seq INTEGER NOT NULL REFERENCES journal (seq)
) STRICT;

-- A posting's tag under the journal key over every field (its lines through entries_sha256),
-- so that a description or kind edited behind the triggers is found by `reilu check`.
-- Postings written before the journal was keyed have none: the marker seals them as one
-- digest.
ALTER TABLE postings ADD COLUMN mac TEXT;

-- The journal is partitioned into chains, each with its own head, so that writers of
-- different streams do not all wait for one head row (on PostgreSQL; SQLite has one writer
-- anyway). An entry is keyed by (chain, chain_seq) and chained within its chain; `seq` stays
-- the global order (what `case_decisions.journal_seq` and readers use), taken from
-- `counters` ('journal'). Every entry written so far becomes chain 'main' with
-- chain_seq = seq, its hashes untouched.
DROP TRIGGER journal_is_append_only_update;
ALTER TABLE journal ADD COLUMN chain TEXT NOT NULL DEFAULT 'main';
ALTER TABLE journal ADD COLUMN chain_seq INTEGER NOT NULL DEFAULT 0;
UPDATE journal SET chain_seq = seq;
CREATE TRIGGER journal_is_append_only_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE UNIQUE INDEX journal_chain_seq ON journal (chain, chain_seq);

CREATE TABLE journal_heads (
    chain TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO journal_heads (chain, seq, hash) SELECT 'main', seq, hash FROM journal_head;
DROP TABLE journal_head;

INSERT INTO counters (name, next_value) SELECT 'journal', COALESCE(MAX(seq), 0) + 1 FROM journal;
