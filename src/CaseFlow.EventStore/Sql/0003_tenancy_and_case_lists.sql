-- Host parties (tenants), users with hashed API keys, idempotency keys, and the list columns of the case status.
CREATE TABLE host_parties (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    bin         text        NOT NULL UNIQUE CHECK (bin ~ '^[0-9]{12}$'),
    size        text        NOT NULL CHECK (size IN ('small', 'medium', 'large')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL
);

CREATE TABLE users (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('compliance', 'auditor', 'ops', 'admin')),
    host_parties  uuid[]      NOT NULL DEFAULT '{}',
    key_hash      bytea       NOT NULL UNIQUE,
    key_prefix    text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);

-- One row per (user, Idempotency-Key): claimed in the same transaction as the append it guards.
CREATE TABLE idempotency_keys (
    user_id       uuid        NOT NULL,
    key           text        NOT NULL,
    request_hash  bytea       NOT NULL,
    status        int,
    location      text,
    etag          text,
    body          text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

ALTER TABLE case_status
    ADD COLUMN status             text    NOT NULL DEFAULT 'notArrived',
    ADD COLUMN basis              text,
    ADD COLUMN permitted_until    date,
    ADD COLUMN next_deadline_kind text,
    ADD COLUMN next_deadline_due  date,
    ADD COLUMN fine_mci           numeric NOT NULL DEFAULT 0,
    ADD COLUMN fine_tenge         numeric,
    ADD COLUMN catalogue_version  text,
    ADD COLUMN passport_hash      bytea,
    ADD COLUMN passport_masked    text;

-- One case per person and host party: the database enforces it (re-imports, concurrent creates).
CREATE UNIQUE INDEX case_status_person ON case_status (host_party_id, nationality, passport_hash);
CREATE INDEX case_status_next_deadline ON case_status (host_party_id, next_deadline_due, case_id);
CREATE INDEX case_status_names ON case_status (lower(family_name), lower(given_names));
