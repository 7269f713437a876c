-- A conflicting copy belongs to the partnership whose tablet sent it, and says what it is a
-- copy of; its coordinator sees the list (never the bodies) and can discard a copy.
ALTER TABLE response_conflicts ADD COLUMN partnership_id TEXT;
ALTER TABLE response_conflicts ADD COLUMN kind TEXT NOT NULL DEFAULT 'response';
UPDATE response_conflicts SET kind = 'outcome' WHERE id IN (SELECT id FROM outcomes);
UPDATE response_conflicts SET partnership_id = COALESCE(
    (SELECT r.partnership_id FROM responses r WHERE r.id = response_conflicts.id),
    (SELECT o.partnership_id FROM outcomes o WHERE o.id = response_conflicts.id));
CREATE INDEX response_conflicts_partnership ON response_conflicts (partnership_id, received_on);
