-- An email is unique within a partnership, not across the server: creating an account whose
-- email another partnership uses must not tell a coordinator that it does. SQLite cannot drop a
-- column's UNIQUE, so the table is made again; the sessions that refer to it go first (everyone
-- logs in again once, after the upgrade).
DELETE FROM sessions;
CREATE TABLE users_per_partnership (
    id             TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnerships (id),
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    UNIQUE (partnership_id, email)
);
INSERT INTO users_per_partnership (id, partnership_id, email, password_hash, role, created_at)
    SELECT id, partnership_id, email, password_hash, role, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_per_partnership RENAME TO users;
CREATE INDEX users_email ON users (email);
