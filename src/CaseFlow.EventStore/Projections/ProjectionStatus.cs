namespace CaseFlow.EventStore.Projections;

/// <param name="HeartbeatStale">No runner has shown life for <see cref="ProjectionTable.StaleAfterSeconds"/> seconds while the projection should
/// run (running or rebuilding): no node is running it, or its runner hangs. /health/ready reports it as degraded.</param>
public sealed record ProjectionInfo(string Name, string Checkpoint, long HeadSequence, long LagEvents, double LagSeconds, string State, string? LastError, string? Node,
    DateTimeOffset? HeartbeatAt, long Processed, RebuildProgress? Rebuild, bool HeartbeatStale);

/// <param name="EventsPerSecond">Events processed a second since the rebuild started (0 before it starts).</param>
public sealed record RebuildProgress(long Processed, long Total, double EventsPerSecond = 0);

/// <summary>What ops see of the async projections: checkpoint, head of the log, lag in events and seconds, state, last error, node.</summary>
public static class ProjectionStatus
{
    public static async Task<IReadOnlyList<ProjectionInfo>> ReadAsync(PostgresEventStore store, CancellationToken ct)
    {
        var result = new List<ProjectionInfo>();
        foreach (var p in await ProjectionTable.ReadAllAsync(store.DataSource, ct))
        {
            var (head, behind, age) = await store.LagAsync(p.Position, ct);
            var rebuilding = p.State == "rebuilding" || p.RebuildRequested;
            result.Add(new ProjectionInfo(p.Name, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Position.Transaction}:{p.Position.Sequence}"), head, behind, Math.Round(age.TotalSeconds, 1), p.State, p.LastError,
                p.Node, p.HeartbeatAt, p.Processed, rebuilding ? new RebuildProgress(p.RebuildProcessed ?? 0, p.RebuildTotal ?? 0, Math.Round(p.RebuildRate ?? 0)) : null, p.HeartbeatStale));
        }
        return result;
    }
}
