-- Cases erased at a family's request (Db::erase_case): every response, outcome and conflicting
-- copy of the case is deleted, and the case's pseudonym is kept here alone, so that an answer
-- a tablet still holds for it is refused when it arrives rather than stored again.
CREATE TABLE erased_cases (
    partnership_id TEXT NOT NULL,
    case_pseudonym TEXT NOT NULL,
    erased_on      TEXT NOT NULL,
    PRIMARY KEY (partnership_id, case_pseudonym)
);
