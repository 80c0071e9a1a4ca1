using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;

namespace CaseFlow.Api.Ops.ControllingProjection;

/// <summary><c>POST /api/ops/projections/{name}/rebuild|cancel-rebuild|pause|resume</c>: 202 with the projection as it now stands.</summary>
public static class ControlProjectionEndpoint
{
    public static void MapControlProjection(this RouteGroupBuilder ops) => ops.MapPost("projections/{name}/{action}", async (
        string name, string action, PostgresEventStore store, CancellationToken ct) =>
    {
        if (action is not ("rebuild" or "cancel-rebuild" or "pause" or "resume"))
            return Problems.NotFound($"action '{action}' (rebuild, cancel-rebuild, pause, resume)");
        if (!await ProjectionTable.ControlAsync(store.DataSource, name, action, ct)) return Problems.NotFound($"projection '{name}'");
        return Results.Accepted($"/api/ops/projections", (await ProjectionStatus.ReadAsync(store, ct)).Single(p => p.Name == name));
    })
    .WithName("ControlProjection")
    .Produces<ProjectionInfo>(StatusCodes.Status202Accepted)
    .ProducesProblem(StatusCodes.Status404NotFound);
}
