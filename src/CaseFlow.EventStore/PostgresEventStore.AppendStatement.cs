namespace CaseFlow.EventStore;

/// <summary>
/// The append as one SQL statement (ADR 29): the stream head moves first, and the events are inserted only from the row that move
/// returned. Its parameters: $1 stream, $2 stream type, $3 tenant, $4 expected version, $5 event ids, $6 types, $7 data, $8
/// metadata, $9 the events' content digests (for one event, its id, type, data and digest rather than arrays of one: an array's
/// unnest costs a one-event append about a tenth of its time). It returns one row per event recorded, none when the head did not move.
/// </summary>
public sealed partial class PostgresEventStore
{
    /// <summary>The transaction's instant in µs since 1970 as 8 bytes, big-endian: the time each link of the chain hashes (format 2).</summary>
    private const string Micros = "int8send((extract(epoch FROM now()) * 1000000)::bigint)";

    /// <summary>A new stream's chain starts from 32 zero bytes.</summary>
    private const string NoHash = @"'\x0000000000000000000000000000000000000000000000000000000000000000'::bytea";

    /// <summary>
    /// The version check and the head's move in one: an existing stream's row is updated only at the expected version (a concurrent
    /// writer at the same version waits for the row and then finds it moved); a new stream's row is inserted only where none exists.
    /// Each returns the append's chain link (one event) or links, or no row.
    /// </summary>
    private static readonly string[] Heads =
    [
        // An existing stream, one event: its one link from the row's last hash.
        $"""
         head AS (UPDATE streams SET version = $4 + 1, last_hash = sha256(last_hash || $9 || {Micros}), updated_at = now()
                  WHERE id = $1 AND version = $4
                  RETURNING last_hash AS link)
         """,
        // An existing stream, several events: the links from the last hash the statement sees at the expected version. A concurrent
        // move makes the update find the row at another version and do nothing; a row still at that version has that last hash.
        $"""
         chain AS (SELECT chain_links(s.last_hash, $9, {Micros}) AS links FROM streams s WHERE s.id = $1 AND s.version = $4),
         head AS (UPDATE streams s SET version = $4 + cardinality(c.links), last_hash = c.links[cardinality(c.links)], updated_at = now()
                  FROM chain c WHERE s.id = $1 AND s.version = $4
                  RETURNING c.links)
         """,
        // A new stream, one event (a concurrent creator makes this one find the row taken).
        $"""
         head AS (INSERT INTO streams (id, type, tenant, version, last_hash) VALUES ($1, $2, $3, 1, sha256({NoHash} || $9 || {Micros}))
                  ON CONFLICT (id) DO NOTHING
                  RETURNING last_hash AS link)
         """,
        // A new stream, several events.
        $"""
         chain AS (SELECT chain_links({NoHash}, $9, {Micros}) AS links),
         head AS (INSERT INTO streams (id, type, tenant, version, last_hash)
                  SELECT $1, $2, $3, cardinality(c.links), c.links[cardinality(c.links)] FROM chain c
                  ON CONFLICT (id) DO NOTHING
                  RETURNING (SELECT c.links FROM chain c) AS links)
         """,
    ];

    /// <summary>The events, inserted only from the row the head's move returned (none: no sequence number is drawn).</summary>
    private const string OneEvent = """
        INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash, chain)
        SELECT $5, $1, $4 + 1, $6, $7::jsonb, $8::jsonb, now(), h.link, 2 FROM head h
        RETURNING seq, version, hash, tx::text, recorded_at
        """;

    private const string ManyEvents = """
        INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash, chain)
        SELECT u.id, $1, $4 + u.n, u.type, u.data::jsonb, $8::jsonb, now(), h.links[u.n], 2
        FROM head h, unnest($5::uuid[], $6::text[], $7::text[]) WITH ORDINALITY AS u(id, type, data, n)
        ORDER BY u.n
        RETURNING seq, version, hash, tx::text, recorded_at
        """;

    private static readonly string[] AppendStatements = [.. Heads.Select((head, i) => $"WITH {head}\n{(i % 2 == 0 ? OneEvent : ManyEvents)}")];

    private static string AppendStatement(bool newStream, bool oneEvent) => AppendStatements[(newStream ? 2 : 0) + (oneEvent ? 0 : 1)];
}
