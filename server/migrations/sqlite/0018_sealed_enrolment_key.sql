-- The enrolment text no longer carries the partnership key. The coordinator's browser seals the
-- key under a one-time secret only the text holds and leaves it here with the code; it is given
-- once to the tablet that spends the code (again to that same enrolment while it may retry) and
-- then deleted. Codes made before cannot be spent: their texts carry the key itself.
ALTER TABLE enrolment_codes ADD COLUMN sealed_key TEXT;
UPDATE enrolment_codes SET expires_at = 0 WHERE used_at IS NULL;
