-- Async projections: one checkpoint row per projection (position in the global log, state, control flags), and the errors
-- (poison events) they met. The checkpoint is updated in the same transaction as the projection's writes.
CREATE TABLE projections (
    name               text        PRIMARY KEY,
    position_tx        xid8        NOT NULL DEFAULT '0',
    position_seq       bigint      NOT NULL DEFAULT 0,
    state              text        NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'paused', 'rebuilding', 'failed')),
    processed          bigint      NOT NULL DEFAULT 0,
    last_error         text,
    node               text,
    heartbeat_at       timestamptz,
    rebuild_requested  boolean     NOT NULL DEFAULT false,
    cancel_requested   boolean     NOT NULL DEFAULT false,
    rebuild_tx         xid8,
    rebuild_seq        bigint,
    rebuild_processed  bigint,
    rebuild_total      bigint,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projection_errors (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    projection   text        NOT NULL,
    event_id     uuid        NOT NULL,
    event_seq    bigint      NOT NULL,
    error        text        NOT NULL,
    action       text        NOT NULL CHECK (action IN ('skipped', 'paused')),
    occurred_at  timestamptz NOT NULL DEFAULT now()
);
