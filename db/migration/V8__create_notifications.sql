-- Outbound notifications of finished jobs: a transactional outbox, written in the transaction that
-- ends the job, so no finished job goes unannounced and none is announced that rolled back. Rows
-- are leased by pushing next_attempt_at ahead while a delivery runs: a crashed sender's rows are
-- sent again once the lease passes (at least once). No foreign key: purging a job leaves its
-- delivered notification to its own retention.
CREATE TABLE notifications (
    id              bigserial   PRIMARY KEY,
    job_id          uuid        NOT NULL,
    event_id        varchar(64) NOT NULL,
    endpoint        varchar(128) NOT NULL,
    payload         bytea       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    delivered_at    timestamptz,
    abandoned_at    timestamptz,
    UNIQUE (event_id, endpoint)
);

CREATE INDEX notifications_due ON notifications (next_attempt_at)
    WHERE delivered_at IS NULL AND abandoned_at IS NULL;
