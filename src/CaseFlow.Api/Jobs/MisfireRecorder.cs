using CaseFlow.Core.Jobs;
using Npgsql;
using Quartz;

namespace CaseFlow.Api.Jobs;

/// <summary>Counts misfires per job.</summary>
public sealed class MisfireRecorder(NpgsqlDataSource db) : ITriggerListener
{
    public string Name => "caseflow-misfires";

    public ValueTask TriggerFired(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask<bool> VetoJobExecution(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

    public async ValueTask TriggerMisfired(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken = default)
    {
        await JobRunLog.RecordMisfireAsync(db, trigger.JobKey.Name, cancellationToken);
    }

    public ValueTask TriggerComplete(ITrigger trigger, IJobExecutionContext context, SchedulerInstruction triggerInstructionCode, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;
}
