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
        ops.MapGet("projections/{name}/errors", async (string name, NpgsqlDataSource db, CancellationToken ct) =>
        {
            await using var command = db.CreateCommand("""
                SELECT event_id, event_seq, error, action, occurred_at FROM projection_errors WHERE projection = $1 ORDER BY occurred_at DESC LIMIT 200
                """);
            command.Parameters.Add(new() { Value = name });
            var rows = new List<object>();
            await using var row = await command.ExecuteReaderAsync(ct);
            while (await row.ReadAsync(ct))
                rows.Add(new { eventId = row.GetGuid(0), sequence = row.GetInt64(1), error = row.GetString(2), action = row.GetString(3),
                    occurredAt = new DateTimeOffset(DateTime.SpecifyKind(row.GetDateTime(4), DateTimeKind.Utc)) });
            return Results.Ok(rows);
        }).WithName("ListProjectionErrors");
        ops.MapPost("projections/{name}/{action}", async (string name, string action, NpgsqlDataSource db, CancellationToken ct) =>
        {
            if (action is not ("rebuild" or "cancel-rebuild" or "pause" or "resume"))
                return Problems.NotFound($"action '{action}' (rebuild, cancel-rebuild, pause, resume)");
            if (!await ProjectionStatus.ControlAsync(db, name, action, ct)) return Problems.NotFound($"projection '{name}'");
            return Results.Accepted($"/api/ops/projections", (await ProjectionStatus.ReadAsync(db, ct)).Single(p => p.Name == name));
        }).WithName("ControlProjection").Produces<ProjectionInfo>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound);
    }
}
