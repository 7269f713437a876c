-- One row per case, kept up to date as responses and outcomes arrive, so the dashboard reads
-- cases rather than every response. Days are counted from 1970-01-01.
CREATE TABLE cases (
    partnership_id     TEXT NOT NULL,
    case_pseudonym     TEXT NOT NULL,
    -- The agency of the first device that sent a response about the case, or else of the
    -- outcome's device (or import).
    agency_id          TEXT,
    outcome_agency_id  TEXT,
    age_band           TEXT,
    -- Every circumstance any response recorded, as bits (heard_domain::dashboard::Flag).
    flags              BIGINT NOT NULL DEFAULT 0,
    responses          BIGINT NOT NULL DEFAULT 0,
    -- 1 when at least one response holds an answer the child gave.
    heard              BIGINT NOT NULL DEFAULT 0,
    first_day          BIGINT,
    last_day           BIGINT,
    -- Responses with a rating, and the first and last of them (0 to 10).
    rated              BIGINT NOT NULL DEFAULT 0,
    first_rating_day   BIGINT,
    first_rating       DOUBLE PRECISION,
    last_rating_day    BIGINT,
    last_rating        DOUBLE PRECISION,
    outcome            TEXT,
    outcome_day        BIGINT,
    -- When the case was first heard of: its first response or its outcome.
    since_day          BIGINT NOT NULL,
    PRIMARY KEY (partnership_id, case_pseudonym)
);

-- Words and drawings a child agreed to share, without the case they came from.
CREATE TABLE shared_words (
    id             TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL,
    agency_id      TEXT,
    age_band       TEXT NOT NULL,
    flags          BIGINT NOT NULL,
    day            BIGINT NOT NULL,
    form_id        TEXT NOT NULL,
    form_version   BIGINT NOT NULL,
    question_id    TEXT NOT NULL,
    part           TEXT,
    words          TEXT,
    drawing        TEXT
);
CREATE INDEX shared_words_recent ON shared_words (partnership_id, day);
