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
    /// Appends to every stream of <paramref name="appends"/> in the caller's transaction, all or nothing, in two round trips: the first
    /// locks the existing streams in id order and reads their versions and chain heads (a stale version is refused before anything is
    /// written); the second creates the new streams, moves the existing ones and inserts the events, each stream row written once, and
    /// inserts no event (draws no sequence number) when another writer created one of the new streams meanwhile. Throws
    /// <see cref="ConcurrencyException"/> naming a stream that was not at its expected version; the caller rolls back and nothing is
    /// kept. Two multi-stream appends over the same streams wait for each other rather than deadlock (existing rows are locked in id
    /// order before any row is written; new rows are inserted in id order). Returns the instant the events are recorded at (the
    /// transaction's); the events are read back like any others, not returned (a sweep appends thousands at once).
    /// </summary>
    public static async Task<Instant> AppendManyAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<StreamAppend> appends, EventMetadata metadata, CancellationToken ct = default)
    {
        if (appends.Count == 0) throw new ArgumentException("no streams", nameof(appends));
        if (appends.Any(a => a.Events.Count == 0)) throw new ArgumentException("nothing to append to a stream", nameof(appends));
        if (appends.Select(a => a.StreamId).Distinct().Count() != appends.Count) throw new ArgumentException("a stream twice", nameof(appends));
        var ordered = appends.OrderBy(a => a.StreamId).ToList();

        // 1. The streams that exist, locked in id order, with their versions and heads (and the transaction's instant).
        var heads = new Dictionary<Guid, (long Version, byte[] Hash)>();
        DateTime now = default;
        await using (var check = new NpgsqlCommand("""
            WITH locked AS (SELECT s.id, s.version, s.last_hash FROM streams s WHERE s.id = ANY($1) ORDER BY s.id FOR UPDATE)
            SELECT now(), l.id, l.version, l.last_hash FROM (VALUES (1)) AS one LEFT JOIN locked l ON true
            """, connection, tx))
        {
            check.Parameters.Add(new() { Value = ordered.Select(a => a.StreamId).ToArray() });
            await using var row = await check.ExecuteReaderAsync(ct);
            while (await row.ReadAsync(ct))
            {
                now = row.GetDateTime(0);
                if (!row.IsDBNull(1)) heads[row.GetGuid(1)] = (row.GetInt64(2), (byte[])row[3]);
            }
        }
        foreach (var a in ordered)
        {
            long? found = heads.TryGetValue(a.StreamId, out var head) ? head.Version : null;
            if (found != (a.ExpectedVersion == 0 ? null : a.ExpectedVersion)) throw new ConcurrencyException(a.StreamId, a.ExpectedVersion, found);
        }

        // 2. The chain of each stream (format 2, as the single append links it) with the transaction's timestamp; then every event and head at once.
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
            var hash = heads.TryGetValue(a.StreamId, out var head) ? head.Hash : GenesisHash;
            for (var k = 0; k < a.Events.Count; k++, i++)
            {
                (ids[i], streams[i], versions[i], types[i], data[i]) = (a.Events[k].EventId, a.StreamId, a.ExpectedVersion + k + 1, a.Events[k].Type, a.Events[k].Data);
                hash = hashes[i] = ChainLink(hash, ContentDigest(ids[i], a.StreamId, versions[i], types[i], CanonicalJson.Utf8(data[i]), canonicalMetadata), recordedAt);
            }
            lastHashes[s] = hash;
        }

        // Each stream row written once: a new one created with its head, an existing one moved to its version and head.
        var withHeads = ordered.Select((a, s) => (Append: a, Head: lastHashes[s])).ToList();
        var created = withHeads.Where(x => x.Append.ExpectedVersion == 0).ToList();
        var existing = withHeads.Where(x => x.Append.ExpectedVersion > 0).ToList();
        await using var write = new NpgsqlCommand(WriteSql, connection, tx);
        write.Parameters.AddValues(ids, streams, versions, types, data, metadataJson, new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz }, hashes,
            created.Select(x => x.Append.StreamId).ToArray(), created.Select(x => x.Append.StreamType).ToArray(), created.Select(x => x.Append.Tenant).ToArray(),
            created.Select(x => (long)x.Append.Events.Count).ToArray(), created.Select(x => x.Head).ToArray(),
            existing.Select(x => x.Append.StreamId).ToArray(), existing.Select(x => x.Append.ExpectedVersion + x.Append.Events.Count).ToArray(), existing.Select(x => x.Head).ToArray());
        Guid? taken = null;
        await using (var row = await write.ExecuteReaderAsync(ct))
            if (await row.ReadAsync(ct)) taken = row.GetGuid(0);
        if (taken is { } id) throw new ConcurrencyException(id, 0, await CurrentVersionAsync(connection, tx, id, ct));
        LogNotifier.Raise(connection);
        return recordedAt;
    }

    /// <summary>
    /// The multi-stream append's second round trip, one statement: the new streams created (a stream another writer created since the
    /// first round trip is left as it is and returned), the existing ones moved to their new versions and heads, and every event with
    /// its chain hash, in order, only when every new stream was created here (else no sequence number is drawn). The runners are woken
    /// by <see cref="LogNotifier"/>, outside the transaction.
    /// </summary>
    private const string WriteSql = """
        WITH created AS (
            INSERT INTO streams (id, type, tenant, version, last_hash)
            SELECT * FROM unnest($9::uuid[], $10::text[], $11::text[], $12::bigint[], $13::bytea[]) AS c(id, type, tenant, version, last_hash) ORDER BY c.id
            ON CONFLICT (id) DO NOTHING RETURNING id),
        moved AS (
            UPDATE streams s SET version = m.version, last_hash = m.last_hash, updated_at = now()
            FROM unnest($14::uuid[], $15::bigint[], $16::bytea[]) AS m(id, version, last_hash) WHERE s.id = m.id),
        inserted AS (
            INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash, chain)
            SELECT u.id, u.stream, u.version, u.type, u.data::jsonb, $6::jsonb, $7, u.hash, 2
            FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $8::bytea[]) WITH ORDINALITY AS u(id, stream, version, type, data, hash, n)
            WHERE (SELECT count(*) FROM created) = cardinality($9::uuid[])
            ORDER BY u.n)
        SELECT n.id FROM unnest($9::uuid[]) AS n(id) WHERE n.id NOT IN (SELECT id FROM created) ORDER BY n.id LIMIT 1
        """;
}
