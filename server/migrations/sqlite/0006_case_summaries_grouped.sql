-- The case summaries again, now carrying what the dashboard groups by as plain columns
-- (the case's agency, its change in rating, its drift), with covering indexes in grouping
-- order, so a dashboard reads an index in order instead of sorting every case. The rows are
-- rebuilt from the responses and outcomes held when the server starts (summary.rs).
DROP TABLE cases;
CREATE TABLE cases (
    partnership_id     TEXT NOT NULL,
    case_pseudonym     TEXT NOT NULL,
    -- The agency of the first device that sent a response about the case; of the outcome's
    -- device (none for an import); and the one the dashboard counts it under.
    agency_id          TEXT,
    outcome_agency_id  TEXT,
    agency             TEXT,
    age_band           TEXT,
    -- Every circumstance any response recorded, as bits (heard_domain::dashboard::Flag), and
    -- the SEND and homeless bits alone (the focus groups).
    flags              BIGINT NOT NULL DEFAULT 0,
    focus              BIGINT NOT NULL DEFAULT 0,
    responses          BIGINT NOT NULL DEFAULT 0,
    -- 1 when at least one response holds an answer the child gave.
    heard              BIGINT NOT NULL DEFAULT 0,
    -- Days since 1970-01-01.
    first_day          BIGINT,
    last_day           BIGINT,
    -- Responses with a rating, and the first and last of them (0 to 10).
    rated              BIGINT NOT NULL DEFAULT 0,
    first_rating_day   BIGINT,
    first_rating       DOUBLE PRECISION,
    last_rating_day    BIGINT,
    last_rating        DOUBLE PRECISION,
    -- With two or more ratings: better, same or worse, and last minus first.
    change             TEXT,
    delta              DOUBLE PRECISION NOT NULL DEFAULT 0,
    outcome            TEXT,
    outcome_day        BIGINT,
    -- Days from the first response to the outcome, when both are known and in that order.
    drift_days         BIGINT,
    -- When the case was first heard of: its first response or its outcome.
    since_day          BIGINT NOT NULL,
    PRIMARY KEY (partnership_id, case_pseudonym)
);
CREATE INDEX cases_cube ON cases (partnership_id, agency, age_band, focus, outcome, heard, change, flags, delta, since_day);
CREATE INDEX cases_drift ON cases (partnership_id, agency, focus, drift_days, age_band, flags, since_day);
