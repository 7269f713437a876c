-- Every version of a partnership's own form this server has offered to tablets, kept after it
-- leaves the forms folder: a child may have answered it offline, days before the tablet next
-- syncs, and those answers are checked and counted by the form they answered (db/forms.rs).
CREATE TABLE forms (
    id       TEXT NOT NULL,
    version  BIGINT NOT NULL,
    -- The form as JSON, exactly as it was offered.
    body     TEXT NOT NULL,
    added_on TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
