using System.Text.Json;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;
using Npgsql;

namespace CaseFlow.Core.Cases;

/// <summary>A case a reader may see: its recorded events (with metadata and hashes), the folded case and its host party's sizes over time.</summary>
public sealed record ReadableCase(IReadOnlyList<RecordedEvent> Recorded, LoadedCase Case, HostPartySizes? Sizes)
{
    /// <summary>The case as it stood at <paramref name="version"/> (1 to the current version): an auditor's replay, one version at a time.</summary>
    public ReadableCase AtVersion(long version)
    {
        var upTo = Recorded.Where(e => e.Version <= version).ToList();
        return upTo.Count == 0 || upTo.Count == Recorded.Count ? this : this with { Recorded = upTo, Case = LoadedCase.From(Case.Id.Value, upTo, Case.Keys) };
    }

    /// <summary>The recorded events with their personal fields opened (or marked erased): what history, events and export show.</summary>
    public IEnumerable<RecordedEvent> Revealed => Recorded.Select(Case.Keys.Reveal);

    /// <summary>The rules applied to the case as of <paramref name="asOf"/> with the host party's size.</summary>
    public Evaluation Evaluate(RuleCatalogue catalogue, LocalDate asOf) => Case.Evaluate(catalogue, Sizes, asOf);

    /// <summary>
    /// The case as known at <paramref name="knownAt"/>: only the events and host-party sizes recorded by then ("what did we know then");
    /// null when no event was. Tenancy was judged on the case as known now, so a reader never sees a case through an older view of it.
    /// </summary>
    public ReadableCase? KnownAt(Instant knownAt)
    {
        var known = Recorded.Where(e => e.RecordedAt <= knownAt).ToList();
        return known.Count == 0 ? null : this with { Recorded = known, Case = LoadedCase.From(Case.Id.Value, known, Case.Keys), Sizes = Sizes?.KnownAt(knownAt) };
    }
}

/// <summary>A case's view as JSON, with the version it was computed at (the ETag).</summary>
public sealed record CaseViewJson(long Version, byte[] Utf8);

/// <summary>
/// The one readable-case path: load the stream, judge tenancy by the folded case's host party (a case the reader may not see is
/// as absent as one that does not exist: no existence leak), read the host party's size, and evaluate as of a date. Every view of a
/// case (the case, its history, state at a date, export, verify, timeline, alerts) starts here.
/// </summary>
public sealed class CaseReader(PostgresEventStore store, NpgsqlDataSource db, DataKeys dataKeys, CaseViewSnapshots snapshots)
{
    /// <summary>The case as known now, or null when it does not exist or <paramref name="reader"/> may not read it.</summary>
    public Task<ReadableCase?> ReadAsync(Guid id, Principal reader, CancellationToken ct) =>
        // The key is read alongside the stream (two pooled connections): a read waits for one round trip, not two.
        ReadAsync(id, reader, dataKeys.LoadAsync(db, [id], ct), ct);

    private async Task<ReadableCase?> ReadAsync(Guid id, Principal reader, Task<CaseKeys> keys, CancellationToken ct)
    {
        var recorded = await store.ReadStreamAsync(id, ct: ct);
        if (recorded.Count == 0)
        {
            await keys;
            return null;
        }
        var loaded = LoadedCase.From(id, recorded, await keys);
        if (!reader.CanRead(loaded.HostPartyId)) return null;
        return new ReadableCase(recorded, loaded, await HostPartyStore.SizeAsync(db, loaded.HostPartyId, ct));
    }

    /// <summary>
    /// The case's view as of <paramref name="today"/> as UTF-8 JSON with its version (<c>GET /api/cases/{id}</c>), or null as
    /// <see cref="ReadAsync"/>. A long case (<see cref="CaseViewSnapshots.FromVersion"/> events or more) is answered from its sealed
    /// snapshot when that opens for the stream's current version, this day and this basis; otherwise the view is computed from the
    /// events (tenancy judged on them) and, for a long case, sealed for the next read.
    /// </summary>
    public async Task<CaseViewJson?> ReadViewAsync(Guid id, Principal reader, RuleCatalogue catalogue, LocalDate today, JsonSerializerOptions json, CancellationToken ct)
    {
        var keys = dataKeys.LoadAsync(db, [id], ct);
        if (await snapshots.FindAsync(id, ct) is { } stored && stored.AsOf == today)
        {
            var headRead = store.StreamVersionAsync(id, ct);
            var size = await HostPartyStore.SizeAsync(db, stored.HostPartyId, ct);
            if (await headRead == stored.Version && stored.Basis == CaseViewSnapshots.BasisOf(catalogue, size)
                && CaseViewSnapshots.Open(await keys, stored) is { } answer)
                return reader.CanRead(stored.HostPartyId) ? new CaseViewJson(stored.Version, answer) : null;
        }
        var readable = await ReadAsync(id, reader, keys, ct);
        if (readable is null) return null;
        var view = JsonSerializer.SerializeToUtf8Bytes(CaseView.From(readable.Case, catalogue, today, readable.Sizes), json);
        if (readable.Case.Version >= CaseViewSnapshots.FromVersion
            && CaseViewSnapshots.Seal(readable.Case.Keys, id, readable.Case.Version, today, readable.Case.HostPartyId, CaseViewSnapshots.BasisOf(catalogue, readable.Sizes), view) is { } sealedView)
            await snapshots.SaveAsync(sealedView, ct);
        return new CaseViewJson(readable.Case.Version, view);
    }

    /// <summary>Whether the case exists and <paramref name="reader"/> may read it.</summary>
    public async Task<bool> CanReadAsync(Guid id, Principal reader, CancellationToken ct)
    {
        var recorded = await store.ReadStreamAsync(id, ct: ct);
        return recorded.Count > 0 && reader.CanRead(LoadedCase.From(id, recorded, dataKeys.Withheld).HostPartyId);
    }
}
