-- How long a partnership keeps a case's responses after its last activity (months), then they
-- are deleted (Db::apply_retention) and only the dashboard's aggregates stay, in the retired
-- cubes, which a rebuild of the summaries never touches.
ALTER TABLE partnerships ADD COLUMN retention_months BIGINT NOT NULL DEFAULT 24;

CREATE TABLE retired_case_cube (
    partnership_id TEXT NOT NULL,
    month          BIGINT NOT NULL,
    agency         TEXT NOT NULL,
    age_band       TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    heard          BIGINT NOT NULL,
    change         TEXT NOT NULL,
    flags          BIGINT NOT NULL,
    cases          BIGINT NOT NULL,
    delta_milli    BIGINT NOT NULL,
    key_sum        BIGINT NOT NULL,
    PRIMARY KEY (partnership_id, month, agency, age_band, outcome, heard, change, flags)
);

CREATE TABLE retired_drift_cube (
    partnership_id TEXT NOT NULL,
    month          BIGINT NOT NULL,
    agency         TEXT NOT NULL,
    age_band       TEXT NOT NULL,
    flags          BIGINT NOT NULL,
    drift_days     BIGINT NOT NULL,
    cases          BIGINT NOT NULL,
    key_sum        BIGINT NOT NULL,
    PRIMARY KEY (partnership_id, month, agency, age_band, flags, drift_days)
);

-- Why a case's pseudonym is kept after its answers went: erased at a family's request, or past
-- the retention period (its answers arriving late would be counted twice).
ALTER TABLE erased_cases ADD COLUMN why TEXT NOT NULL DEFAULT 'request';

-- Each response's case, for erasure and retention to find them without reading every body.
ALTER TABLE responses ADD COLUMN case_pseudonym TEXT;
-- Read from the stored body without parsing it (a damaged body must not stop the migration):
-- the key "case" appears unescaped only as the context's own.
UPDATE responses SET case_pseudonym = substr(body, strpos(body, '"case":"') + 8, 64) WHERE strpos(body, '"case":"') > 0;
CREATE INDEX responses_case ON responses (partnership_id, case_pseudonym);
