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
    /// projection this is one round trip: the call of <c>append_events</c> in its own implicit transaction.
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

        await using var append = new NpgsqlCommand("SELECT seqs, hashes, tx, recorded_at FROM append_events($1, $2, $3, $4, $5, $6, $7, $8, $9)", connection, tx);
        append.Parameters.AddValues(streamId, streamType, tenant, expectedVersion, ids, types, data, metadataJson, digests);
        long[] seqs;
        byte[][] hashes;
        ulong txId;
        DateTime recordedAtUtc;
        try
        {
            await using var row = await append.ExecuteReaderAsync(ct);
            await row.ReadAsync(ct);
            seqs = row.GetFieldValue<long[]>(0);
            hashes = row.GetFieldValue<byte[][]>(1);
            txId = ulong.Parse(row.GetString(2), CultureInfo.InvariantCulture);
            recordedAtUtc = row.GetDateTime(3);
        }
        catch (PostgresException e) when (e.SqlState == VersionMismatch)
        {
            throw new ConcurrencyException(streamId, expectedVersion, FoundVersion(e.MessageText));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "events_stream_id_version_key")
        {
            throw new ConcurrencyException(streamId, expectedVersion, null);
        }
        LogNotifier.Raise(connection);

        var recordedAt = Instant.FromDateTimeUtc(DateTime.SpecifyKind(recordedAtUtc, DateTimeKind.Utc));
        var recorded = new List<RecordedEvent>(events.Count);
        // The data as its canonical text (the value appended, as the digest saw it), parsed only if a caller reads it.
        for (var i = 0; i < events.Count; i++)
            recorded.Add(new RecordedEvent(seqs[i], ids[i], streamId, expectedVersion + i + 1, types[i], canonical[i], metadata, recordedAt,
                new GlobalPosition(txId, seqs[i]), hashes[i]));
        return recorded;
    }

    /// <summary>The SQLSTATE <c>append_events</c> raises when the stream is not at the expected version.</summary>
    private const string VersionMismatch = "CF409";

    /// <summary>The version <c>append_events</c> found, from its message ("..., found 3" or "..., found no stream"); the detail
    /// field would be redacted by the driver.</summary>
    private static long? FoundVersion(string message) =>
        long.TryParse(message[(message.LastIndexOf(' ') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static async Task<long?> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid streamId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM streams WHERE id = $1", connection, tx);
        command.Parameters.Add(new() { Value = streamId });
        return await command.ExecuteScalarAsync(ct) as long?;
    }
}
