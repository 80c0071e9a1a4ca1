using CaseFlow.Api.Infrastructure.Database;
using CaseFlow.EventStore;
using Npgsql;

namespace CaseFlow.Api.Health;

public static class HealthEndpoints
{
    /// <summary><c>GET /health/ready</c>: 200 once the database answers and every migration is applied, else 503.</summary>
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/ready", async (NpgsqlDataSource db, DatabaseState state, CancellationToken ct) =>
        {
            try
            {
                if (state.Migrated && await Migrator.IsCurrentAsync(db, ct))
                    return Results.Ok(new { status = "ready" });
                return Results.Json(new { status = "migrating" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            catch (NpgsqlException)
            {
                return Results.Json(new { status = "database unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).WithTags("Health");
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" })).WithTags("Health");
    }
}
