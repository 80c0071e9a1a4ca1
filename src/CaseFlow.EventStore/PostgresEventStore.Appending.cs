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
    /// Throws <see cref="ConcurrencyException"/> and writes nothing on a mismatch. Returns the recorded events. Without an inline
    /// projection this is one round trip: the append statement (ADR 29) in its own implicit transaction.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> AppendAsync(
        Guid streamId, string streamType, string tenant, long expectedVersion, IReadOnlyList<NewEvent> events, EventMetadata metadata,
        InlineProjection? inline = null, CancellationToken ct = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        if (inline is null) return await AppendAsync(connection, null, streamId, streamType, tenant, expectedVersion, events, metadata, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var recorded = await AppendAsync(connection, tx, streamId, streamType, tenant, expectedVersion, events, metadata, ct);
        await inline(connection, tx, recorded, ct);
        await tx.CommitAsync(ct);
        return recorded;
    }

    /// <summary>
    /// Appends inside a caller's transaction (the caller commits), for callers that write more in the same transaction. A
    /// <see cref="ConcurrencyException"/> leaves that transaction aborted: the caller rolls back.
    /// </summary>
    public static async Task<IReadOnlyList<RecordedEvent>> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, Guid streamId, string streamType, string tenant, long expectedVersion,
        IReadOnlyList<NewEvent> events, EventMetadata metadata, CancellationToken ct = default)
    {
        if (events.Count == 0) throw new ArgumentException("nothing to append", nameof(events));
        // The content digests are the client's share of the chain (format 2): the database adds the previous hash and the instant.
        var metadataJson = JsonSerializer.Serialize(metadata, MetadataJson.Options);
        var canonicalMetadata = CanonicalJson.Utf8(metadataJson);
        var ids = new Guid[events.Count];
        var types = new string[events.Count];
        var data = new string[events.Count];
        var digests = new byte[events.Count][];
        var canonical = new byte[events.Count][];
        for (var i = 0; i < events.Count; i++)
        {
            (ids[i], types[i], data[i]) = (events[i].EventId, events[i].Type, events[i].Data);
            canonical[i] = CanonicalJson.Utf8(data[i]);
            digests[i] = ContentDigest(ids[i], streamId, expectedVersion + i + 1, types[i], canonical[i], canonicalMetadata);
        }

        await using var append = new NpgsqlCommand(AppendStatement(expectedVersion == 0, events.Count == 1), connection, tx);
        if (events.Count == 1) append.Parameters.AddValues(streamId, streamType, tenant, expectedVersion, ids[0], types[0], data[0], metadataJson, digests[0]);
        else append.Parameters.AddValues(streamId, streamType, tenant, expectedVersion, ids, types, data, metadataJson, digests);
        var seqs = new long[events.Count];
        var hashes = new byte[events.Count][];
        ulong txId = 0;
        var recordedAtUtc = default(DateTime);
        var rows = 0;
        try
        {
            await using var row = await append.ExecuteReaderAsync(ct);
            while (await row.ReadAsync(ct))
            {
                var at = checked((int)(row.GetInt64(1) - expectedVersion - 1));
                seqs[at] = row.GetInt64(0);
                hashes[at] = row.GetFieldValue<byte[]>(2);
                if (rows++ > 0) continue; // one transaction, one instant: read from the first row
                txId = ulong.Parse(row.GetString(3), CultureInfo.InvariantCulture);
                recordedAtUtc = row.GetDateTime(4);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "events_stream_id_version_key")
        {
            throw new ConcurrencyException(streamId, expectedVersion, null);
        }
        // No row: the stream head did not move (another version, no stream, or a stream that already exists), so nothing was written.
        if (rows == 0) throw new ConcurrencyException(streamId, expectedVersion, await CurrentVersionAsync(connection, tx, streamId, ct));
        if (rows != events.Count) throw new InvalidOperationException($"stream {streamId}: {rows} of {events.Count} events recorded");
        LogNotifier.Raise(connection);

        var recordedAt = Instant.FromDateTimeUtc(DateTime.SpecifyKind(recordedAtUtc, DateTimeKind.Utc));
        var recorded = new List<RecordedEvent>(events.Count);
        // The data as its canonical text (the value appended, as the digest saw it), parsed only if a caller reads it.
        for (var i = 0; i < events.Count; i++)
            recorded.Add(new RecordedEvent(seqs[i], ids[i], streamId, expectedVersion + i + 1, types[i], canonical[i], metadata, recordedAt,
                new GlobalPosition(txId, seqs[i]), hashes[i]));
        return recorded;
    }

    private static async Task<long?> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid streamId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM streams WHERE id = $1", connection, tx);
        command.Parameters.Add(new() { Value = streamId });
        return await command.ExecuteScalarAsync(ct) as long?;
    }
}
