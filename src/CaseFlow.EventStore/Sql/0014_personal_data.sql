-- Issue 12: personal data encrypted, erasable, every read logged; seals over the history (ADR 13).

-- Each case's data key, wrapped by a master key kept outside the database; erasure destroys it (crypto-shredding).
CREATE TABLE data_keys (
    case_id        uuid PRIMARY KEY,
    master_key_id  text NOT NULL,
    wrapped        bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    erased_at      timestamptz,
    erased_by      text,
    erasure_basis  text,
    erasure_reason bytea,
    CHECK ((wrapped IS NULL) = (erased_at IS NOT NULL))
);

-- The status row keeps no personal data in clear: names sealed under the case's key, lookups by keyed blind index (HMAC).
-- The old columns go; rows written before this migration get their sealed names at the case's next append.
ALTER TABLE case_status
    DROP COLUMN family_name,
    DROP COLUMN given_names,
    DROP COLUMN passport_masked,
    DROP COLUMN search_name,
    DROP COLUMN passport_hash,
    DROP COLUMN passport_hashes,
    ADD COLUMN personal       bytea,
    ADD COLUMN passport_index bytea,
    ADD COLUMN search_tokens  bytea[] NOT NULL DEFAULT '{}',
    ADD COLUMN closed_on      date;
CREATE UNIQUE INDEX case_status_person ON case_status (host_party_id, nationality, passport_index);
CREATE INDEX case_status_search_tokens ON case_status USING gin (search_tokens);
-- Retention finds the cases closed long ago whose person is not yet erased.
CREATE INDEX case_status_closed_on ON case_status (closed_on) WHERE closed_on IS NOT NULL AND personal IS NOT NULL;

-- Who read whose personal data, when and through which endpoint. Append-only to the application.
CREATE TABLE access_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    user_id   text NOT NULL,
    endpoint  text NOT NULL,
    case_ids  uuid[] NOT NULL
);
CREATE INDEX access_log_cases ON access_log USING gin (case_ids);
CREATE INDEX access_log_user ON access_log (user_id, at);

-- Signed seals over the log: position, stream count and the Merkle root of every stream's head; the heads themselves, to check each stream.
CREATE TABLE seals (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sealed_at    timestamptz NOT NULL,
    log_position text NOT NULL,
    streams      bigint NOT NULL,
    merkle_root  bytea NOT NULL,
    public_key   bytea NOT NULL,
    signature    bytea NOT NULL,
    heads        bytea NOT NULL
);

CREATE FUNCTION caseflow_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION caseflow_append_only();
CREATE TRIGGER seals_append_only BEFORE UPDATE OR DELETE ON seals FOR EACH ROW EXECUTE FUNCTION caseflow_append_only();

-- A stored idempotent response may name the person: kept sealed (AES-256-GCM, key outside the database). Responses stored in clear
-- before are dropped with their keys (a repeat is then run as a new request: the case's own checks, e.g. one case per person, still hold).
DELETE FROM idempotency_keys WHERE status IS NOT NULL;
ALTER TABLE idempotency_keys DROP COLUMN body, ADD COLUMN body bytea;

-- An alert's resolution reason is free text that may name someone: sealed under the case's key, like the event it comes from.
ALTER TABLE alerts DROP COLUMN resolution, ADD COLUMN resolution bytea;
