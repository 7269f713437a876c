-- One-off rewrites of what the server holds, each recorded once done, so a start does not scan
-- every response again. 'unshared_words': words and drawings a child did not agree to share,
-- stored before tablets kept them back, are replaced by "own_words" (SPEC §5, minimised).
CREATE TABLE scrubs (
    name     TEXT PRIMARY KEY,
    done_on  TEXT NOT NULL
);
