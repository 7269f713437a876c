-- Who may use the server. A partnership keeps only its key's fingerprint: the key itself is
-- made and kept in the coordinator's browser and on enrolled devices, never here.
CREATE TABLE partnerships (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    key_fingerprint TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE agencies (
    id             TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnerships (id),
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

-- One-time codes, stored hashed; a code is spent by the first enrolment that uses it.
CREATE TABLE enrolment_codes (
    code_hash  TEXT PRIMARY KEY,
    agency_id  TEXT NOT NULL REFERENCES agencies (id),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

-- Enrolled tablets. The bearer token is stored hashed; a revoked device is refused.
CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    agency_id    TEXT NOT NULL REFERENCES agencies (id),
    token_hash   TEXT NOT NULL UNIQUE,
    enrolled_at  BIGINT NOT NULL,
    last_sync_at BIGINT,
    revoked_at   BIGINT
);

-- Coordinators and analysts (read only). Passwords as argon2id PHC strings.
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnerships (id),
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

-- Login sessions live here, not in process memory, so any instance can serve any request.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Failed logins, for the rate limit (shared by all instances).
CREATE TABLE login_failures (
    email TEXT NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);

CREATE TABLE audit_log (
    seq            BIGSERIAL PRIMARY KEY,
    partnership_id TEXT NOT NULL,
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    detail         TEXT NOT NULL
);

-- Which device sent a response, and so which partnership it belongs to.
ALTER TABLE responses ADD COLUMN device_id TEXT;
ALTER TABLE responses ADD COLUMN partnership_id TEXT;
