-- Issue 14: every event row was written into four B-trees: the sequence number alone (the primary key), the event id, the stream
-- and version, and the global-log position (tx, seq). Nothing looks an event up by its sequence number alone (the global log reads
-- by position, a stream by (stream_id, version), the chain and the rebuilds in those orders), so the sequence number's own index was
-- only paid for. The position becomes the primary key: unique, as the runners' checkpoints need (they resume after a position),
-- and one index fewer on every append, alert and import.
CREATE UNIQUE INDEX events_position ON events (tx, seq);
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD CONSTRAINT events_position PRIMARY KEY USING INDEX events_position;
DROP INDEX events_global_order;
