using CaseFlow.Core.Alerts;
using CaseFlow.Core.Delivery;
using CaseFlow.Domain.Calendar;
using Quartz;

namespace CaseFlow.Api.Jobs;

public sealed class JobSettings
{
    /// <summary>Run the Quartz scheduler on this node (clustered: each firing runs on one node).</summary>
    public bool Run { get; set; } = true;
}

/// <summary>
/// The scheduled jobs (one file each: DeadlineSweepJob, DeliveryJob, DigestJob, RetentionJob, SealJob, RowCheckJob; runs and misfires recorded by
/// JobRunRecorder and MisfireRecorder). Quartz 4 with its PostgreSQL ADO job store, clustered, its tables provisioned by Quartz itself. Misfire policies: the minute sweep
/// and the delivery tick skip missed firings (NextWithRemainingCount: the next run does the work anyway); the digest fires once late
/// (FireAndProceed: a digest a bit late beats none); retention and the status check skip (DoNothing: tomorrow's run covers it).
/// </summary>
public static class CaseFlowJobs
{
    public static readonly string[] Names = ["deadline-sweep", "deliveries", "daily-digest", "retention", "seal", "row-check"];

    public static IServiceCollection AddCaseFlowJobs(this IServiceCollection services, string connectionString, ClockTimeProvider time, int sealMinutes)
    {
        var almaty = TimeZoneInfo.FindSystemTimeZoneById(LegalTime.ZoneId);
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
            q.AddJob<SealJob>(j => j.WithIdentity("seal").StoreDurably().DisallowConcurrentExecution());
            q.AddTrigger(t => t.ForJob("seal").WithIdentity("seal-every-interval").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(Math.Max(1, sealMinutes))).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            q.AddJob<RowCheckJob>(j => j.WithIdentity("row-check").StoreDurably().DisallowConcurrentExecution());
            q.AddTrigger(t => t.ForJob("row-check").WithIdentity("row-check-0400-almaty")
                .WithCronSchedule("0 0 4 * * ?", c => c.InTimeZone(almaty).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)));
            q.AddJobListener<JobRunRecorder>();
            q.AddTriggerListener<MisfireRecorder>();
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
