-- Items the summariser could not add to the dashboard's figures (a body that cannot be read, or
-- one the database refuses to summarise): set aside so the queue goes on with the others, and
-- named to the partnership's coordinators in the audit log. The item itself stays stored.
CREATE TABLE set_aside (
    kind           TEXT NOT NULL,
    item_id        TEXT NOT NULL,
    partnership_id TEXT,
    reason         TEXT NOT NULL,
    at             BIGINT NOT NULL,
    PRIMARY KEY (kind, item_id)
);

-- One conflicting copy per item, the latest sent: a tablet re-sending the same conflict no
-- longer adds a full copy each time.
DELETE FROM response_conflicts WHERE seq NOT IN (SELECT MAX(seq) FROM response_conflicts GROUP BY id);
CREATE UNIQUE INDEX response_conflicts_one_per_item ON response_conflicts (id);
