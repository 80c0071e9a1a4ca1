using System.Security.Cryptography;
using System.Text;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Cases;
using CaseFlow.EventStore;
using Npgsql;

namespace CaseFlow.Core.Alerts;

/// <summary>
/// A case with its alerts: the case as loaded from its own stream, the state with every alert event folded in (those recorded on the
/// case stream before issue 11 first, then the alert stream's), the alert stream (<see cref="AlertRepository.StreamsForAsync"/>) and
/// its version.
/// </summary>
public sealed record CaseAlerts(LoadedCase Case, CaseState State, long Version, Guid StreamId);

/// <summary>Events decided for one case's alert stream.</summary>
public sealed record AlertAppend(CaseAlerts Current, IReadOnlyList<CaseEvent> Events);

/// <summary>
/// Alerts live on a stream of their own per case (type <see cref="StreamType"/>, id derived from the case id), so raising,
/// acknowledging or resolving an alert never moves the case's version: the ETag a user read stays valid. Raising stays exactly-once:
/// the alert id is deterministic, the decider raises nothing already raised, and the alert stream's version check plus the
/// <c>alerts</c> primary key refuse a second writer. Appends go through <see cref="PostgresEventStore.AppendManyAsync"/> with the
/// inline <see cref="AlertProjection"/> in the same transaction, for one case or for a sweep's whole chunk.
/// </summary>
public sealed class AlertRepository(PostgresEventStore store, DataKeys dataKeys)
{
    public const string StreamType = "case-alerts";

    private static readonly HashSet<string> AlertTypes =
        [.. CaseEventTypes.Names.Where(n => n.Key == typeof(AlertRaised) || n.Key == typeof(AlertAcknowledged) || n.Key == typeof(AlertResolved)).Select(n => n.Value)];

    /// <summary>An alert event type (on an alert stream, or on a case stream before issue 11): never part of a case's lifecycle.</summary>
    public static bool IsAlertEvent(string type) => AlertTypes.Contains(type);

    /// <summary>
    /// The alert stream of a case: name-based from the case id, so every node finds the same stream, and in its case's order (ADR 28),
    /// so a sweep over cases in id order creates its alert streams side by side in the indexes.
    /// </summary>
    public static Guid StreamFor(CaseId id) => AlertIds.InCaseOrder(id, $"{StreamType}|{id.Value:D}");

    /// <summary>
    /// The alert stream of a case whose alerts began before ADR 28 (migration 0023 listed it in <c>legacy_alert_streams</c>): the first
    /// 128 bits of the same hash. A stream's id is part of its events' chain, so such a stream keeps its id for good.
    /// </summary>
    public static Guid LegacyStreamFor(CaseId id)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{StreamType}|{id.Value:D}"))[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>Each case's alert stream: the legacy one for a case migration 0023 listed, <see cref="StreamFor"/> for every other. One query.</summary>
    public static async Task<Dictionary<Guid, Guid>> StreamsForAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var streams = ids.ToDictionary(id => id, id => StreamFor(new CaseId(id)));
        await using var command = new NpgsqlCommand("SELECT case_id FROM legacy_alert_streams WHERE case_id = ANY($1)", connection, tx);
        command.Parameters.Add(new() { Value = ids.ToArray() });
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) streams[row.GetGuid(0)] = LegacyStreamFor(new CaseId(row.GetGuid(0)));
        return streams;
    }

    public PostgresEventStore Store => store;

    /// <summary>The case and its alerts (two streams, one read); null when the case does not exist.</summary>
    public async Task<CaseAlerts?> LoadAsync(CaseId id, CancellationToken ct)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        return (await LoadManyAsync(connection, dataKeys, [id.Value], ct)).SingleOrDefault();
    }

    /// <summary>
    /// The cases of <paramref name="ids"/> that exist, each with its alerts, in one read. A case whose events cannot be read (an insider
    /// wrote one no reader knows) is given to <paramref name="unreadable"/> and left out; without it, the error is thrown.
    /// </summary>
    public static async Task<IReadOnlyList<CaseAlerts>> LoadManyAsync(NpgsqlConnection connection, DataKeys dataKeys, IReadOnlyCollection<Guid> ids, CancellationToken ct,
        Action<Guid, Exception>? unreadable = null)
    {
        var alertStreams = await StreamsForAsync(connection, null, ids, ct);
        var streams = (await PostgresEventStore.ReadStreamsAsync(connection, null, [.. ids, .. alertStreams.Values], ct)).GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => g.ToList());
        var keys = await dataKeys.LoadAsync(connection, null, ids, ct);
        var loaded = new List<CaseAlerts>();
        foreach (var id in ids)
        {
            if (!streams.TryGetValue(id, out var caseEvents) || caseEvents[0].Type != CaseEventTypes.Names[typeof(CaseOpened)]) continue;
            try
            {
                var c = LoadedCase.From(id, caseEvents, keys);
                var alertEvents = streams.GetValueOrDefault(alertStreams[id]) ?? [];
                var state = alertEvents.Select(keys.Decode).Aggregate(c.State, CaseState.Evolve);
                loaded.Add(new CaseAlerts(c, state, alertEvents.Count == 0 ? 0 : alertEvents[^1].Version, alertStreams[id]));
            }
            catch (Exception e) when (unreadable is not null && e is not OperationCanceledException)
            {
                unreadable(id, e);
            }
        }
        return loaded;
    }

    /// <summary>Appends to one case's alert stream in its own transaction. Throws <see cref="ConcurrencyException"/> when another writer came first.</summary>
    public async Task AppendAsync(AlertAppend append, EventMetadata metadata, CancellationToken ct)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await AppendManyAsync(connection, tx, [append], metadata, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Appends to many cases' alert streams in the caller's transaction, all or nothing, with the inbox rows and their outbox.</summary>
    public static async Task AppendManyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<AlertAppend> appends, EventMetadata metadata, CancellationToken ct)
    {
        var writes = appends.Where(a => a.Events.Count > 0).ToList();
        if (writes.Count == 0) return;
        var recordedAt = await PostgresEventStore.AppendManyAsync(connection, tx,
            [.. writes.Select(a => new StreamAppend(a.Current.StreamId, StreamType, a.Current.Case.HostPartyId.ToString(), a.Current.Version,
                [.. a.Events.Select(e => a.Current.Case.Keys.Encode(e, Guid.CreateVersion7()))]))], metadata, ct);
        await AlertProjection.ApplyAsync(connection, tx, writes, recordedAt, ct);
    }
}
