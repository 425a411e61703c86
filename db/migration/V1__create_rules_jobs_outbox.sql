-- rule-service schema (DESIGN.md "Rules", "Job states", invariants 1, 2, 3, 5).

CREATE TABLE rules (
    id                 uuid PRIMARY KEY,
    name               varchar(100)  NOT NULL,
    description        varchar(1000),
    enabled            boolean       NOT NULL,
    -- null: the rule applies to every registry
    registry           varchar(255),
    -- null: the pattern matches everything
    namespace_pattern  varchar(256),
    repository_pattern varchar(256),
    tag_pattern        varchar(256),
    pattern_syntax     varchar(10)   NOT NULL CHECK (pattern_syntax IN ('GLOB', 'REGEX')),
    tag_suffix         varchar(64)   NOT NULL,
    target_repository  varchar(255),
    -- ConversionOptions as JSON (event-contracts JsonCodec)
    options            text          NOT NULL,
    created_at         timestamptz   NOT NULL,
    updated_at         timestamptz   NOT NULL,
    version            bigint        NOT NULL,
    CONSTRAINT rules_name_unique UNIQUE (name)
);

-- Push order across the whole service (ConversionRequest.sequence, invariant 3).
CREATE SEQUENCE push_sequence;

-- Every push event consumed, recorded in the same transaction as its jobs (idempotent consumer).
CREATE TABLE push_events (
    event_id    varchar(255) PRIMARY KEY,
    sequence    bigint       NOT NULL,
    registry    varchar(255) NOT NULL,
    repository  varchar(255) NOT NULL,
    tag         varchar(255) NOT NULL,
    digest      varchar(100) NOT NULL,
    -- MATCHED, UNMATCHED, OWN_OUTPUT, SAME_CONTENT
    outcome     varchar(20)  NOT NULL,
    pushed_at   timestamptz,
    recorded_at timestamptz  NOT NULL
);
-- content dedupe looks up the newest push of a tag
CREATE INDEX push_events_tag ON push_events (registry, repository, tag, sequence DESC);

CREATE TABLE conversion_jobs (
    id                uuid PRIMARY KEY,
    rule_id           uuid REFERENCES rules (id) ON DELETE SET NULL,
    -- PUSH, MANUAL, RETRY, RECONCILE
    trigger           varchar(20)  NOT NULL,
    push_event_id     varchar(255) REFERENCES push_events (event_id),
    retry_of          uuid REFERENCES conversion_jobs (id),
    sequence          bigint       NOT NULL,
    status            varchar(20)  NOT NULL,
    failure_code      varchar(40),
    reason            text,
    registry          varchar(255) NOT NULL,
    source_repository varchar(255) NOT NULL,
    source_tag        varchar(255) NOT NULL,
    source_digest     varchar(100),
    target_repository varchar(255) NOT NULL,
    target_tag        varchar(255) NOT NULL,
    target_digest     varchar(100),
    options           text         NOT NULL,
    attempts          integer      NOT NULL,
    worker_id         varchar(255),
    layers_done       integer,
    layers_total      integer,
    bytes_in          bigint,
    bytes_out         bigint,
    source_size       bigint,
    target_size       bigint,
    layers_converted  integer,
    layers_from_cache integer,
    -- phase durations in ms as JSON ({"queue":..,"pull":..,"convert":..,"push":..})
    phase_millis      text,
    created_at        timestamptz  NOT NULL,
    updated_at        timestamptz  NOT NULL,
    queued_at         timestamptz,
    started_at        timestamptz,
    finished_at       timestamptz,
    -- one job per (event, rule): a redelivered event can never make a second one
    CONSTRAINT conversion_jobs_event_rule UNIQUE (push_event_id, rule_id)
);
CREATE INDEX conversion_jobs_created ON conversion_jobs (created_at DESC);
CREATE INDEX conversion_jobs_status ON conversion_jobs (status);
CREATE INDEX conversion_jobs_source ON conversion_jobs (source_repository, source_tag);
CREATE INDEX conversion_jobs_rule ON conversion_jobs (rule_id);

CREATE TABLE job_transitions (
    id           bigserial PRIMARY KEY,
    job_id       uuid         NOT NULL REFERENCES conversion_jobs (id) ON DELETE CASCADE,
    from_status  varchar(20),
    to_status    varchar(20)  NOT NULL,
    attempt      integer      NOT NULL,
    worker_id    varchar(255),
    failure_code varchar(40),
    reason       text,
    at           timestamptz  NOT NULL
);
CREATE INDEX job_transitions_job ON job_transitions (job_id, id);

-- Transactional outbox: written with the job, published by the relay, marked sent after the ack.
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    aggregate_id uuid         NOT NULL,
    topic        varchar(255) NOT NULL,
    message_key  varchar(1024) NOT NULL,
    payload      bytea        NOT NULL,
    created_at   timestamptz  NOT NULL,
    sent_at      timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

-- Manifest digests this service's workers pushed: their push events are our own output
-- (invariant 5), recognised by content rather than by tag name.
CREATE TABLE produced_digests (
    registry    varchar(255) NOT NULL,
    digest      varchar(100) NOT NULL,
    repository  varchar(255) NOT NULL,
    job_id      uuid         NOT NULL,
    recorded_at timestamptz  NOT NULL,
    PRIMARY KEY (registry, digest)
);
