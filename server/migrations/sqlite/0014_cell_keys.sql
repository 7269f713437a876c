-- Disclosure control (heard_domain::disclosure). Each case has a record key from 0 to 255,
-- derived from the case's pseudonym under this server's secret (so it stays the same when the
-- summaries are rebuilt, and no one without the database can work it out); each cube cell
-- keeps the sum of its cases' keys, from which its published count is perturbed.
CREATE TABLE server_secrets (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
ALTER TABLE cases ADD COLUMN record_key BIGINT NOT NULL DEFAULT 0;
ALTER TABLE case_cube ADD COLUMN key_sum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE drift_cube ADD COLUMN key_sum BIGINT NOT NULL DEFAULT 0;

-- Words and drawings a coordinator chose to hide from the dashboard (by shared_words.id,
-- which a rebuild of the summaries gives the same item again).
CREATE TABLE hidden_shared (
    partnership_id TEXT NOT NULL,
    shared_id      TEXT NOT NULL,
    PRIMARY KEY (partnership_id, shared_id)
);

-- Dashboard reads are audited and counted per person over the last hour.
CREATE INDEX audit_log_reads ON audit_log (partnership_id, actor, action, at);

-- The summaries are rebuilt, keys included, when the server next starts (Db::connect).
DELETE FROM summary_queue;
DELETE FROM case_cube;
DELETE FROM drift_cube;
DELETE FROM cases;
DELETE FROM shared_words;
