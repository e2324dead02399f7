-- Published late-payment rates: a statutory late rate for one half-year of one market, as
-- its central bank's or ministry's notice published it, recorded by a compliance officer
-- (`reilu rules add-rate`) with the notice's citation. Every App loads them into the gate's
-- rule book as law rules, beside the packs' own rates.
--
-- The id is the rule id the gate cites (PUB-<market>-<from>-<applies_to>). Dates are
-- YYYY-MM-DD text, as on SQLite, so text order is date order; effective_to is inclusive.
-- Whether a rate overlaps another is checked in the transaction that records it (and by the
-- rule book against the packs).
--
-- Append-only, like the journal: a recorded rate is never changed or removed, so what the
-- gate charged with is always on record.

CREATE TABLE published_rates (
    id TEXT PRIMARY KEY,
    market TEXT NOT NULL,
    applies_to TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT NOT NULL,
    rate_bp BIGINT NOT NULL CHECK (rate_bp > 0),
    citation TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at_ms BIGINT NOT NULL,
    CHECK (effective_from <= effective_to)
);

CREATE INDEX published_rates_by_market ON published_rates (market, effective_from);

CREATE FUNCTION published_rates_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'published rates are append-only (a recorded rate is never changed or removed)';
END;
$$;
CREATE TRIGGER published_rates_are_append_only BEFORE UPDATE OR DELETE ON published_rates
FOR EACH ROW EXECUTE FUNCTION published_rates_refuse_change();
