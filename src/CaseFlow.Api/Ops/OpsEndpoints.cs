using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Api.Projections;
using Npgsql;

namespace CaseFlow.Api.Ops;

/// <summary><c>GET /api/ops/projections</c> and <c>POST /api/ops/projections/{name}/rebuild|cancel-rebuild|pause|resume</c> (ops, admin).</summary>
public static class OpsEndpoints
{
    public static void MapOps(this WebApplication app)
    {
        var ops = app.MapGroup("/api/ops").WithTags("Ops").RequireRoles(Role.Ops, Role.Admin);
        ops.MapGet("projections", async (NpgsqlDataSource db, CancellationToken ct) => Results.Ok(await ProjectionStatus.ReadAsync(db, ct)))
            .WithName("ListProjections").Produces<IReadOnlyList<ProjectionInfo>>();
        ops.MapPost("projections/{name}/{action}", async (string name, string action, NpgsqlDataSource db, CancellationToken ct) =>
        {
            if (action is not ("rebuild" or "cancel-rebuild" or "pause" or "resume"))
                return Problems.NotFound($"action '{action}' (rebuild, cancel-rebuild, pause, resume)");
            if (!await ProjectionStatus.ControlAsync(db, name, action, ct)) return Problems.NotFound($"projection '{name}'");
            return Results.Accepted($"/api/ops/projections", (await ProjectionStatus.ReadAsync(db, ct)).Single(p => p.Name == name));
        }).WithName("ControlProjection").Produces<ProjectionInfo>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound);
    }
}
