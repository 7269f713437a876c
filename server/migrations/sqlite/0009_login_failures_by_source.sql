-- Failed logins are counted per account and per address they came from: counted per account
-- alone, anyone who knew a coordinator's email could lock them out by typing wrong passwords.
-- Rows from before have the empty source (they run out after 15 minutes).
ALTER TABLE login_failures ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_email_source ON login_failures (email, source, at);
