using CaseFlow.EventStore.Projections;
using Npgsql;

namespace CaseFlow.Api.Ops.ListingProjectionErrors;

/// <summary><c>GET /api/ops/projections/{name}/errors</c>: the poison events a projection skipped or paused on, newest first (at most 200).</summary>
public static class ListProjectionErrorsEndpoint
{
    public static void MapListProjectionErrors(this RouteGroupBuilder ops) => ops.MapGet("projections/{name}/errors", async (string name, NpgsqlDataSource db, CancellationToken ct) =>
        Results.Ok(await ProjectionTable.ErrorsAsync(db, name, ct)))
    .WithName("ListProjectionErrors")
    .Produces<IReadOnlyList<ProjectionError>>();
}
