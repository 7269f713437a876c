-- Every key a partnership has used. A new key arrives sealed (in the coordinator's browser) under
-- a key derived from the one it follows, for tablets to open on their next contact; the server
-- never holds a key it could open. Answers a tablet prepared under any of them are taken.
CREATE TABLE partnership_keys (
    partnership_id   TEXT NOT NULL REFERENCES partnerships (id),
    fingerprint      TEXT NOT NULL,
    from_fingerprint TEXT,
    sealed_key       TEXT,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (partnership_id, fingerprint)
);
INSERT INTO partnership_keys (partnership_id, fingerprint, created_at) SELECT id, key_fingerprint, created_at FROM partnerships;

-- A case's pseudonym under a newer key, linked to its first pseudonym: computed in the
-- coordinator's browser from references it holds. What arrives under the newer one is kept
-- under the first, so the case stays one case.
CREATE TABLE pseudonym_links (
    partnership_id TEXT NOT NULL,
    new_pseudonym  TEXT NOT NULL,
    old_pseudonym  TEXT NOT NULL,
    PRIMARY KEY (partnership_id, new_pseudonym)
);
