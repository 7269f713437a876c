-- Summaries are brought up to date after a batch is stored, no longer inside the batch's own
-- transaction, so a device's sync waits only for its items to be stored. Each item stored for
-- the first time is queued here in that transaction; the summariser (db/summary.rs) adds queued
-- items to their cases and cubes in queue order and deletes them from the queue in the same
-- transaction, so each is counted exactly once.
CREATE TABLE summary_queue (
    seq     BIGSERIAL PRIMARY KEY,
    -- 'response' or 'outcome'
    kind    TEXT NOT NULL,
    item_id TEXT NOT NULL
);

-- Cases counted by everything the dashboard groups or filters them by: for all time (month 0)
-- and for the month each case was first heard of (year * 12 + month - 1), so a dashboard reads
-- a few thousand counts instead of every case. '' stands for none (an empty key column would
-- never match itself in a unique index as NULL). Counts may fall to 0 and stay.
CREATE TABLE case_cube (
    partnership_id TEXT NOT NULL,
    month          BIGINT NOT NULL,
    agency         TEXT NOT NULL,
    age_band       TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    heard          BIGINT NOT NULL,
    change         TEXT NOT NULL,
    flags          BIGINT NOT NULL,
    cases          BIGINT NOT NULL,
    -- The cases' change in rating added up, in thousandths of a point, so it stays exact
    -- however often cases move in and out.
    delta_milli    BIGINT NOT NULL,
    PRIMARY KEY (partnership_id, month, agency, age_band, outcome, heard, change, flags)
);

-- Cases with a drift (days from the first response to the outcome), counted the same way.
CREATE TABLE drift_cube (
    partnership_id TEXT NOT NULL,
    month          BIGINT NOT NULL,
    agency         TEXT NOT NULL,
    age_band       TEXT NOT NULL,
    flags          BIGINT NOT NULL,
    drift_days     BIGINT NOT NULL,
    cases          BIGINT NOT NULL,
    PRIMARY KEY (partnership_id, month, agency, age_band, flags, drift_days)
);

-- The cases themselves are now read only for the part of a date range that does not cover
-- whole months: one index in date order, holding what the dashboard reads.
DROP INDEX cases_cube;
DROP INDEX cases_drift;
CREATE INDEX cases_since ON cases (partnership_id, since_day, agency, age_band, outcome, heard, change, flags, delta, drift_days);

-- The cubes start empty: emptying the summaries makes the server rebuild them all, cubes
-- included, from the responses and outcomes held when it next starts (Db::connect).
DELETE FROM cases;
DELETE FROM shared_words;
