-- The outbox (issue 16): every message the gate approved, written in the same transaction as
-- its decision and delivered from here by the delivery workers. `decision_id` is unique so
-- that enqueueing a decision twice writes one message. Recipient and content are sealed by
-- the vault; the store never sees them in plain text. A message moves queued -> sending
-- (leased by one worker until `lease_until_ms`) -> sent, or back to queued with a later
-- `next_attempt_ms` after a failure, or to dead after too many; nothing is ever deleted.
CREATE TABLE outbox_messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_number BIGINT NOT NULL,
    decision_id TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'letter', 'phone')),
    template TEXT NOT NULL,
    language TEXT NOT NULL,
    recipient_sealed BYTEA NOT NULL,
    content_sealed BYTEA NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'dead')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL,
    lease_until_ms BIGINT,
    leased_by TEXT,
    created_ms BIGINT NOT NULL,
    sent_ms BIGINT,
    provider_id TEXT
);
-- What the workers look for: due queued messages and expired leases.
CREATE INDEX outbox_messages_due ON outbox_messages (state, next_attempt_ms);
CREATE INDEX outbox_messages_case ON outbox_messages (case_number);

CREATE FUNCTION outbox_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'outbox messages are never deleted';
END $$;
CREATE TRIGGER outbox_messages_are_kept BEFORE DELETE ON outbox_messages
FOR EACH ROW EXECUTE FUNCTION outbox_refuse_delete();

-- Every delivery attempt, append-only. `error` never holds personal data (the worker writes
-- the channel's error kind, not the provider's echo of the message).
CREATE TABLE outbox_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES outbox_messages (id),
    attempt BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'failed', 'expired', 'dead', 'retried')),
    error TEXT
);
CREATE INDEX outbox_attempts_message ON outbox_attempts (message_id, id);

CREATE FUNCTION outbox_attempts_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'outbox attempts are append-only';
END $$;
CREATE TRIGGER outbox_attempts_are_append_only BEFORE UPDATE OR DELETE ON outbox_attempts
FOR EACH ROW EXECUTE FUNCTION outbox_attempts_refuse_change();
