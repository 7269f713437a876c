-- Failed attempts are also counted per place across every account (and wrong enrolment and
-- setup codes, under the pseudo-accounts '(enrolment)' and '(setup)'): one place trying many
-- emails, or many codes, waits too.
CREATE INDEX login_failures_source ON login_failures (source, at);
