using System.Globalization;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.EventStore;

/// <summary>Reading a stream (whole, to a version, to a recorded instant) and several streams at once.</summary>
public sealed partial class PostgresEventStore
{
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

    /// <summary>All events of the given streams (in stream, version order), read on the caller's connection and transaction.</summary>
    public static async Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IReadOnlyCollection<Guid> streamIds, CancellationToken ct = default)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, version", connection, tx);
        command.Parameters.Add(new() { Value = streamIds.ToArray() });
        return await ReadAsync(command, ct);
    }
}
