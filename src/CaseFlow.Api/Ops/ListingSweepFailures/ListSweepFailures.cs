using CaseFlow.Core.Alerts;
using Npgsql;

namespace CaseFlow.Api.Ops.ListingSweepFailures;

/// <summary><c>GET /api/ops/sweep/failures</c>: the cases the deadline sweep could not evaluate or append (case id, error, attempts), retried each tick; newest first, at most 500.</summary>
public static class ListSweepFailuresEndpoint
{
    public static void MapListSweepFailures(this RouteGroupBuilder ops) => ops.MapGet("sweep/failures", async (NpgsqlDataSource db, CancellationToken ct) =>
        Results.Ok(await AlertSweeper.FailuresAsync(db, ct)))
    .WithName("ListSweepFailures")
    .Produces<IReadOnlyList<SweepFailure>>();
}
