using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace CaseFlow.EventStore;

/// <summary>Reading a stream (whole, to a version, to a recorded instant), several streams, and the global log in (transaction, sequence) order.</summary>
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
}
