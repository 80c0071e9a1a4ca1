-- Issue 11 (sweep speed): two structures every append or alert paid for and no read needs.
-- events_recorded_at duplicated what the (stream_id, version) key already serves: the one read that filters on recorded_at (a stream
-- as known at an instant) reads a single stream's rows through that key and filters them.
DROP INDEX IF EXISTS events_recorded_at;
-- The inbox is a projection of the alert streams: its rows are written only by the alert stream's inline projection, in the transaction
-- that appends to the case's alert stream, and are rebuilt from the log. A foreign key to the event store's streams locked each case's
-- stream row once per alert (a write to that row) and guaranteed nothing the writer does not.
ALTER TABLE alerts DROP CONSTRAINT IF EXISTS alerts_case_id_fkey;
