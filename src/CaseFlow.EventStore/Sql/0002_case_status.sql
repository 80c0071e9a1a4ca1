-- Inline projection: the status of each case, written in the same transaction as the case's events.
CREATE TABLE case_status (
    case_id             uuid        PRIMARY KEY REFERENCES streams (id),
    host_party_id       uuid        NOT NULL,
    version             bigint      NOT NULL,
    nationality         text        NOT NULL,
    family_name         text        NOT NULL,
    given_names         text        NOT NULL,
    in_country          boolean     NOT NULL,
    last_entry          date,
    last_exit           date,
    notification_status text        NOT NULL,
    last_notified       date,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX case_status_host_party ON case_status (host_party_id);
