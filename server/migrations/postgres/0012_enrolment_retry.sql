-- Enrolment survives a lost reply: the tablet sends a random enrolment id with its code; the
-- code remembers the id's hash and the device it made, so the same code and id within a short
-- window enrol that same device again (with a new token), never another id.
ALTER TABLE enrolment_codes ADD COLUMN enrolment_id_hash TEXT;
ALTER TABLE enrolment_codes ADD COLUMN device_id TEXT;
