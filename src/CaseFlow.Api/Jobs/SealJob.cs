using CaseFlow.Core.Security;
using Quartz;

namespace CaseFlow.Api.Jobs;

/// <summary>Seals the log every <see cref="SealOptions.IntervalMinutes"/> (skipped when nothing was appended since the last seal).</summary>
[DisallowConcurrentExecution]
public sealed class SealJob(Seals seals) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await seals.SealAsync(cancellationToken);
}
