using CaseFlow.Core.Delivery;
using CaseFlow.Core.Idempotency;
using NodaTime;
using Npgsql;

namespace CaseFlow.Core.Jobs;

/// <summary>Retention: delivered deliveries after 90 days, idempotency keys after 30, job runs after 30 (the events are kept forever).</summary>
public sealed class RetentionService(NpgsqlDataSource db, IClock clock)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        return await Outbox.PurgeDeliveredAsync(db, now - Duration.FromDays(90), ct)
            + await IdempotencyKeys.PurgeAsync(db, now - Duration.FromDays(30), ct)
            + await JobRunLog.PurgeAsync(db, now - Duration.FromDays(30), ct);
    }
}
