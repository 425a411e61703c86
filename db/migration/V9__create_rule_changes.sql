-- Who changed which rule when, and how: every create, replace and delete through the API, with the
-- rule before and after (as the API shows it) and the fingerprint of the token that did it. No
-- foreign key: a deleted rule's history stays.
CREATE TABLE rule_changes (
    id        bigserial    PRIMARY KEY,
    rule_id   uuid         NOT NULL,
    action    varchar(16)  NOT NULL,
    actor     varchar(64)  NOT NULL,
    at        timestamptz  NOT NULL,
    before    jsonb,
    after     jsonb
);

CREATE INDEX rule_changes_by_rule ON rule_changes (rule_id, id);
