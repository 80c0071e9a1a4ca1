using CaseFlow.Core.Jobs;
using Npgsql;
using Quartz;

namespace CaseFlow.Api.Jobs;

/// <summary>Records every job run (node, fire time, outcome, error) for GET /api/ops/jobs.</summary>
public sealed class JobRunRecorder(NpgsqlDataSource db) : IJobListener
{
    public string Name => "caseflow-job-runs";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        await JobRunLog.RecordRunAsync(db, context.JobDetail.Key.Name, await context.Scheduler.GetSchedulerInstanceId(cancellationToken), context.FireTimeUtc.UtcDateTime,
            context.FireTimeUtc.UtcDateTime + context.JobRunTime, jobException?.InnerException?.Message ?? jobException?.Message, cancellationToken);
    }

    public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
