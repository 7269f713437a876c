-- How cases ended, keyed by pseudonym: from practitioners at closure (and, later, imports).
CREATE TABLE outcomes (
    id             TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL,
    device_id      TEXT,
    case_pseudonym TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    day            TEXT NOT NULL,
    body           TEXT NOT NULL,
    received_on    TEXT NOT NULL
);
CREATE INDEX outcomes_case ON outcomes (partnership_id, case_pseudonym);
