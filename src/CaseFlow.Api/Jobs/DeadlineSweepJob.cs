using CaseFlow.Core.Alerts;
using Quartz;

namespace CaseFlow.Api.Jobs;

/// <summary>The deadline sweep: every minute (a full sweep on the first tick of each Asia/Almaty day, then only changed cases).</summary>
[DisallowConcurrentExecution]
public sealed class DeadlineSweepJob(AlertSweeper sweeper) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await sweeper.SweepAsync(cancellationToken);
}
