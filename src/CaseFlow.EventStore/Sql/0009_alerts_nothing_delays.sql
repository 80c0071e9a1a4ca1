-- Issue 11: alerts that nothing can delay.

-- Deliveries are claimed with a lease (a short transaction marks them leased until an instant, by a node, under a fresh token);
-- they are sent outside any transaction and each outcome is recorded in a short transaction of its own that must still hold the
-- token. An expired lease is reclaimed by any node. 'cancelled': the subscription was deleted before the delivery was sent.
ALTER TABLE deliveries
    ADD COLUMN leased_by    text,
    ADD COLUMN leased_until timestamptz,
    ADD COLUMN lease_token  uuid;
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_state_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check CHECK (state IN ('pending', 'failed', 'dead', 'delivered', 'cancelled'));
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, created_at DESC);

-- Subscriptions: paused, soft-deleted (their deliveries stay as history), their secret sealed with a key outside the database
-- (AES-256-GCM; the clear column is emptied by the application at start-up for rows written before this migration).
ALTER TABLE subscriptions
    ADD COLUMN paused        boolean     NOT NULL DEFAULT false,
    ADD COLUMN deleted_at    timestamptz,
    ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN created_by    text,
    ADD COLUMN secret_sealed bytea;

-- Alerts: who acted when, and a version per alert (its ETag) that moves with each change of that alert only.
ALTER TABLE alerts
    ADD COLUMN version         int         NOT NULL DEFAULT 1,
    ADD COLUMN acknowledged_at timestamptz,
    ADD COLUMN resolved_at     timestamptz;
CREATE INDEX alerts_inbox_due ON alerts (host_party_id, due);

-- Cases the sweep could not evaluate: recorded and skipped, the rest go on; retried on the next tick.
CREATE TABLE sweep_failures (
    case_id          uuid        PRIMARY KEY,
    error            text        NOT NULL,
    attempts         int         NOT NULL,
    first_failed_at  timestamptz NOT NULL,
    last_failed_at   timestamptz NOT NULL
);

-- The days on which a case's alerts can change without any new event (a reminder, a due day, a lead day, an overstay tier, a window
-- date): written by the deadlines projection; the daily sweep reads only the cases whose day has come.
CREATE TABLE IF NOT EXISTS alert_dates (
    case_id  uuid NOT NULL,
    on_date  date NOT NULL,
    PRIMARY KEY (case_id, on_date)
);
CREATE INDEX IF NOT EXISTS alert_dates_on_date_idx ON alert_dates (on_date);

-- The claim takes each subscription's earliest due deliveries (fair across host parties and targets).
CREATE INDEX deliveries_due_by_subscription ON deliveries (subscription_id, next_attempt_at) WHERE state IN ('pending', 'failed');

-- Existing databases: the deadlines projection rebuilds to fill alert_dates for every case.
UPDATE projections SET rebuild_requested = true WHERE name = 'deadlines';
