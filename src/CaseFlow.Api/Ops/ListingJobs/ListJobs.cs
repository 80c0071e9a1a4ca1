using CaseFlow.Api.Jobs;
using CaseFlow.Core.Jobs;
using Npgsql;
using Quartz;

namespace CaseFlow.Api.Ops.ListingJobs;

public sealed record JobView(string Name, DateTimeOffset? LastFire, DateTimeOffset? NextFire, string? LastOutcome, string? LastError, string? LastNode, long Misfires);

/// <summary><c>GET /api/ops/jobs</c>: each scheduled job's last and next firing, its last outcome and node, and its misfires.</summary>
public static class ListJobsEndpoint
{
    public static void MapListJobs(this RouteGroupBuilder ops) => ops.MapGet("jobs", async (IServiceProvider services, NpgsqlDataSource db, CancellationToken ct) =>
        Results.Ok(await ReadAsync(services, db, ct)))
    .WithName("ListJobs")
    .Produces<IReadOnlyList<JobView>>();

    /// <summary>Each job as the scheduler (when this node runs one) and the job-run log know it; the console's ops page shows the same.</summary>
    public static async Task<IReadOnlyList<JobView>> ReadAsync(IServiceProvider services, NpgsqlDataSource db, CancellationToken ct)
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
            var run = await JobRunLog.LastRunAsync(db, name, ct);
            list.Add(new JobView(name, previous ?? run.LastFire, next, run.Outcome, run.Error, run.Node, run.Misfires));
        }
        return list;
    }

    /// <summary>Fires a job now on some node of the cluster (ops: "trigger now"); false when this node runs no scheduler or there is no such job.</summary>
    public static async Task<bool> TriggerAsync(IServiceProvider services, string? name, CancellationToken ct)
    {
        if (name is null || !CaseFlowJobs.Names.Contains(name) || services.GetService<ISchedulerFactory>() is not { } factory) return false;
        await (await factory.GetScheduler(ct)).TriggerJob(new JobKey(name), ct);
        return true;
    }
}
