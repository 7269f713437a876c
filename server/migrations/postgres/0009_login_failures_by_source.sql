-- Failed logins are counted per account and per address they came from: counted per account
-- alone, anyone who knew a coordinator's email could lock them out by typing wrong passwords.
-- Rows from before have the empty source (they run out after 15 minutes). Rows are deleted
-- by time once they no longer count (the index on `at`); (email, at) serves the counts.
ALTER TABLE login_failures ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_at ON login_failures (at);
