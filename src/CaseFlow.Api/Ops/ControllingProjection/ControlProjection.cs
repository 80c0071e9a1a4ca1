using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;

namespace CaseFlow.Api.Ops.ControllingProjection;

/// <summary><c>POST /api/ops/projections/{name}/rebuild|cancel-rebuild|pause|resume</c>: 202 with the projection as it now stands.</summary>
public static class ControlProjectionEndpoint
{
    /// <summary>What ops may ask of a projection (the console's ops page offers the same).</summary>
    public static readonly string[] Actions = ["rebuild", "pause", "resume", "cancel-rebuild"];

    public static void MapControlProjection(this RouteGroupBuilder ops) => ops.MapPost("projections/{name}/{action}", async (
        string name, string action, PostgresEventStore store, CancellationToken ct) =>
    {
        if (!Actions.Contains(action))
            return Problems.NotFound($"action '{action}' (rebuild, cancel-rebuild, pause, resume)");
        if (!await ProjectionTable.ControlAsync(store.DataSource, name, action, ct)) return Problems.NotFound($"projection '{name}'");
        return Results.Accepted($"/api/ops/projections", (await ProjectionStatus.ReadAsync(store, ct)).Single(p => p.Name == name));
    })
    .WithName("ControlProjection")
    .Produces<ProjectionInfo>(StatusCodes.Status202Accepted)
    .ProducesProblem(StatusCodes.Status404NotFound);
}
