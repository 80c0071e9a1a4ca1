using System.Text.Json;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.EventStore;

/// <summary>Events for one stream of a multi-stream append: its type, tenant and the version it must be at (0 = must not exist).</summary>
public sealed record StreamAppend(Guid StreamId, string StreamType, string Tenant, long ExpectedVersion, IReadOnlyList<NewEvent> Events);

/// <summary>Appending to many streams at once: the same guarantees as one append, in a number of round trips that does not grow with them.</summary>
public sealed partial class PostgresEventStore
{
    /// <summary>
    /// Appends to every stream of <paramref name="appends"/> in the caller's transaction, all or nothing: one statement checks and
    /// moves every stream's version (creating the new ones) before any sequence number is drawn, one more inserts all the events with
    /// their chain hashes and moves the heads. Throws <see cref="ConcurrencyException"/> (naming one stream that moved) when any stream
    /// is not at its expected version; the caller rolls back and nothing is written. Streams are locked in id order, so two
    /// multi-stream appends over the same streams wait for each other rather than deadlock. Returns the instant the events are
    /// recorded at (the transaction's); the events are read back like any others, not returned (a sweep appends thousands at once).
    /// </summary>
    public static async Task<Instant> AppendManyAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<StreamAppend> appends, EventMetadata metadata, CancellationToken ct = default)
    {
        if (appends.Count == 0) throw new ArgumentException("no streams", nameof(appends));
        if (appends.Any(a => a.Events.Count == 0)) throw new ArgumentException("nothing to append to a stream", nameof(appends));
        if (appends.Select(a => a.StreamId).Distinct().Count() != appends.Count) throw new ArgumentException("a stream twice", nameof(appends));
        var ordered = appends.OrderBy(a => a.StreamId).ToList();

        // 1. Every version check and move in one statement, in id order, before any sequence number is taken.
        var heads = new Dictionary<Guid, byte[]>();
        DateTime now = default;
        await using (var check = new NpgsqlCommand("""
            WITH wanted AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS w(id, type, tenant, expected, n)),
            created AS (
                INSERT INTO streams (id, type, tenant, version, last_hash)
                SELECT id, type, tenant, n, $6 FROM wanted WHERE expected = 0 ORDER BY id
                ON CONFLICT (id) DO NOTHING RETURNING id, last_hash),
            locked AS (
                SELECT s.id FROM streams s JOIN wanted w ON w.id = s.id AND w.expected > 0 ORDER BY s.id FOR UPDATE OF s),
            moved AS (
                UPDATE streams s SET version = s.version + w.n, updated_at = now()
                FROM wanted w WHERE s.id = w.id AND w.expected > 0 AND s.version = w.expected AND s.id IN (SELECT id FROM locked)
                RETURNING s.id, s.last_hash)
            SELECT id, last_hash, now() FROM created UNION ALL SELECT id, last_hash, now() FROM moved
            """, connection, tx))
        {
            check.Parameters.Add(new() { Value = ordered.Select(a => a.StreamId).ToArray() });
            check.Parameters.Add(new() { Value = ordered.Select(a => a.StreamType).ToArray() });
            check.Parameters.Add(new() { Value = ordered.Select(a => a.Tenant).ToArray() });
            check.Parameters.Add(new() { Value = ordered.Select(a => a.ExpectedVersion).ToArray() });
            check.Parameters.Add(new() { Value = ordered.Select(a => (long)a.Events.Count).ToArray() });
            check.Parameters.Add(new() { Value = GenesisHash });
            await using var row = await check.ExecuteReaderAsync(ct);
            while (await row.ReadAsync(ct))
            {
                heads[row.GetGuid(0)] = (byte[])row[1];
                now = row.GetDateTime(2);
            }
        }
        if (heads.Count != ordered.Count)
        {
            var moved = ordered.First(a => !heads.ContainsKey(a.StreamId));
            throw new ConcurrencyException(moved.StreamId, moved.ExpectedVersion, await CurrentVersionAsync(connection, tx, moved.StreamId, ct));
        }

        // 2. The chain of each stream (format 2, as append_events computes it) with the transaction's timestamp; then every event and head at once.
        var recordedAt = Instant.FromDateTimeUtc(DateTime.SpecifyKind(now, DateTimeKind.Utc));
        var metadataJson = JsonSerializer.Serialize(metadata, MetadataJson.Options);
        var canonicalMetadata = CanonicalJson.Utf8(metadataJson);
        var total = ordered.Sum(a => a.Events.Count);
        var (ids, streams, versions, types, data, hashes) = (new Guid[total], new Guid[total], new long[total], new string[total], new string[total], new byte[total][]);
        var lastHashes = new byte[ordered.Count][];
        var i = 0;
        for (var s = 0; s < ordered.Count; s++)
        {
            var a = ordered[s];
            var hash = heads[a.StreamId];
            for (var k = 0; k < a.Events.Count; k++, i++)
            {
                (ids[i], streams[i], versions[i], types[i], data[i]) = (a.Events[k].EventId, a.StreamId, a.ExpectedVersion + k + 1, a.Events[k].Type, a.Events[k].Data);
                hash = hashes[i] = ChainLink(hash, ContentDigest(ids[i], a.StreamId, versions[i], types[i], CanonicalJson.Utf8(data[i]), canonicalMetadata), recordedAt);
            }
            lastHashes[s] = hash;
        }

        await using var batch = EventsBatch(connection, tx, ids, streams, versions, types, data, metadataJson, now, hashes,
            [.. ordered.Select(a => a.StreamId)], lastHashes);
        await batch.ExecuteNonQueryAsync(ct);
        LogNotifier.Raise(connection);
        return recordedAt;
    }

    /// <summary>
    /// The multi-stream append's second round trip: every event with its chain hash (in order) and each stream's new chain head (the
    /// runners are woken by <see cref="LogNotifier"/>, outside the transaction).
    /// </summary>
    private static NpgsqlBatch EventsBatch(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] ids, Guid[] streams, long[] versions, string[] types, string[] data,
        string metadataJson, DateTime now, byte[][] hashes, Guid[] headStreams, byte[][] heads)
    {
        var batch = new NpgsqlBatch(connection, tx);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash, chain)
            SELECT u.id, u.stream, u.version, u.type, u.data::jsonb, $6::jsonb, $7, u.hash, 2
            FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $8::bytea[]) WITH ORDINALITY AS u(id, stream, version, type, data, hash, n)
            ORDER BY u.n
            """);
        insert.Parameters.Add(new() { Value = ids });
        insert.Parameters.Add(new() { Value = streams });
        insert.Parameters.Add(new() { Value = versions });
        insert.Parameters.Add(new() { Value = types });
        insert.Parameters.Add(new() { Value = data });
        insert.Parameters.Add(new() { Value = metadataJson });
        insert.Parameters.Add(new() { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new() { Value = hashes });
        batch.BatchCommands.Add(insert);
        var head = new NpgsqlBatchCommand("UPDATE streams s SET last_hash = h.hash FROM unnest($1::uuid[], $2::bytea[]) AS h(id, hash) WHERE s.id = h.id");
        head.Parameters.Add(new() { Value = headStreams });
        head.Parameters.Add(new() { Value = heads });
        batch.BatchCommands.Add(head);
        return batch;
    }
}
