-- One-time codes for creating a partnership, made by whoever runs the server
-- (`heard-server --new-partnership-code`), stored hashed, spent by the first use.
CREATE TABLE setup_codes (
    code_hash  TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
