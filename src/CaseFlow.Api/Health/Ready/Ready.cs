using CaseFlow.Api.Infrastructure.Database;
using CaseFlow.Api.Projections;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CaseFlow.Api.Health.Ready;

/// <summary>
/// <c>GET /health/ready</c>: 503 until the database answers and every migration is applied; then 200 with status "ready", or
/// "degraded" (still 200: the API serves) when a projection has failed, lags more than CaseFlow:Projections:MaxLagSeconds, or its
/// runner's heartbeat is frozen (<see cref="ProjectionTable.StaleAfterSeconds"/>).
/// </summary>
public static class ReadyEndpoint
{
    public static void MapReady(this RouteGroupBuilder health) => health.MapGet("ready", async (
        PostgresEventStore store, DatabaseState state, IOptions<ProjectionSettings> settings, CancellationToken ct) =>
    {
        try
        {
            if (!state.Migrated || !await Migrator.IsCurrentAsync(store.DataSource, ct))
                return Results.Json(new { status = "migrating" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            var problems = (await ProjectionStatus.ReadAsync(store, ct))
                .Where(p => p.State == "failed" || p.LagSeconds > settings.Value.MaxLagSeconds || p.HeartbeatStale)
                .Select(p => new { p.Name, p.State, p.LagEvents, p.LagSeconds, p.LastError, p.HeartbeatStale })
                .ToList();
            return problems.Count == 0 ? Results.Ok(new { status = "ready" }) : Results.Ok(new { status = "degraded", projections = problems });
        }
        catch (NpgsqlException)
        {
            return Results.Json(new { status = "database unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    })
    .WithName("Ready");
}
