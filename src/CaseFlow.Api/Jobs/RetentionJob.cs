using CaseFlow.Core.Jobs;
using Quartz;

namespace CaseFlow.Api.Jobs;

/// <summary>Retention, 03:30 Asia/Almaty.</summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(RetentionService retention) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await retention.RunAsync(cancellationToken);
}
