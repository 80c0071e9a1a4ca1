using CaseFlow.Core.Cases;
using CaseFlow.Core.Delivery;
using CaseFlow.Domain.Calendar;
using Microsoft.Extensions.Options;
using CaseFlow.Core.Idempotency;
using NodaTime;
using Npgsql;

namespace CaseFlow.Core.Jobs;

/// <summary><c>CaseFlow:Retention</c>.</summary>
public sealed class RetentionOptions
{
    /// <summary>A closed case's person is erased (crypto-shredded) this many years after the closure date (docs/security.md says why 5).</summary>
    public int ErasePersonalDataAfterYears { get; set; } = 5;
}

/// <summary>
/// Retention: delivered deliveries after 90 days, idempotency keys after 30, job runs after 30; the personal data of cases closed more than
/// <see cref="RetentionOptions.ErasePersonalDataAfterYears"/> years ago is erased (the events themselves are kept forever).
/// </summary>
public sealed class RetentionService(NpgsqlDataSource db, IClock clock, CaseEraser eraser, IOptions<RetentionOptions> options)
{
    public const string Actor = "system:retention";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        return await Outbox.PurgeDeliveredAsync(db, now - Duration.FromDays(90), ct)
            + await IdempotencyKeys.PurgeAsync(db, now - Duration.FromDays(30), ct)
            + await JobRunLog.PurgeAsync(db, now - Duration.FromDays(30), ct)
            + await ErasePersonalDataAsync(ct);
    }

    /// <summary>Erases the people of cases closed before today (Asia/Almaty) minus the configured years; how many.</summary>
    public async Task<int> ErasePersonalDataAsync(CancellationToken ct)
    {
        var years = options.Value.ErasePersonalDataAfterYears;
        var before = LegalTime.Today(clock).PlusYears(-years);
        var erased = new HashSet<Guid>();
        // A case that stays due after its erasure (a row an insider edited) is not taken again: the loop ends when a batch brings nothing new.
        while ((await CaseStatusProjection.ClosedBeforeAsync(db, before, 500, ct)).Where(erased.Add).ToList() is { Count: > 0 } due)
            foreach (var id in due) await eraser.EraseAsync(id, Actor, CaseEraser.ByRetention, $"closed more than {years} years ago", ct);
        return erased.Count;
    }
}
