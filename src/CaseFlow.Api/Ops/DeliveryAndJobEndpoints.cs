using CaseFlow.Api.Alerts;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Api.Jobs;
using Npgsql;
using NpgsqlTypes;
using Quartz;

namespace CaseFlow.Api.Ops;

public sealed record DeliveryView(Guid Id, Guid SubscriptionId, Guid? AlertId, string Kind, string State, int Attempts, DateTimeOffset NextAttemptAt, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);

public sealed record JobView(string Name, DateTimeOffset? LastFire, DateTimeOffset? NextFire, string? LastOutcome, string? LastError, string? LastNode, long Misfires);

/// <summary><c>GET /api/ops/deliveries?state=</c>, <c>POST /api/ops/deliveries/{id}/redeliver</c>, <c>GET /api/ops/jobs</c> (ops, admin).</summary>
public static class DeliveryAndJobEndpoints
{
    public static void MapDeliveryOps(this WebApplication app)
    {
        var ops = app.MapGroup("/api/ops").WithTags("Ops").RequireRoles(Role.Ops, Role.Admin);
        ops.MapGet("deliveries", async (string? state, NpgsqlDataSource db, CancellationToken ct) =>
        {
            if (state is not (null or "pending" or "failed" or "dead" or "delivered")) return Problems.Validation("state", "pending, failed, dead or delivered");
            await using var command = db.CreateCommand("""
                SELECT id, subscription_id, alert_id, kind, state, attempts, next_attempt_at, last_error, created_at, delivered_at
                FROM deliveries WHERE $1::text IS NULL OR state = $1 ORDER BY created_at DESC LIMIT 500
                """);
            command.Parameters.Add(new() { Value = (object?)state ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            var list = new List<DeliveryView>();
            await using var row = await command.ExecuteReaderAsync(ct);
            while (await row.ReadAsync(ct))
                list.Add(new DeliveryView(row.GetGuid(0), row.GetGuid(1), row.IsDBNull(2) ? null : row.GetGuid(2), row.GetString(3), row.GetString(4), row.GetInt32(5),
                    Utc(row.GetDateTime(6)), row.IsDBNull(7) ? null : row.GetString(7), Utc(row.GetDateTime(8)), row.IsDBNull(9) ? null : Utc(row.GetDateTime(9))));
            return Results.Ok(list);
        }).WithName("ListDeliveries").Produces<IReadOnlyList<DeliveryView>>();

        ops.MapPost("deliveries/{id:guid}/redeliver", async (Guid id, DeliveryDispatcher dispatcher, CancellationToken ct) =>
            await dispatcher.RedeliverAsync(id, ct) ? Results.Accepted($"/api/ops/deliveries?state=pending") : Problems.NotFound($"delivery {id}"))
            .WithName("Redeliver");

        ops.MapGet("jobs", async (IServiceProvider services, NpgsqlDataSource db, CancellationToken ct) =>
        {
            IScheduler? scheduler = null;
            if (services.GetService<ISchedulerFactory>() is { } factory) scheduler = await factory.GetScheduler(ct);
            var list = new List<JobView>();
            foreach (var name in CaseFlowJobs.Names)
            {
                DateTimeOffset? next = null, previous = null;
                if (scheduler is not null)
                    foreach (var trigger in await scheduler.GetTriggersOfJob(new JobKey(name), ct))
                    {
                        next = trigger.NextFireTimeUtc;
                        previous = trigger.PreviousFireTimeUtc;
                    }
                await using var command = db.CreateCommand("""
                    SELECT (SELECT outcome FROM job_runs WHERE job = $1 ORDER BY fired_at DESC LIMIT 1), (SELECT error FROM job_runs WHERE job = $1 ORDER BY fired_at DESC LIMIT 1),
                           (SELECT node FROM job_runs WHERE job = $1 ORDER BY fired_at DESC LIMIT 1), (SELECT max(fired_at) FROM job_runs WHERE job = $1),
                           coalesce((SELECT misfires FROM job_misfires WHERE job = $1), 0)
                    """);
                command.Parameters.Add(new() { Value = name });
                await using var row = await command.ExecuteReaderAsync(ct);
                await row.ReadAsync(ct);
                list.Add(new JobView(name, previous ?? (row.IsDBNull(3) ? null : Utc(row.GetDateTime(3))), next, row.IsDBNull(0) ? null : row.GetString(0),
                    row.IsDBNull(1) ? null : row.GetString(1), row.IsDBNull(2) ? null : row.GetString(2), row.GetInt64(4)));
            }
            return Results.Ok(list);
        }).WithName("ListJobs").Produces<IReadOnlyList<JobView>>();
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
