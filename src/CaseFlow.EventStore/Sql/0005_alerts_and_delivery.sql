-- Alerts (inline projection of the AlertRaised/Acknowledged/Resolved events: the compliance inbox), delivery subscriptions, the
-- transactional outbox of deliveries (written in the alert's append transaction), the sweep's state, and job run records.
CREATE TABLE alerts (
    id              uuid        PRIMARY KEY,
    case_id         uuid        NOT NULL REFERENCES streams (id),
    host_party_id   uuid        NOT NULL,
    kind            text        NOT NULL,
    level           text        NOT NULL,
    due             date        NOT NULL,
    raised_on       date        NOT NULL,
    raised_at       timestamptz NOT NULL,
    message         text        NOT NULL,
    rule            text        NOT NULL,
    fine_article    int,
    fine_mci        numeric,
    fine_tenge      numeric,
    state           text        NOT NULL CHECK (state IN ('raised', 'acknowledged', 'resolved')),
    acknowledged_by text,
    resolved_by     text,
    resolution      text,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX alerts_inbox ON alerts (host_party_id, state, raised_on);
CREATE INDEX alerts_open_by_case ON alerts (case_id) WHERE state <> 'resolved';

CREATE TABLE subscriptions (
    id             uuid        PRIMARY KEY,
    host_party_id  uuid        NOT NULL REFERENCES host_parties (id),
    channel        text        NOT NULL CHECK (channel IN ('webhook', 'email')),
    target         text        NOT NULL,
    secret         text,
    mode           text        NOT NULL CHECK (mode IN ('each', 'digest')),
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deliveries (
    id               uuid        PRIMARY KEY,
    subscription_id  uuid        NOT NULL REFERENCES subscriptions (id),
    alert_id         uuid,
    kind             text        NOT NULL CHECK (kind IN ('alert', 'digest')),
    payload          text        NOT NULL,
    state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed', 'dead', 'delivered')),
    attempts         int         NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_error       text,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    UNIQUE (subscription_id, alert_id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state IN ('pending', 'failed');

CREATE TABLE sweep_state (
    id              int         PRIMARY KEY CHECK (id = 1),
    last_full_date  date,
    position_tx     xid8        NOT NULL DEFAULT '0',
    position_seq    bigint      NOT NULL DEFAULT 0
);
INSERT INTO sweep_state (id) VALUES (1);

CREATE TABLE job_runs (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job          text        NOT NULL,
    node         text        NOT NULL,
    fired_at     timestamptz NOT NULL,
    finished_at  timestamptz NOT NULL,
    outcome      text        NOT NULL,
    error        text
);
CREATE INDEX job_runs_by_job ON job_runs (job, fired_at DESC);

CREATE TABLE job_misfires (
    job       text PRIMARY KEY,
    misfires  bigint NOT NULL DEFAULT 0
);
