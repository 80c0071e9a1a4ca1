using CaseFlow.Api.Alerts;
using Npgsql;
using Quartz;

namespace CaseFlow.Api.Jobs;

public sealed class JobSettings
{
    /// <summary>Run the Quartz scheduler on this node (clustered: each firing runs on one node).</summary>
    public bool Run { get; set; } = true;
}

/// <summary>The deadline sweep: every minute (a full sweep on the first tick of each Asia/Almaty day, then only changed cases).</summary>
[DisallowConcurrentExecution]
public sealed class DeadlineSweepJob(AlertSweeper sweeper) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await sweeper.SweepAsync(cancellationToken);
}

/// <summary>Sends due deliveries (and retries failed ones when their backoff has passed): every 10 seconds.</summary>
[DisallowConcurrentExecution]
public sealed class DeliveryJob(DeliveryDispatcher dispatcher) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await dispatcher.DispatchDueAsync(cancellationToken);
}

/// <summary>The daily digest per host party, 08:00 Asia/Almaty.</summary>
[DisallowConcurrentExecution]
public sealed class DigestJob(DigestService digest, DeliveryDispatcher dispatcher) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await digest.EnqueueAsync(cancellationToken);
        await dispatcher.DispatchDueAsync(cancellationToken);
    }
}

/// <summary>Retention, 03:30 Asia/Almaty.</summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(RetentionService retention) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await retention.RunAsync(cancellationToken);
}

/// <summary>
/// Quartz 4 with its PostgreSQL ADO job store, clustered, its tables provisioned by Quartz itself. Misfire policies: the minute sweep
/// and the delivery tick skip missed firings (NextWithRemainingCount: the next run does the work anyway); the digest fires once late
/// (FireAndProceed: a digest a bit late beats none); retention skips (DoNothing: tomorrow's run covers it).
/// </summary>
public static class CaseFlowJobs
{
    public static readonly string[] Names = ["deadline-sweep", "deliveries", "daily-digest", "retention"];

    public static IServiceCollection AddCaseFlowJobs(this IServiceCollection services, string connectionString, ClockTimeProvider time)
    {
        var almaty = TimeZoneInfo.FindSystemTimeZoneById("Asia/Almaty");
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = "caseflow");
            q.UseTimeProvider(time);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseClustering();
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
            });
            q.AddJob<DeadlineSweepJob>(j => j.WithIdentity("deadline-sweep").StoreDurably().DisallowConcurrentExecution());
            q.AddTrigger(t => t.ForJob("deadline-sweep").WithIdentity("deadline-sweep-every-minute").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            q.AddJob<DeliveryJob>(j => j.WithIdentity("deliveries").StoreDurably().DisallowConcurrentExecution());
            q.AddTrigger(t => t.ForJob("deliveries").WithIdentity("deliveries-every-10s").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(10)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            q.AddJob<DigestJob>(j => j.WithIdentity("daily-digest").StoreDurably().DisallowConcurrentExecution());
            q.AddTrigger(t => t.ForJob("daily-digest").WithIdentity("daily-digest-0800-almaty")
                .WithCronSchedule("0 0 8 * * ?", c => c.InTimeZone(almaty).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
            q.AddJob<RetentionJob>(j => j.WithIdentity("retention").StoreDurably().DisallowConcurrentExecution());
            q.AddTrigger(t => t.ForJob("retention").WithIdentity("retention-0330-almaty")
                .WithCronSchedule("0 30 3 * * ?", c => c.InTimeZone(almaty).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)));
            q.AddJobListener<JobRunRecorder>();
            q.AddTriggerListener<MisfireRecorder>();
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}

/// <summary>Records every job run (node, fire time, outcome, error) for GET /api/ops/jobs.</summary>
public sealed class JobRunRecorder(NpgsqlDataSource db) : IJobListener
{
    public string Name => "caseflow-job-runs";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("INSERT INTO job_runs (job, node, fired_at, finished_at, outcome, error) VALUES ($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new() { Value = context.JobDetail.Key.Name });
        command.Parameters.Add(new() { Value = await context.Scheduler.GetSchedulerInstanceId(cancellationToken) });
        command.Parameters.Add(new() { Value = context.FireTimeUtc.UtcDateTime });
        command.Parameters.Add(new() { Value = context.FireTimeUtc.UtcDateTime + context.JobRunTime });
        command.Parameters.Add(new() { Value = jobException is null ? "succeeded" : "failed" });
        command.Parameters.Add(new() { Value = (object?)jobException?.InnerException?.Message ?? (object?)jobException?.Message ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

/// <summary>Counts misfires per job.</summary>
public sealed class MisfireRecorder(NpgsqlDataSource db) : ITriggerListener
{
    public string Name => "caseflow-misfires";

    public ValueTask TriggerFired(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask<bool> VetoJobExecution(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

    public async ValueTask TriggerMisfired(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("INSERT INTO job_misfires (job, misfires) VALUES ($1, 1) ON CONFLICT (job) DO UPDATE SET misfires = job_misfires.misfires + 1");
        command.Parameters.Add(new() { Value = trigger.JobKey.Name });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask TriggerComplete(ITrigger trigger, IJobExecutionContext context, SchedulerInstruction triggerInstructionCode, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;
}
