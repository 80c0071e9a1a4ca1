-- Issue 14 (ADR 16): append_events no longer sends NOTIFY. PostgreSQL serializes the commits of all transactions that NOTIFY (each
-- holds a database-wide lock from PreCommit_Notify to the end of its commit), so concurrent appends committed one at a time. The
-- runners are now woken by LogNotifier, from a connection of its own outside the appending transactions. The function is otherwise
-- 0011's, unchanged.
CREATE OR REPLACE FUNCTION append_events(
    p_stream uuid, p_stream_type text, p_tenant text, p_expected bigint,
    p_ids uuid[], p_types text[], p_data text[], p_metadata text, p_digests bytea[],
    OUT seqs bigint[], OUT hashes bytea[], OUT tx text, OUT recorded_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    n int := cardinality(p_ids);
    current_version bigint;
    previous bytea;
    micros bytea := int8send((extract(epoch FROM now()) * 1000000)::bigint);
BEGIN
    IF n IS NULL OR n = 0 OR cardinality(p_types) <> n OR cardinality(p_data) <> n OR cardinality(p_digests) <> n THEN
        RAISE EXCEPTION 'append_events: % ids, % types, % data, % digests', n, cardinality(p_types), cardinality(p_data), cardinality(p_digests)
            USING ERRCODE = '22023';
    END IF;
    -- 1. The version check, before any sequence number is taken: the row lock makes a concurrent writer with the same expected
    --    version wait here and then find the version moved.
    IF p_expected = 0 THEN
        previous := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    ELSE
        SELECT s.version, s.last_hash INTO current_version, previous FROM streams s WHERE s.id = p_stream FOR UPDATE;
        IF current_version IS DISTINCT FROM p_expected THEN
            RAISE EXCEPTION 'stream %: expected version %, found %', p_stream, p_expected, coalesce(current_version::text, 'no stream')
                USING ERRCODE = 'CF409', DETAIL = coalesce(current_version::text, '');
        END IF;
    END IF;

    -- 2. The chain.
    hashes := array_fill(NULL::bytea, ARRAY[n]);
    FOR i IN 1..n LOOP
        previous := sha256(previous || p_digests[i] || micros);
        hashes[i] := previous;
    END LOOP;

    -- 3. The stream head (a new stream is created here: a concurrent creator makes this one find it taken).
    IF p_expected = 0 THEN
        INSERT INTO streams (id, type, tenant, version, last_hash) VALUES (p_stream, p_stream_type, p_tenant, n, previous)
        ON CONFLICT (id) DO NOTHING;
        IF NOT FOUND THEN
            SELECT s.version INTO current_version FROM streams s WHERE s.id = p_stream;
            RAISE EXCEPTION 'stream %: expected version 0, found %', p_stream, coalesce(current_version::text, 'no stream')
                USING ERRCODE = 'CF409', DETAIL = coalesce(current_version::text, '');
        END IF;
    ELSE
        UPDATE streams SET version = p_expected + n, last_hash = previous, updated_at = now() WHERE id = p_stream;
    END IF;

    -- 4. The events, in order.
    WITH inserted AS (
        INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash, chain)
        SELECT u.id, p_stream, p_expected + u.n, u.type, u.data::jsonb, p_metadata::jsonb, now(), u.hash, 2
        FROM unnest(p_ids, p_types, p_data, hashes) WITH ORDINALITY AS u(id, type, data, hash, n)
        ORDER BY u.n
        RETURNING events.seq, events.version)
    SELECT array_agg(i.seq ORDER BY i.version) INTO seqs FROM inserted i;
    tx := pg_current_xact_id()::text;
    recorded_at := now();
END $$;
