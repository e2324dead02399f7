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
