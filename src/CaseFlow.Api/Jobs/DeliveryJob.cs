using CaseFlow.Core.Delivery;
using Quartz;

namespace CaseFlow.Api.Jobs;

/// <summary>Sends due deliveries (and retries failed ones when their backoff has passed): every 10 seconds.</summary>
[DisallowConcurrentExecution]
public sealed class DeliveryJob(DeliveryDispatcher dispatcher) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await dispatcher.DispatchDueAsync(cancellationToken);
}
