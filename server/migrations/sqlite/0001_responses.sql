-- Responses as the devices sent them: the canonical wire JSON of protocol v1.
CREATE TABLE responses (
    id           TEXT PRIMARY KEY,
    form_id      TEXT NOT NULL,
    form_version BIGINT NOT NULL,
    day          TEXT NOT NULL,
    body         TEXT NOT NULL,
    received_on  TEXT NOT NULL
);

-- A second, different body sent under an id already held: kept for a coordinator to
-- look at, never written over the first.
CREATE TABLE response_conflicts (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL,
    body         TEXT NOT NULL,
    received_on  TEXT NOT NULL
);
