-- The outbox (issue 16): every message the gate approved, written in the same transaction as
-- its decision and delivered from here by the delivery workers. `decision_id` is unique so
-- that enqueueing a decision twice writes one message. Recipient and content are sealed by
-- the vault; the store never sees them in plain text. A message moves queued -> sending
-- (leased by one worker until `lease_until_ms`) -> sent, or back to queued with a later
-- `next_attempt_ms` after a failure, or to dead after too many; nothing is ever deleted.
CREATE TABLE outbox_messages (
    id INTEGER PRIMARY KEY,
    case_number INTEGER NOT NULL,
    decision_id TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'letter', 'phone')),
    template TEXT NOT NULL,
    language TEXT NOT NULL,
    recipient_sealed BLOB NOT NULL,
    content_sealed BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    lease_until_ms INTEGER,
    leased_by TEXT,
    created_ms INTEGER NOT NULL,
    sent_ms INTEGER,
    provider_id TEXT
) STRICT;
-- What the workers look for: due queued messages and expired leases.
CREATE INDEX outbox_messages_due ON outbox_messages (state, next_attempt_ms);
CREATE INDEX outbox_messages_case ON outbox_messages (case_number);
CREATE TRIGGER outbox_messages_are_kept BEFORE DELETE ON outbox_messages
BEGIN SELECT RAISE(ABORT, 'outbox messages are never deleted'); END;

-- Every delivery attempt, append-only. `error` never holds personal data (the worker writes
-- the channel's error kind, not the provider's echo of the message).
CREATE TABLE outbox_attempts (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES outbox_messages (id),
    attempt INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'failed', 'expired', 'dead', 'retried')),
    error TEXT
) STRICT;
CREATE INDEX outbox_attempts_message ON outbox_attempts (message_id, id);
CREATE TRIGGER outbox_attempts_are_append_only_update BEFORE UPDATE ON outbox_attempts
BEGIN SELECT RAISE(ABORT, 'outbox attempts are append-only'); END;
CREATE TRIGGER outbox_attempts_are_append_only_delete BEFORE DELETE ON outbox_attempts
BEGIN SELECT RAISE(ABORT, 'outbox attempts are append-only'); END;
