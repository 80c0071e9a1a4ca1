using System.Globalization;
using System.Text.Json;
using NodaTime;
using Npgsql;

namespace CaseFlow.EventStore;

/// <summary>Appending: the version check first, then the events, the stream head and the chain, in the caller's transaction or its own.</summary>
public sealed partial class PostgresEventStore
{
    /// <summary>
    /// Appends <paramref name="events"/> to a stream whose current version must be <paramref name="expectedVersion"/> (0 = the stream must not exist).
    /// Throws <see cref="ConcurrencyException"/> and writes nothing on a mismatch. Returns the recorded events.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> AppendAsync(
        Guid streamId, string streamType, string tenant, long expectedVersion, IReadOnlyList<NewEvent> events, EventMetadata metadata,
        InlineProjection? inline = null, CancellationToken ct = default)
    {
        if (events.Count == 0) throw new ArgumentException("nothing to append", nameof(events));
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var recorded = await AppendAsync(connection, tx, streamId, streamType, tenant, expectedVersion, events, metadata, ct);
        if (inline is not null) await inline(connection, tx, recorded, ct);
        await tx.CommitAsync(ct);
        return recorded;
    }

    /// <summary>Appends inside a caller's transaction (the caller commits), for callers that write more in the same transaction.</summary>
    public static async Task<IReadOnlyList<RecordedEvent>> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid streamId, string streamType, string tenant, long expectedVersion,
        IReadOnlyList<NewEvent> events, EventMetadata metadata, CancellationToken ct = default)
    {
        // 1. The version check, before any sequence number is taken: it locks the stream row, so a concurrent writer
        //    with the same expected version waits here and then finds the version moved.
        byte[] previousHash;
        DateTime now;
        if (expectedVersion == 0)
        {
            await using var create = new NpgsqlCommand("""
                INSERT INTO streams (id, type, tenant, version, last_hash) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (id) DO NOTHING RETURNING now()
                """, connection, tx);
            create.Parameters.Add(new() { Value = streamId });
            create.Parameters.Add(new() { Value = streamType });
            create.Parameters.Add(new() { Value = tenant });
            create.Parameters.Add(new() { Value = (long)events.Count });
            create.Parameters.Add(new() { Value = GenesisHash });
            if (await create.ExecuteScalarAsync(ct) is not DateTime created)
                throw new ConcurrencyException(streamId, 0, await CurrentVersionAsync(connection, tx, streamId, ct));
            now = created;
            previousHash = GenesisHash;
        }
        else
        {
            await using var update = new NpgsqlCommand("""
                UPDATE streams SET version = version + $3, updated_at = now() WHERE id = $1 AND version = $2
                RETURNING last_hash, now()
                """, connection, tx);
            update.Parameters.Add(new() { Value = streamId });
            update.Parameters.Add(new() { Value = expectedVersion });
            update.Parameters.Add(new() { Value = (long)events.Count });
            await using var reader = await update.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                await reader.DisposeAsync();
                throw new ConcurrencyException(streamId, expectedVersion, await CurrentVersionAsync(connection, tx, streamId, ct));
            }
            previousHash = (byte[])reader[0];
            now = reader.GetDateTime(1);
        }

        // 2. Hash chain over the canonical content, with the transaction's own timestamp as the recorded instant.
        var recordedAt = Instant.FromDateTimeUtc(DateTime.SpecifyKind(now, DateTimeKind.Utc));
        var metadataJson = JsonSerializer.Serialize(metadata, MetadataJson.Options);
        var ids = new Guid[events.Count];
        var versions = new long[events.Count];
        var types = new string[events.Count];
        var data = new string[events.Count];
        var hashes = new byte[events.Count][];
        var hash = previousHash;
        var canonicalMetadata = CanonicalJson.Utf8(metadataJson);
        for (var i = 0; i < events.Count; i++)
        {
            ids[i] = events[i].EventId;
            versions[i] = expectedVersion + i + 1;
            types[i] = events[i].Type;
            data[i] = events[i].Data;
            hash = hashes[i] = ChainHash(hash, ids[i], streamId, versions[i], types[i], CanonicalJson.Utf8(data[i]), canonicalMetadata, recordedAt);
        }

        // 3. Events and the stream's chain head in one round trip.
        await using var batch = EventsBatch(connection, tx, ids, [.. Enumerable.Repeat(streamId, events.Count)], versions, types, data, metadataJson, now, hashes,
            [streamId], [hash], returning: true);

        var recorded = new List<RecordedEvent>(events.Count);
        try
        {
            await using var rows = await batch.ExecuteReaderAsync(ct);
            while (await rows.ReadAsync(ct))
            {
                var i = Array.IndexOf(ids, rows.GetGuid(0));
                var seq = rows.GetInt64(1);
                var txId = ulong.Parse(rows.GetString(2), CultureInfo.InvariantCulture);
                using var doc = JsonDocument.Parse(data[i]);
                recorded.Add(new RecordedEvent(seq, ids[i], streamId, versions[i], types[i], doc.RootElement.Clone(), metadata, recordedAt, new GlobalPosition(txId, seq), hashes[i]));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "events_stream_id_version_key")
        {
            throw new ConcurrencyException(streamId, expectedVersion, null);
        }
        recorded.Sort((a, b) => a.Version.CompareTo(b.Version));
        return recorded;
    }

    private static async Task<long?> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid streamId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM streams WHERE id = $1", connection, tx);
        command.Parameters.Add(new() { Value = streamId });
        return await command.ExecuteScalarAsync(ct) as long?;
    }
}
