using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace CaseFlow.EventStore;

/// <summary>Work done inside the append transaction (an inline projection): it commits with the events or not at all.</summary>
public delegate Task InlineProjection(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<RecordedEvent> appended, CancellationToken ct);

/// <summary>
/// CaseFlow's event store on PostgreSQL. Guarantees (each proven by a test on real PostgreSQL, see docs/architecture.md):
/// optimistic concurrency checked before a global sequence number is taken; events and inline projections in one
/// transaction; a global log that never skips or repeats; a per-stream hash chain; reads to a version or a recorded instant.
/// </summary>
public sealed class PostgresEventStore(NpgsqlDataSource dataSource)
{
    private static readonly byte[] GenesisHash = new byte[32];

    public NpgsqlDataSource DataSource { get; } = dataSource;

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
        for (var i = 0; i < events.Count; i++)
        {
            ids[i] = events[i].EventId;
            versions[i] = expectedVersion + i + 1;
            types[i] = events[i].Type;
            data[i] = events[i].Data;
            hash = hashes[i] = ChainHash(hash, ids[i], streamId, versions[i], types[i], CanonicalJson.From(data[i]), CanonicalJson.From(metadataJson), recordedAt);
        }

        // 3. Events and the stream's chain head in one round trip.
        await using var batch = new NpgsqlBatch(connection, tx);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash)
            SELECT u.id, $1, u.version, u.type, u.data::jsonb, $6::jsonb, $7, u.hash
            FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::text[], $8::bytea[]) WITH ORDINALITY AS u(id, version, type, data, hash, n)
            ORDER BY u.n
            RETURNING id, seq, tx::text
            """);
        insert.Parameters.Add(new() { Value = streamId });
        insert.Parameters.Add(new() { Value = ids });
        insert.Parameters.Add(new() { Value = versions });
        insert.Parameters.Add(new() { Value = types });
        insert.Parameters.Add(new() { Value = data });
        insert.Parameters.Add(new() { Value = metadataJson });
        insert.Parameters.Add(new() { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new() { Value = hashes });
        batch.BatchCommands.Add(insert);
        var head = new NpgsqlBatchCommand("UPDATE streams SET last_hash = $2 WHERE id = $1");
        head.Parameters.Add(new() { Value = streamId });
        head.Parameters.Add(new() { Value = hash });
        batch.BatchCommands.Add(head);
        // Wakes async projection runners (delivered at commit); they also poll, so a lost notification only delays.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify('caseflow_events', '')"));

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

    /// <summary>The stream's current version, or null when it does not exist.</summary>
    public async Task<long?> StreamVersionAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand("SELECT version FROM streams WHERE id = $1");
        command.Parameters.Add(new() { Value = streamId });
        return await command.ExecuteScalarAsync(ct) as long?;
    }

    /// <summary>
    /// The stream's events in version order: all, up to <paramref name="toVersion"/> (inclusive), and/or those recorded at or
    /// before <paramref name="recordedAtOrBefore"/> ("what did we know then").
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(Guid streamId, long? toVersion = null, Instant? recordedAtOrBefore = null, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand($"""
            SELECT {Columns} FROM events
            WHERE stream_id = $1 AND ($2::bigint IS NULL OR version <= $2) AND ($3::timestamptz IS NULL OR recorded_at <= $3)
            ORDER BY version
            """);
        command.Parameters.Add(new() { Value = streamId });
        command.Parameters.Add(new() { Value = (object?)toVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = recordedAtOrBefore is { } at ? at.ToDateTimeUtc() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await ReadAsync(command, ct);
    }

    /// <summary>
    /// The next events of the global log after <paramref name="after"/>, in (transaction, sequence) order, at most <paramref name="max"/>.
    /// Only events of transactions older than every transaction still running are returned, so an event that commits later can never
    /// sort before a position already returned: a reader that checkpoints the last position never skips or repeats an event.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(GlobalPosition after, int max, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand($"""
            SELECT {Columns} FROM events
            WHERE tx < pg_snapshot_xmin(pg_current_snapshot()) AND (tx, seq) > ($1::text::xid8, $2)
            ORDER BY tx, seq
            LIMIT $3
            """);
        command.Parameters.Add(new() { Value = after.Transaction.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = after.Sequence });
        command.Parameters.Add(new() { Value = max });
        return await ReadAsync(command, ct);
    }

    /// <summary>All events of the given streams (in stream, version order), read on the caller's connection and transaction.</summary>
    public static async Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IReadOnlyCollection<Guid> streamIds, CancellationToken ct = default)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, version", connection, tx);
        command.Parameters.Add(new() { Value = streamIds.ToArray() });
        return await ReadAsync(command, ct);
    }

    /// <summary>Recomputes the stream's hash chain from its stored events and reports the first event that does not match.</summary>
    public async Task<VerificationResult> VerifyAsync(Guid streamId, CancellationToken ct = default)
    {
        var events = await ReadStreamAsync(streamId, ct: ct);
        var hash = GenesisHash;
        long expectedVersion = 1;
        foreach (var e in events)
        {
            if (e.Version != expectedVersion)
                return new VerificationResult(streamId, expectedVersion - 1, expectedVersion, e.Sequence, $"version {expectedVersion} is missing");
            var metadata = JsonSerializer.Serialize(e.Metadata, MetadataJson.Options);
            hash = ChainHash(hash, e.EventId, e.StreamId, e.Version, e.Type, CanonicalJson.From(e.Data), CanonicalJson.From(metadata), e.RecordedAt);
            if (!hash.AsSpan().SequenceEqual(e.Hash))
                return new VerificationResult(streamId, e.Version, e.Version, e.Sequence, "stored hash does not match the event's content and the previous hash");
            expectedVersion++;
        }
        await using var command = DataSource.CreateCommand("SELECT version, last_hash FROM streams WHERE id = $1");
        command.Parameters.Add(new() { Value = streamId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return new VerificationResult(streamId, 0, null, null, "no such stream");
        if (reader.GetInt64(0) != events.Count)
            return new VerificationResult(streamId, events.Count, events.Count + 1, null, $"stream version {reader.GetInt64(0)} but {events.Count} events stored");
        if (!((byte[])reader[1]).AsSpan().SequenceEqual(hash))
            return new VerificationResult(streamId, events.Count, events.Count, null, "stream head hash does not match the last event");
        return new VerificationResult(streamId, events.Count, null, null, null);
    }

    /// <summary>Verifies every stream in id order, in batches; <paramref name="progress"/> gets the count checked so far. Returns the broken ones.</summary>
    public async Task<(long Streams, IReadOnlyList<VerificationResult> Broken)> VerifyAllAsync(IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var broken = new List<VerificationResult>();
        long streams = 0;
        for (var after = Guid.Empty; ;)
        {
            var ids = await StreamIdsAsync(after, 500, ct);
            if (ids.Count == 0) return (streams, broken);
            foreach (var id in ids)
            {
                var result = await VerifyAsync(id, ct);
                if (!result.Intact) broken.Add(result);
                // Not progress?.Report(++streams): a null-conditional call skips its arguments, and the count stayed 0 without a progress.
                streams++;
                progress?.Report(streams);
            }
            after = ids[^1];
        }
    }

    /// <summary>Stream ids in id order after <paramref name="after"/> (for a whole-store verify in batches).</summary>
    public async Task<IReadOnlyList<Guid>> StreamIdsAsync(Guid after, int max, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand("SELECT id FROM streams WHERE id > $1 ORDER BY id LIMIT $2");
        command.Parameters.Add(new() { Value = after });
        command.Parameters.Add(new() { Value = max });
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    // Output names differ from the table's: ORDER BY prefers an output column of the same name (tx::text would sort as text).
    private const string Columns = "seq, id, stream_id, version, type, data::text AS data_text, metadata::text AS metadata_text, recorded_at, tx::text AS tx_text, hash";

    private static async Task<IReadOnlyList<RecordedEvent>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var result = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            using var data = JsonDocument.Parse(reader.GetString(5));
            var seq = reader.GetInt64(0);
            result.Add(new RecordedEvent(
                seq, reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4), data.RootElement.Clone(),
                JsonSerializer.Deserialize<EventMetadata>(reader.GetString(6), MetadataJson.Options)!,
                Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc)),
                new GlobalPosition(ulong.Parse(reader.GetString(8), CultureInfo.InvariantCulture), seq),
                (byte[])reader[9]));
        }
        return result;
    }

    /// <summary>SHA-256 over the previous hash and the event's canonical content (ids, version, type, data, metadata, recorded instant in µs).</summary>
    internal static byte[] ChainHash(byte[] previous, Guid eventId, Guid streamId, long version, string type, string canonicalData, string canonicalMetadata, Instant recordedAt)
    {
        var micros = recordedAt.ToUnixTimeTicks() / 10;
        var content = string.Join('\n', eventId.ToString("D"), streamId.ToString("D"), version.ToString(CultureInfo.InvariantCulture), type,
            canonicalData, canonicalMetadata, micros.ToString(CultureInfo.InvariantCulture));
        var bytes = Encoding.UTF8.GetBytes(content);
        var buffer = new byte[previous.Length + bytes.Length];
        previous.CopyTo(buffer, 0);
        bytes.CopyTo(buffer, previous.Length);
        return SHA256.HashData(buffer);
    }
}

internal static class MetadataJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
