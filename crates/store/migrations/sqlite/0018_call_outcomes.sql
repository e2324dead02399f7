-- Call tasks: a phone contact the gate approved is a task for an agent (an outbox message on
-- the `phone` channel). When the agent has called, the outcome is recorded here, once per
-- task: a promise to pay (with its date and amount), no answer, refused, or a wrong number
-- (with the blind index of the number that was wrong, so that a new number given later is
-- called again). The daily run follows a promise up once its date has passed.
-- Append-only, like every record of what happened to a customer.

CREATE TABLE call_outcomes (
    message_id INTEGER PRIMARY KEY REFERENCES outbox_messages (id),
    case_number INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('promise', 'no_answer', 'refused', 'wrong_number')),
    promise_due_on TEXT,
    promise_amount_minor INTEGER CHECK (promise_amount_minor > 0),
    currency TEXT,
    phone_index TEXT,
    agent TEXT NOT NULL,
    called_at_ms INTEGER NOT NULL,
    recorded_at_ms INTEGER NOT NULL,
    CHECK ((outcome = 'promise') = (promise_due_on IS NOT NULL AND promise_amount_minor IS NOT NULL AND currency IS NOT NULL))
) STRICT;
CREATE INDEX call_outcomes_by_case ON call_outcomes (case_number, called_at_ms);

CREATE TRIGGER call_outcomes_are_append_only_update BEFORE UPDATE ON call_outcomes
BEGIN SELECT RAISE(ABORT, 'call outcomes are append-only'); END;
CREATE TRIGGER call_outcomes_are_append_only_delete BEFORE DELETE ON call_outcomes
BEGIN SELECT RAISE(ABORT, 'call outcomes are append-only'); END;
