-- Late interest accrued on each case: same table and meaning as the SQLite migration.

CREATE TABLE interest_accruals (
    case_number BIGINT NOT NULL REFERENCES cases (case_number),
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL CHECK (to_date > from_date),
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    carry_minor_bp_days BIGINT NOT NULL DEFAULT 0,
    posting_id BIGINT REFERENCES postings (id),
    recorded_at_ms BIGINT NOT NULL,
    PRIMARY KEY (case_number, from_date)
);

CREATE FUNCTION interest_accruals_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'interest accruals are append-only';
END;
$$;
CREATE TRIGGER interest_accruals_are_append_only BEFORE UPDATE OR DELETE ON interest_accruals
FOR EACH ROW EXECUTE FUNCTION interest_accruals_refuse_change();
