-- The listener accepts any OCI digest up to 256 characters (sha512 is 135): keep the columns as
-- wide, so such a push makes a job instead of being skipped as malformed.
ALTER TABLE push_events      ALTER COLUMN digest        TYPE varchar(256);
ALTER TABLE conversion_jobs  ALTER COLUMN source_digest TYPE varchar(256);
ALTER TABLE conversion_jobs  ALTER COLUMN target_digest TYPE varchar(256);
ALTER TABLE produced_digests ALTER COLUMN digest        TYPE varchar(256);
