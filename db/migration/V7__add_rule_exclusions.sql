-- Rules gain exclusions: a repository or tag matching one is not converted even when the rule's
-- patterns match it ("every tag but *-debug"). Null excludes nothing. Adding nullable columns
-- without a default changes no row, so the table is locked only briefly.
ALTER TABLE rules
    ADD COLUMN exclude_repository_pattern varchar(256),
    ADD COLUMN exclude_tag_pattern        varchar(256);
