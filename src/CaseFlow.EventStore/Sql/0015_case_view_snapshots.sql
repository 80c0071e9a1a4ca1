-- Issue 14: a case's view at constant cost. A case with a long history (1,000 events or more) keeps the answer of its last read:
-- the view as of one day at one stream version, sealed under the case's data key with the version, the day, the host party and
-- what it was computed with (catalogue, host size, build) as associated data. A read serves it only when all of those still hold;
-- anything else, an edited row included, is recomputed from the events. One row per case; erasure deletes it.
CREATE TABLE case_view_snapshots (
    case_id       uuid PRIMARY KEY,
    version       bigint NOT NULL,
    as_of         date NOT NULL,
    host_party_id uuid NOT NULL,
    basis         text NOT NULL,
    sealed        bytea NOT NULL,
    written_at    timestamptz NOT NULL DEFAULT now()
);
