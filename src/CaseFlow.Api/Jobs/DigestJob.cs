using CaseFlow.Core.Delivery;
using Quartz;

namespace CaseFlow.Api.Jobs;

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
