using Npgsql;

namespace CaseFlow.Api.Projections;

public sealed record ProjectionInfo(string Name, string Checkpoint, long HeadSequence, long LagEvents, double LagSeconds, string State, string? LastError, string? Node,
    DateTimeOffset? HeartbeatAt, long Processed, RebuildProgress? Rebuild);

public sealed record RebuildProgress(long Processed, long Total);

/// <summary>What ops see of the async projections: checkpoint, head of the log, lag in events and seconds, state, last error, node.</summary>
public static class ProjectionStatus
{
    public static async Task<IReadOnlyList<ProjectionInfo>> ReadAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT p.name, p.position_tx::text || ':' || p.position_seq, (SELECT coalesce(max(seq), 0) FROM events),
                   (SELECT count(*) FROM events e WHERE (e.tx, e.seq) > (p.position_tx, p.position_seq)),
                   coalesce(extract(epoch FROM now() - (SELECT min(recorded_at) FROM events e WHERE (e.tx, e.seq) > (p.position_tx, p.position_seq))), 0)::float8,
                   p.state, p.last_error, p.node, p.heartbeat_at, p.processed, p.rebuild_processed, p.rebuild_total, p.rebuild_requested
            FROM projections p ORDER BY p.name
            """);
        var result = new List<ProjectionInfo>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            var rebuilding = row.GetString(5) == "rebuilding" || row.GetBoolean(12);
            result.Add(new ProjectionInfo(row.GetString(0), row.GetString(1), row.GetInt64(2), row.GetInt64(3), Math.Round(row.GetDouble(4), 1),
                row.GetString(5), row.IsDBNull(6) ? null : row.GetString(6), row.IsDBNull(7) ? null : row.GetString(7),
                row.IsDBNull(8) ? null : new DateTimeOffset(row.GetDateTime(8), TimeSpan.Zero), row.GetInt64(9),
                rebuilding ? new RebuildProgress(row.IsDBNull(10) ? 0 : row.GetInt64(10), row.IsDBNull(11) ? 0 : row.GetInt64(11)) : null));
        }
        return result;
    }

    /// <summary>Sets a control flag: rebuild (requests a rebuild), cancel-rebuild, pause, resume (also clears a failure). False when no such projection.</summary>
    public static async Task<bool> ControlAsync(NpgsqlDataSource db, string name, string action, CancellationToken ct)
    {
        var assignment = action switch
        {
            "rebuild" => "rebuild_requested = true, cancel_requested = false, state = CASE WHEN state = 'failed' THEN 'running' ELSE state END",
            "cancel-rebuild" => "cancel_requested = true",
            "pause" => "state = 'paused'",
            "resume" => "state = 'running', last_error = NULL",
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "rebuild, cancel-rebuild, pause or resume"),
        };
        await using var command = db.CreateCommand($"UPDATE projections SET {assignment}, updated_at = now() WHERE name = $1");
        command.Parameters.Add(new() { Value = name });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
