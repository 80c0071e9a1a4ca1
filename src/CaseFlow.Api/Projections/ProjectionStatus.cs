using Npgsql;

namespace CaseFlow.Api.Projections;

/// <param name="HeartbeatStale">No runner has shown life for <see cref="ProjectionStatus.StaleAfterSeconds"/> seconds while the projection should
/// run (running or rebuilding): no node is running it, or its runner hangs. /health/ready reports it as degraded.</param>
public sealed record ProjectionInfo(string Name, string Checkpoint, long HeadSequence, long LagEvents, double LagSeconds, string State, string? LastError, string? Node,
    DateTimeOffset? HeartbeatAt, long Processed, RebuildProgress? Rebuild, bool HeartbeatStale);

public sealed record RebuildProgress(long Processed, long Total);

/// <summary>What ops see of the async projections: checkpoint, head of the log, lag in events and seconds, state, last error, node.</summary>
public static class ProjectionStatus
{
    /// <summary>A runner beats at least every poll interval (1 s) and after every batch; 30 s of silence is a frozen runner.</summary>
    public const int StaleAfterSeconds = 30;

    public static async Task<IReadOnlyList<ProjectionInfo>> ReadAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT p.name, p.position_tx::text || ':' || p.position_seq, (SELECT coalesce(max(seq), 0) FROM events),
                   (SELECT count(*) FROM events e WHERE (e.tx, e.seq) > (p.position_tx, p.position_seq)),
                   coalesce(extract(epoch FROM now() - (SELECT min(recorded_at) FROM events e WHERE (e.tx, e.seq) > (p.position_tx, p.position_seq))), 0)::float8,
                   p.state, p.last_error, p.node, p.heartbeat_at, p.processed, p.rebuild_processed, p.rebuild_total, p.rebuild_requested,
                   p.state IN ('running', 'rebuilding') AND coalesce(p.heartbeat_at, p.updated_at) < now() - make_interval(secs => $1)
            FROM projections p ORDER BY p.name
            """);
        command.Parameters.Add(new() { Value = (double)StaleAfterSeconds });
        var result = new List<ProjectionInfo>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            var rebuilding = row.GetString(5) == "rebuilding" || row.GetBoolean(12);
            result.Add(new ProjectionInfo(row.GetString(0), row.GetString(1), row.GetInt64(2), row.GetInt64(3), Math.Round(row.GetDouble(4), 1),
                row.GetString(5), row.IsDBNull(6) ? null : row.GetString(6), row.IsDBNull(7) ? null : row.GetString(7),
                row.IsDBNull(8) ? null : new DateTimeOffset(row.GetDateTime(8), TimeSpan.Zero), row.GetInt64(9),
                rebuilding ? new RebuildProgress(row.IsDBNull(10) ? 0 : row.GetInt64(10), row.IsDBNull(11) ? 0 : row.GetInt64(11)) : null, row.GetBoolean(13)));
        }
        return result;
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
