using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.EventStore.Projections;

/// <summary>A projection's row: checkpoint, state, control flags, the node that last showed life, rebuild progress.</summary>
public sealed record ProjectionRow(string Name, GlobalPosition Position, string State, bool RebuildRequested, bool CancelRequested, string? LastError, string? Node,
    DateTimeOffset? HeartbeatAt, long Processed, long? RebuildProcessed, long? RebuildTotal, bool HeartbeatStale, double? RebuildRate = null);

/// <summary>A poison event a projection recorded (skipped or paused on).</summary>
public sealed record ProjectionError(Guid EventId, long Sequence, string Error, string Action, DateTimeOffset OccurredAt);

/// <summary>
/// The owner of the <c>projections</c> and <c>projection_errors</c> tables: every statement on them is here. The runner moves the
/// checkpoint and beats through it; ops read and steer projections through it (<see cref="ProjectionStatus"/>).
/// </summary>
public static class ProjectionTable
{
    /// <summary>A runner beats at least every poll interval (1 s) and after every batch; 30 s of silence is a frozen runner.</summary>
    public const int StaleAfterSeconds = 30;

    private const string RowColumns = """
        name, position_tx::text, position_seq, state, rebuild_requested, cancel_requested, last_error, node, heartbeat_at, processed, rebuild_processed, rebuild_total,
        state IN ('running', 'rebuilding') AND coalesce(heartbeat_at, updated_at) < now() - make_interval(secs => $1),
        CASE WHEN rebuild_started_at IS NOT NULL THEN rebuild_processed / greatest(extract(epoch FROM now() - rebuild_started_at)::float8, 0.001) END
        """;

    public static async Task EnsureRowAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var row = new NpgsqlCommand("INSERT INTO projections (name) VALUES ($1) ON CONFLICT DO NOTHING", connection);
        row.Parameters.Add(new() { Value = name });
        await row.ExecuteNonQueryAsync(ct);
    }

    public static Task<IReadOnlyList<ProjectionRow>> ReadAllAsync(NpgsqlDataSource db, CancellationToken ct) => SelectAsync(db, null, ct);

    public static async Task<ProjectionRow> ReadAsync(NpgsqlDataSource db, string name, CancellationToken ct) => (await SelectAsync(db, name, ct)).Single();

    private static async Task<IReadOnlyList<ProjectionRow>> SelectAsync(NpgsqlDataSource db, string? name, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {RowColumns} FROM projections WHERE $2::text IS NULL OR name = $2 ORDER BY name");
        command.Parameters.Add(new() { Value = (double)StaleAfterSeconds });
        command.Parameters.Add(new() { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var rows = new List<ProjectionRow>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            rows.Add(new ProjectionRow(row.GetString(0), new GlobalPosition(ulong.Parse(row.GetString(1), CultureInfo.InvariantCulture), row.GetInt64(2)), row.GetString(3),
                row.GetBoolean(4), row.GetBoolean(5), row.IsDBNull(6) ? null : row.GetString(6), row.IsDBNull(7) ? null : row.GetString(7),
                row.IsDBNull(8) ? null : new DateTimeOffset(row.GetDateTime(8), TimeSpan.Zero), row.GetInt64(9), row.IsDBNull(10) ? null : row.GetInt64(10),
                row.IsDBNull(11) ? null : row.GetInt64(11), row.GetBoolean(12), row.IsDBNull(13) ? null : row.GetDouble(13)));
        return rows;
    }

    public static Task HeartbeatAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string name, string node, CancellationToken ct) =>
        SetAsync(connection, tx, name, "node = $2, heartbeat_at = now()", node, ct);

    /// <summary>The projection stops (state failed) until ops resume it.</summary>
    public static Task FailAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, string message, CancellationToken ct) =>
        SetAsync(connection, tx, name, "state = 'failed', last_error = $2", message, ct);

    public static Task RecordLastErrorAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string name, string message, CancellationToken ct) =>
        SetAsync(connection, tx, name, "last_error = $2", message, ct);

    private static async Task SetAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string name, string assignments, string value, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"UPDATE projections SET {assignments}, updated_at = now() WHERE name = $1", connection, tx);
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = value });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Moves the live (or, in a rebuild, the shadow) checkpoint from <paramref name="from"/> to <paramref name="to"/> and counts the
    /// events; false when the checkpoint is no longer at <paramref name="from"/> (another runner moved it: compare-and-set).
    /// </summary>
    public static async Task<bool> AdvanceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, GlobalPosition from, GlobalPosition to, int count, bool shadow,
        string node, string? error, CancellationToken ct)
    {
        var (txColumn, seqColumn, counter) = shadow ? ("rebuild_tx", "rebuild_seq", "rebuild_processed") : ("position_tx", "position_seq", "processed");
        await using var command = new NpgsqlCommand($"""
            UPDATE projections SET {txColumn} = $4::text::xid8, {seqColumn} = $5, {counter} = COALESCE({counter}, 0) + $6, node = $7, heartbeat_at = now(),
                                   updated_at = now(), last_error = COALESCE($8, last_error)
            WHERE name = $1 AND {txColumn} = $2::text::xid8 AND {seqColumn} = $3
            """, connection, tx);
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = from.Transaction.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = from.Sequence });
        command.Parameters.Add(new() { Value = to.Transaction.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = to.Sequence });
        command.Parameters.Add(new() { Value = (long)count });
        command.Parameters.Add(new() { Value = node });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public static async Task RecordPoisonAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, RecordedEvent e, string error, string action, CancellationToken ct)
    {
        await using var record = new NpgsqlCommand("INSERT INTO projection_errors (projection, event_id, event_seq, error, action) VALUES ($1, $2, $3, $4, $5)", connection, tx);
        record.Parameters.Add(new() { Value = name });
        record.Parameters.Add(new() { Value = e.EventId });
        record.Parameters.Add(new() { Value = e.Sequence });
        record.Parameters.Add(new() { Value = error });
        record.Parameters.Add(new() { Value = action });
        await record.ExecuteNonQueryAsync(ct);
    }

    public static async Task<IReadOnlyList<ProjectionError>> ErrorsAsync(NpgsqlDataSource db, string name, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT event_id, event_seq, error, action, occurred_at FROM projection_errors WHERE projection = $1 ORDER BY occurred_at DESC LIMIT 200");
        command.Parameters.Add(new() { Value = name });
        var rows = new List<ProjectionError>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            rows.Add(new ProjectionError(row.GetGuid(0), row.GetInt64(1), row.GetString(2), row.GetString(3), new DateTimeOffset(DateTime.SpecifyKind(row.GetDateTime(4), DateTimeKind.Utc))));
        return rows;
    }

    /// <summary>A rebuild starts: shadow checkpoint at the start of the log, <paramref name="total"/> events to go.</summary>
    public static async Task StartRebuildAsync(NpgsqlConnection connection, string name, string node, long total, CancellationToken ct)
    {
        await using var reset = new NpgsqlCommand("""
            UPDATE projections SET state = 'rebuilding', rebuild_tx = '0', rebuild_seq = 0, rebuild_processed = 0, rebuild_total = $3, node = $2,
                                   rebuild_started_at = now(), updated_at = now()
            WHERE name = $1
            """, connection);
        reset.Parameters.Add(new() { Value = name });
        reset.Parameters.Add(new() { Value = node });
        reset.Parameters.Add(new() { Value = total });
        await reset.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A cancelled rebuild: back to running on the live checkpoint.</summary>
    public static async Task AbandonRebuildAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, CancellationToken ct)
    {
        await using var cancel = new NpgsqlCommand(
            "UPDATE projections SET state = 'running', rebuild_requested = false, cancel_requested = false, rebuild_tx = NULL, rebuild_seq = NULL WHERE name = $1", connection, tx);
        cancel.Parameters.Add(new() { Value = name });
        await cancel.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The swap: the shadow checkpoint becomes the live one, in the swap's transaction.</summary>
    public static async Task CompleteRebuildAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, CancellationToken ct)
    {
        await using var checkpoint = new NpgsqlCommand("""
            UPDATE projections SET position_tx = rebuild_tx, position_seq = rebuild_seq, processed = rebuild_processed, state = 'running',
                   rebuild_requested = false, cancel_requested = false, last_error = NULL, updated_at = now()
            WHERE name = $1
            """, connection, tx);
        checkpoint.Parameters.Add(new() { Value = name });
        await checkpoint.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Sets a control flag: rebuild (requests a rebuild), cancel-rebuild, pause, resume (also clears a failure). False when no such projection.</summary>
    public static async Task<bool> ControlAsync(NpgsqlDataSource db, string name, string action, CancellationToken ct)
    {
        var assignment = action switch
        {
            "rebuild" => "rebuild_requested = true, cancel_requested = false, state = CASE WHEN state = 'failed' THEN 'running' ELSE state END",
            // A rebuild no runner has started yet is simply withdrawn; one under way is told to stop and drop its shadow tables.
            "cancel-rebuild" => "cancel_requested = (state = 'rebuilding'), rebuild_requested = rebuild_requested AND state = 'rebuilding'",
            "pause" => "state = 'paused'",
            "resume" => "state = 'running', last_error = NULL",
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "rebuild, cancel-rebuild, pause or resume"),
        };
        await using var command = db.CreateCommand($"UPDATE projections SET {assignment}, updated_at = now() WHERE name = $1");
        command.Parameters.Add(new() { Value = name });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
