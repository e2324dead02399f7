-- Late interest accrued on each case: one row per accrual that the gate approved, for the days
-- [from_date, to_date), written in the same transaction as its ledger posting (posting_id is
-- empty when the approved amount was nothing, e.g. on a paid principal). How far a case's
-- interest has run is its latest row's to_date; the key stops two accruals from one start day.
-- Append-only like the ledger: a correction is a new posting, never an edit here.

CREATE TABLE interest_accruals (
    case_number INTEGER NOT NULL REFERENCES cases (case_number),
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL CHECK (to_date > from_date),
    currency TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    -- What rounding left over, in principal minor units x basis points x days (the exact
    -- interest before dividing by 10,000 x 365): carried into the next accrual, so accruing
    -- daily charges what accruing once would, to within half a minor unit.
    carry_minor_bp_days INTEGER NOT NULL DEFAULT 0,
    posting_id INTEGER REFERENCES postings (id),
    recorded_at_ms INTEGER NOT NULL,
    PRIMARY KEY (case_number, from_date)
) WITHOUT ROWID;

CREATE TRIGGER interest_accruals_are_append_only_update BEFORE UPDATE ON interest_accruals
BEGIN SELECT RAISE(ABORT, 'interest accruals are append-only'); END;
CREATE TRIGGER interest_accruals_are_append_only_delete BEFORE DELETE ON interest_accruals
BEGIN SELECT RAISE(ABORT, 'interest accruals are append-only'); END;
