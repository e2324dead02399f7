-- The journal is keyed (issue 15): entries are tagged with HMAC-SHA-256 under a key derived
-- from the master key, outside the database. The first store opened with the key appends a
-- marker entry (`journal.keyed`) and records here where it is and the key's fingerprint, so
-- that opening a store need not search the journal; `verify` reads the marker itself and
-- trusts nothing in this row.
CREATE TABLE journal_keying (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    journal_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    marker_seq BIGINT NOT NULL REFERENCES journal (seq)
);

-- A posting's tag under the journal key over every field (its lines through entries_sha256),
-- so that a description or kind edited behind the triggers is found by `reilu check`.
-- Postings written before the journal was keyed have none: the marker seals them as one
-- digest.
ALTER TABLE postings ADD COLUMN mac TEXT;

-- The journal is partitioned into chains, each with its own head, so that writers of
-- different streams do not all wait for one head row. An entry is keyed by (chain,
-- chain_seq) and chained within its chain; `seq` stays the global order (what
-- `case_decisions.journal_seq` and readers use). Every entry written so far becomes chain
-- 'main' with chain_seq = seq, its hashes untouched.
ALTER TABLE journal DISABLE TRIGGER journal_is_append_only;
ALTER TABLE journal ADD COLUMN chain TEXT NOT NULL DEFAULT 'main';
ALTER TABLE journal ADD COLUMN chain_seq BIGINT;
UPDATE journal SET chain_seq = seq;
ALTER TABLE journal ALTER COLUMN chain_seq SET NOT NULL;
ALTER TABLE journal ENABLE TRIGGER journal_is_append_only;
CREATE UNIQUE INDEX journal_chain_seq ON journal (chain, chain_seq);

CREATE TABLE journal_heads (
    chain TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO journal_heads (chain, seq, hash) SELECT 'main', seq, hash FROM journal_head;
DROP TABLE journal_head;

-- Ids from sequences instead of `counters` rows, which every intake and payment transaction
-- would lock until it commits (see ids.rs). A sequence never gives a value back: a rolled
-- back transaction leaves a gap, which these ids allow. Each starts where its counter was.
CREATE SEQUENCE case_number_ids;
SELECT setval('case_number_ids', next_value, false) FROM counters WHERE name = 'case_number';
CREATE SEQUENCE posting_ids;
SELECT setval('posting_ids', next_value, false) FROM counters WHERE name = 'posting';
CREATE SEQUENCE journal_ids;
SELECT setval('journal_ids', COALESCE((SELECT MAX(seq) FROM journal), 0) + 1, false);
DELETE FROM counters WHERE name IN ('case_number', 'posting');
