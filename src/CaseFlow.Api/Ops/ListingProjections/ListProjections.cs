using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;

namespace CaseFlow.Api.Ops.ListingProjections;

/// <summary><c>GET /api/ops/projections</c>: each async projection's checkpoint, lag, state, node, heartbeat and rebuild progress.</summary>
public static class ListProjectionsEndpoint
{
    public static void MapListProjections(this RouteGroupBuilder ops) => ops.MapGet("projections", async (PostgresEventStore store, CancellationToken ct) =>
        Results.Ok(await ProjectionStatus.ReadAsync(store, ct)))
    .WithName("ListProjections")
    .Produces<IReadOnlyList<ProjectionInfo>>();
}
