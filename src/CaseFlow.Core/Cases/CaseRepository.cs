using CaseFlow.Core.Security;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;
using Npgsql;

namespace CaseFlow.Core.Cases;

/// <summary>A case loaded from its stream: the events, the folded state, the stream version (the ETag) and the data keys it was read with.</summary>
public sealed record LoadedCase(CaseId Id, IReadOnlyList<CaseEvent> Events, CaseState State, long Version)
{
    /// <summary>The keys that opened (and seal) its personal data; <see cref="CaseKeys.Withheld"/> when read without them.</summary>
    public required CaseKeys Keys { get; init; }

    public Guid HostPartyId => State.HostPartyId!.Value.Value;

    /// <summary>The latest business date the case's events carry (the read models judge as of it, never the clock); null before any.</summary>
    public LocalDate? LatestBusinessDate
    {
        get
        {
            LocalDate? latest = null; // a loop, not OfType/Cast/Max: those box every date (read for every case a projection writes)
            foreach (var e in Events)
                if (CaseEvents.DateOf(e) is { } date && (latest is null || date > latest)) latest = date;
            return latest;
        }
    }

    /// <summary>The rules applied to the case as of <paramref name="asOf"/>: the one way a case is evaluated (the host's size on each offence's date sets its art. 518 tier).</summary>
    public Evaluation Evaluate(RuleCatalogue catalogue, HostPartySizes? sizes, LocalDate asOf) =>
        RulesEngine.Evaluate(catalogue, CaseFactsMapper.From(Events, sizes), asOf);

    /// <summary>The case folded from its recorded events (at least one), its personal fields opened with <paramref name="keys"/>.</summary>
    public static LoadedCase From(Guid id, IReadOnlyList<RecordedEvent> recorded, CaseKeys keys)
    {
        var events = recorded.Select(keys.Decode).ToList();
        return new LoadedCase(new CaseId(id), events, CaseState.Fold(events), recorded[^1].Version) { Keys = keys };
    }
}

/// <summary>
/// A read model written in the transaction that appends a case's events (style rule: events and inline projections commit together).
/// Registered with the repository; the repository does not know what they are.
/// </summary>
public interface IInlineCaseProjection
{
    /// <summary>The stream type whose appends it follows (<see cref="CaseRepository.StreamType"/> for case read models).</summary>
    string StreamType { get; }

    /// <param name="updated">The case after the append.</param>
    /// <param name="decided">The events just appended.</param>
    Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LoadedCase updated, IReadOnlyList<CaseEvent> decided, Instant recordedAt, CancellationToken ct);

    /// <summary>Many cases just opened (an import's batch), in a number of round trips that does not grow with them.</summary>
    Task ApplyManyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<LoadedCase> opened, Instant recordedAt, CancellationToken ct);
}

/// <summary>Loads cases from the event store and appends decided events with the registered inline projections in the same transaction.</summary>
public sealed class CaseRepository(PostgresEventStore store, DataKeys dataKeys, IEnumerable<IInlineCaseProjection> inline)
{
    private readonly IReadOnlyList<IInlineCaseProjection> inline = [.. inline.Where(p => p.StreamType == StreamType)];

    public const string StreamType = "case";

    public static EventTypeMap Types { get; } = CreateTypes();

    private static EventTypeMap CreateTypes()
    {
        var map = new EventTypeMap(CaseFlowJson.Options);
        foreach (var (type, name) in CaseEventTypes.Names) map.Register(type, name);
        return map;
    }

    public PostgresEventStore Store => store;

    public DataKeys DataKeys => dataKeys;

    /// <summary>The case, or null when no such stream exists (the writer's load: tenancy is the caller's, see <see cref="CaseReader"/>).</summary>
    public async Task<LoadedCase?> LoadAsync(CaseId id, CancellationToken ct = default)
    {
        var recorded = await store.ReadStreamAsync(id.Value, ct: ct);
        return recorded.Count == 0 ? null : LoadedCase.From(id.Value, recorded, await dataKeys.LoadAsync(store.DataSource, [id.Value], ct));
    }

    /// <summary>Appends in its own transaction. Throws <see cref="ConcurrencyException"/> when another writer came first.</summary>
    public async Task<LoadedCase> AppendAsync(LoadedCase? current, CaseId id, IReadOnlyList<CaseEvent> decided, EventMetadata metadata, CancellationToken ct)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var updated = await AppendAsync(connection, tx, current, id, decided, metadata, ct);
        await tx.CommitAsync(ct);
        return updated;
    }

    /// <summary>Appends at the loaded version inside the caller's transaction, with the registered inline projections.</summary>
    public async Task<LoadedCase> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LoadedCase? current, CaseId id, IReadOnlyList<CaseEvent> decided,
        EventMetadata metadata, CancellationToken ct)
    {
        var events = (current?.Events ?? []).Concat(decided).ToList();
        // A new case gets its data key in this transaction (as does a case from before encryption, at its first append since).
        var keys = current is not null && current.Keys.Holds(id.Value) ? current.Keys : await dataKeys.EnsureAsync(connection, tx, [id.Value], ct);
        var updated = new LoadedCase(id, events, CaseState.Fold(events), (current?.Version ?? 0) + decided.Count) { Keys = keys };
        var appended = await PostgresEventStore.AppendAsync(connection, tx, id.Value, StreamType, updated.HostPartyId.ToString(), current?.Version ?? 0,
            [.. decided.Select(e => keys.Encode(e, Guid.CreateVersion7()))], metadata, ct);
        foreach (var projection in inline) await projection.ApplyAsync(connection, tx, updated, decided, appended[^1].RecordedAt, ct);
        return updated;
    }

    /// <summary>
    /// Opens many new cases inside the caller's transaction in a number of round trips that does not grow with them (an import's batch):
    /// one multi-stream append, then each inline projection's rows for all of them. All or nothing: on an exception the caller rolls back.
    /// </summary>
    public async Task<IReadOnlyList<LoadedCase>> OpenManyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<(CaseId Id, IReadOnlyList<CaseEvent> Events)> opened,
        EventMetadata metadata, CancellationToken ct)
    {
        var keys = await dataKeys.EnsureAsync(connection, tx, [.. opened.Select(c => c.Id.Value)], ct);
        var cases = opened.Select(c => new LoadedCase(c.Id, c.Events, CaseState.Fold(c.Events), c.Events.Count) { Keys = keys }).ToList();
        var recordedAt = await PostgresEventStore.AppendManyAsync(connection, tx,
            [.. cases.Select(c => new StreamAppend(c.Id.Value, StreamType, c.HostPartyId.ToString(), 0, [.. c.Events.Select(e => keys.Encode(e, Guid.CreateVersion7()))]))], metadata, ct);
        foreach (var projection in inline) await projection.ApplyManyAsync(connection, tx, cases, recordedAt, ct);
        return cases;
    }
}
