-- The daily run.
--
-- case_steps: the treatment-strategy steps carried out on a case, one row per step, written by
-- the executor in the transaction of the decision that carried the step out (so a step is
-- done exactly when its contact was approved and recorded, never twice: the key is the case
-- and the step). The strategy, path and variant are kept as they were on the day, for the
-- champion/challenger report.
--
-- run_days: one row per date a run started, and run_day_completions one per date it finished
-- with its summary (JSON). A date that finished is not run again; one that started and did not
-- finish (a killed run) is resumed by running it again. All three are append-only.

CREATE TABLE case_steps (
    case_number BIGINT NOT NULL,
    strategy TEXT NOT NULL,
    path TEXT NOT NULL,
    variant TEXT,
    step_id TEXT NOT NULL,
    done_on TEXT NOT NULL,
    decision_id TEXT NOT NULL UNIQUE,
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (case_number, strategy, path, step_id)
);

CREATE TABLE run_days (
    run_date TEXT PRIMARY KEY,
    started_by TEXT NOT NULL,
    started_at_ms BIGINT NOT NULL
);

CREATE TABLE run_day_completions (
    run_date TEXT PRIMARY KEY REFERENCES run_days (run_date),
    finished_at_ms BIGINT NOT NULL,
    summary TEXT NOT NULL
);

CREATE FUNCTION daily_run_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER case_steps_are_append_only BEFORE UPDATE OR DELETE ON case_steps
FOR EACH ROW EXECUTE FUNCTION daily_run_refuse_change();
CREATE TRIGGER run_days_are_append_only BEFORE UPDATE OR DELETE ON run_days
FOR EACH ROW EXECUTE FUNCTION daily_run_refuse_change();
CREATE TRIGGER run_day_completions_are_append_only BEFORE UPDATE OR DELETE ON run_day_completions
FOR EACH ROW EXECUTE FUNCTION daily_run_refuse_change();
