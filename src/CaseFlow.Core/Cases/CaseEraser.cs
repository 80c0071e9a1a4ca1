using CaseFlow.Core.Security;
using CaseFlow.Domain.Cases;
using CaseFlow.EventStore;
using NodaTime;

namespace CaseFlow.Core.Cases;

/// <summary>
/// Erasure by crypto-shredding, on request (an admin, with a reason) or by retention: in one transaction the case's data key is destroyed
/// and <see cref="PersonalDataErased"/> appended (a long case's view snapshot deleted), so the status row is rewritten without names or blind index and the async projections
/// refold the case. The events stay and the chain still verifies; nothing can open their personal fields again.
/// </summary>
public sealed class CaseEraser(CaseRepository cases, IClock clock)
{
    public const string OnRequest = "request";
    public const string ByRetention = "retention";

    /// <summary>The erased case; null when there is no such case. Erasing an erased case changes nothing.</summary>
    public async Task<LoadedCase?> EraseAsync(Guid id, string actor, string basis, string reason, CancellationToken ct)
    {
        if (await cases.LoadAsync(new CaseId(id), ct) is not { } current) return null;
        if (current.State.Erased) return current;
        await using var connection = await cases.Store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await cases.DataKeys.EnsureAsync(connection, tx, [id], ct); // a case from before encryption: a key to destroy, so the row says so
        await cases.DataKeys.EraseAsync(connection, tx, id, actor, basis, reason, ct);
        await CaseViewSnapshots.DeleteAsync(connection, tx, id, ct);
        var shredded = current with { Keys = await cases.DataKeys.LoadAsync(connection, tx, [id], ct) };
        await cases.AppendAsync(connection, tx, shredded, current.Id, [new PersonalDataErased(current.Id, clock.GetCurrentInstant(), basis, actor)],
            new EventMetadata(actor, Guid.NewGuid()), ct);
        await tx.CommitAsync(ct);
        return await cases.LoadAsync(current.Id, ct); // read back as every reader now sees it: personal fields erased

    }
}
