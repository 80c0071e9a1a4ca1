-- Issue 14 (ADR 29): the append is one SQL statement the client prepares (PostgresEventStore.Appending.cs), no longer a call of the
-- PL/pgSQL function append_events: its body ran each of its statements through the PL/pgSQL interpreter, about half of a one-event
-- append's time in the database. The statement moves the stream head (the version check: a row update WHERE version = expected,
-- or a new stream's insert ON CONFLICT DO NOTHING) and inserts the events only from the row that move returned, so a refused
-- append draws no sequence number, as before. The chain is unchanged (format 2): each link is SHA-256(previous hash || content
-- digest || recorded-at microseconds as 8 bytes, big-endian); chain_links computes an append's links from the stream's last hash.
CREATE FUNCTION chain_links(p_previous bytea, p_digests bytea[], p_micros bytea) RETURNS bytea[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    links bytea[] := array_fill(NULL::bytea, ARRAY[cardinality(p_digests)]);
BEGIN
    FOR i IN 1..cardinality(p_digests) LOOP
        p_previous := sha256(p_previous || p_digests[i] || p_micros);
        links[i] := p_previous;
    END LOOP;
    RETURN links;
END $$;

-- Nothing calls it any more: one path per use case. A node of an older version still running calls it and fails; upgrade by
-- stopping the old nodes first (docs/operations.md).
DROP FUNCTION append_events(uuid, text, text, bigint, uuid[], text[], text[], text, bytea[]);
