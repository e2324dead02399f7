-- The case as the gate sees it. Everything a decision depends on is stored here, changed only
-- through the store's own writers (each journaled with who and why), and every change bumps the
-- case's version in case_balances — as does every balance change — so a decision made on an
-- older snapshot of the case is refused when it is carried out.

ALTER TABLE case_balances ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- Holds: a dispute, a complaint, a vulnerability pause, breathing space, a mental-health
-- crisis, a death, an insolvency. A release sets `until` and says who released it and why.
CREATE TABLE case_holds (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_number BIGINT NOT NULL REFERENCES cases (case_number),
    kind TEXT NOT NULL CHECK (kind IN ('dispute', 'complaint', 'vulnerability_pause',
        'breathing_space', 'mental_health_crisis', 'death', 'insolvency')),
    since TEXT NOT NULL,
    -- The last day it applies; a hold released on its first day ends before it starts.
    until TEXT,
    reason TEXT NOT NULL,
    placed_by TEXT NOT NULL,
    placed_at_ms BIGINT NOT NULL,
    released_by TEXT,
    released_at_ms BIGINT,
    release_reason TEXT
);
CREATE INDEX case_holds_by_case ON case_holds (case_number);

-- One row per case that has any flag set: vulnerability (with its review date), the
-- jurisdiction inside the market where its law differs, the channels the customer refused.
CREATE TABLE case_flags (
    case_number BIGINT PRIMARY KEY REFERENCES cases (case_number),
    vulnerable BIGINT NOT NULL DEFAULT 0 CHECK (vulnerable IN (0, 1)),
    vulnerability_review_on TEXT,
    jurisdiction TEXT,
    channels_refused TEXT NOT NULL DEFAULT ''
);

-- Every contact attempt: channel, instant, outcome and who; approved contacts are recorded
-- by the executor with the decision that allowed them.
CREATE TABLE case_contacts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_number BIGINT NOT NULL REFERENCES cases (case_number),
    at_ms BIGINT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('letter', 'email', 'sms', 'phone', 'visit')),
    purpose TEXT NOT NULL CHECK (purpose IN ('payment', 'service')),
    outcome TEXT NOT NULL,
    actor TEXT NOT NULL,
    decision_id TEXT
);
CREATE INDEX case_contacts_by_case ON case_contacts (case_number, at_ms);

-- Every fee charged on a case, with the decision and the posting that charged it.
CREATE TABLE case_charges (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_number BIGINT NOT NULL REFERENCES cases (case_number),
    kind TEXT NOT NULL CHECK (kind IN ('reminder', 'demand', 'repeat_demand', 'payment_plan',
        'collection_costs', 'business_compensation')),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    decision_id TEXT NOT NULL,
    posting_id BIGINT NOT NULL REFERENCES postings (id)
);
CREATE INDEX case_charges_by_case ON case_charges (case_number);

-- Events that interrupted limitation: an acknowledgement, a court step (a payment is read
-- from the bank entries).
CREATE TABLE case_interruptions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_number BIGINT NOT NULL REFERENCES cases (case_number),
    on_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('acknowledgement', 'court')),
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at_ms BIGINT NOT NULL
);
CREATE INDEX case_interruptions_by_case ON case_interruptions (case_number);

-- Every decision on a stored case, once per decision id: the id is what makes carrying an
-- approval out happen once. `executed` says whether its effect was carried out.
CREATE TABLE case_decisions (
    decision_id TEXT PRIMARY KEY,
    case_number BIGINT NOT NULL REFERENCES cases (case_number),
    version BIGINT NOT NULL,
    proposal TEXT NOT NULL,
    verdict TEXT NOT NULL,
    -- The decision with its reasons is the journal entry's payload (written once, chained).
    journal_seq BIGINT NOT NULL REFERENCES journal (seq),
    actor TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    executed BIGINT NOT NULL CHECK (executed IN (0, 1)),
    posting_id BIGINT REFERENCES postings (id)
);
CREATE INDEX case_decisions_by_case ON case_decisions (case_number, at_ms);

CREATE FUNCTION case_facts_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER case_decisions_are_append_only BEFORE UPDATE OR DELETE ON case_decisions
FOR EACH ROW EXECUTE FUNCTION case_facts_refuse_change();
CREATE TRIGGER case_charges_are_append_only BEFORE UPDATE OR DELETE ON case_charges
FOR EACH ROW EXECUTE FUNCTION case_facts_refuse_change();
CREATE TRIGGER case_contacts_are_append_only BEFORE UPDATE OR DELETE ON case_contacts
FOR EACH ROW EXECUTE FUNCTION case_facts_refuse_change();
