-- Issue 14: a rebuild shows its rate (events a second since it started) next to its progress, in the CLI and the ops API.
ALTER TABLE projections ADD COLUMN rebuild_started_at timestamptz;
