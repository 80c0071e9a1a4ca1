using CaseFlow.Api.Infrastructure.Database;
using CaseFlow.Api.Projections;
using CaseFlow.EventStore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CaseFlow.Api.Health;

public static class HealthEndpoints
{
    /// <summary>
    /// <c>GET /health/ready</c>: 503 until the database answers and every migration is applied; then 200 with status "ready", or
    /// "degraded" (still 200: the API serves) when a projection has failed, lags more than CaseFlow:Projections:MaxLagSeconds, or its
    /// runner's heartbeat is frozen (<see cref="ProjectionStatus.StaleAfterSeconds"/>).
    /// </summary>
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/ready", async (NpgsqlDataSource db, DatabaseState state, IOptions<ProjectionSettings> settings, CancellationToken ct) =>
        {
            try
            {
                if (!state.Migrated || !await Migrator.IsCurrentAsync(db, ct))
                    return Results.Json(new { status = "migrating" }, statusCode: StatusCodes.Status503ServiceUnavailable);
                var problems = (await ProjectionStatus.ReadAsync(db, ct))
                    .Where(p => p.State == "failed" || p.LagSeconds > settings.Value.MaxLagSeconds || p.HeartbeatStale)
                    .Select(p => new { p.Name, p.State, p.LagEvents, p.LagSeconds, p.LastError, p.HeartbeatStale })
                    .ToList();
                return problems.Count == 0 ? Results.Ok(new { status = "ready" }) : Results.Ok(new { status = "degraded", projections = problems });
            }
            catch (NpgsqlException)
            {
                return Results.Json(new { status = "database unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).WithTags("Health");
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" })).WithTags("Health");
    }
}
