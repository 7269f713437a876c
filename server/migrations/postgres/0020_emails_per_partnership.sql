-- An email is unique within a partnership, not across the server: creating an account whose
-- email another partnership uses must not tell a coordinator that it does.
ALTER TABLE users DROP CONSTRAINT users_email_key;
ALTER TABLE users ADD CONSTRAINT users_partnership_email UNIQUE (partnership_id, email);
CREATE INDEX users_email ON users (email);
