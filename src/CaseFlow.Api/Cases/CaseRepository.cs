using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Json;
using CaseFlow.EventStore;
using NodaTime;

namespace CaseFlow.Api.Cases;

/// <summary>A case loaded from its stream: the events, the folded state and the stream version (the ETag).</summary>
public sealed record LoadedCase(CaseId Id, IReadOnlyList<CaseEvent> Events, CaseState State, long Version);

/// <summary>Loads cases from the event store and appends decided events with the case status projection in the same transaction.</summary>
public sealed class CaseRepository(PostgresEventStore store)
{
    public const string StreamType = "case";

    public static EventTypeMap Types { get; } = CreateTypes();

    private static EventTypeMap CreateTypes()
    {
        var map = new EventTypeMap(CaseFlowJson.Options);
        map.Register<CaseOpened>(CaseEventTypes.Names[typeof(CaseOpened)]);
        map.Register<Entered>(CaseEventTypes.Names[typeof(Entered)]);
        map.Register<Notified>(CaseEventTypes.Names[typeof(Notified)]);
        map.Register<Exited>(CaseEventTypes.Names[typeof(Exited)]);
        return map;
    }

    public PostgresEventStore Store => store;

    /// <summary>The case, or null when no such stream exists. <paramref name="recordedAtOrBefore"/> reads what was known then.</summary>
    public async Task<LoadedCase?> LoadAsync(CaseId id, Instant? recordedAtOrBefore = null, CancellationToken ct = default)
    {
        var recorded = await store.ReadStreamAsync(id.Value, recordedAtOrBefore: recordedAtOrBefore, ct: ct);
        if (recorded.Count == 0) return null;
        var events = recorded.Select(r => (CaseEvent)Types.FromRecorded(r)).ToList();
        return new LoadedCase(id, events, CaseState.Fold(events), recorded[^1].Version);
    }

    /// <summary>Appends at <paramref name="expectedVersion"/>; throws <see cref="ConcurrencyException"/> when another writer came first.</summary>
    public async Task<LoadedCase> AppendAsync(LoadedCase? current, CaseId id, IReadOnlyList<CaseEvent> decided, EventMetadata metadata, CancellationToken ct)
    {
        var before = current?.Events ?? [];
        var events = before.Concat(decided).ToList();
        var state = CaseState.Fold(events);
        var expected = current?.Version ?? 0;
        var version = expected + decided.Count;
        var tenant = state.HostPartyId!.Value.ToString();
        await store.AppendAsync(id.Value, StreamType, tenant, expected, [.. decided.Select(e => Types.ToNew(e, Guid.CreateVersion7()))], metadata,
            (connection, tx, appended, token) => CaseStatusProjection.ApplyAsync(connection, tx, id, state, version, appended[^1].RecordedAt, token), ct);
        return new LoadedCase(id, events, state, version);
    }
}
