using CaseFlow.Core.Security;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Projections;
using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Calendar;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

namespace CaseFlow.Core.Alerts;

public sealed class AlertOptions
{
    /// <summary>Stay-ending alerts, days before the last lawful day.</summary>
    public int[] StayEndingLeadDays { get; set; } = [7, 3, 1];

    /// <summary>Chunks of cases swept at once.</summary>
    public int Parallelism { get; set; } = 2;

    /// <summary>Cases per chunk: read in one round trip, their alerts appended in one transaction.</summary>
    public int ChunkSize { get; set; } = 1000;
}

public sealed record SweepResult(bool Full, int CasesChecked, int AlertsRaised, int AlertsResolved, int CasesFailed = 0);

/// <summary>
/// The deadline sweep, driven by due dates. The first tick of each Asia/Almaty day reads only the cases whose alert date has come
/// (<c>alert_dates</c>, kept by the deadlines projection, after the last day swept and up to today); every tick adds the cases whose
/// streams changed since the last one (followed on the global log, from the deadlines projection's checkpoint when that is behind, so
/// what the projection has not read yet is never missed) and the cases that failed before. For each case it evaluates the rules as of
/// today, raises the alerts whose day has come and resolves those whose condition cleared, on the case's alert stream
/// (<see cref="AlertRepository"/>): a chunk of cases is read in one round trip and its alerts appended in one transaction; when another
/// writer came first, the chunk's cases are appended one by one (ids are deterministic, so nothing is raised twice). A case that cannot
/// be evaluated or appended is recorded in <c>sweep_failures</c> (case, error, attempts) and skipped; the rest go on and the checkpoint
/// moves. A node killed mid-tick loses nothing: the checkpoint moves only when a tick finished, and the next tick redoes its work.
/// </summary>
public sealed partial class AlertSweeper(NpgsqlDataSource db, PostgresEventStore store, DataKeys dataKeys, RuleCatalogue catalogue, IClock clock, IOptions<AlertOptions> options,
    ILogger<AlertSweeper> log)
{
    public const string Actor = "system:deadline-sweep";

    public async Task<SweepResult> SweepAsync(CancellationToken ct)
    {
        var today = LegalTime.Today(clock);
        var settings = new AlertSettings(options.Value.StayEndingLeadDays);
        var (lastFull, position) = await StateAsync(ct);
        var full = lastFull != today;

        // The log position is read before the candidates, so a change committed during the sweep is seen by the next tick.
        var from = position;
        if (full && await DeadlinesCoveredAsync(ct) is var covered && covered.CompareTo(from) < 0) from = covered;
        var (changed, reached) = await ChangedSinceAsync(from, ct);
        var candidates = changed.Union(await FailedCasesAsync(ct));
        if (full) candidates = candidates.Union(await DeadlinesProjection.CasesDueAsync(db, lastFull, today, ct));
        var ids = candidates.ToList();
        ids.Sort(); // in id order: a chunk's cases, alert streams and alerts are neighbours in every index they write (ADR 28)

        int raised = 0, resolved = 0, failed = 0;
        await Parallel.ForEachAsync(ids.Chunk(options.Value.ChunkSize), new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct },
            async (chunk, token) =>
            {
                var (r, s, f) = await SweepChunkAsync(chunk, today, settings, token);
                Interlocked.Add(ref raised, r);
                Interlocked.Add(ref resolved, s);
                Interlocked.Add(ref failed, f);
            });
        await SaveStateAsync(full ? today : lastFull, reached, ct);
        if (raised + resolved + failed > 0)
            log.LogInformation("Sweep {Kind} {Today}: {Cases} cases, {Raised} alerts raised, {Resolved} resolved, {Failed} cases failed", full ? "full" : "tick", today, ids.Count,
                raised, resolved, failed);
        return new SweepResult(full, ids.Count, raised, resolved, failed);
    }

    private async Task<(int Raised, int Resolved, int Failed)> SweepChunkAsync(Guid[] ids, LocalDate today, AlertSettings settings, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var failures = new Dictionary<Guid, string>();
        var cases = await AlertRepository.LoadManyAsync(connection, dataKeys, ids, ct, (id, e) => failures[id] = $"{e.GetType().Name}: {e.Message}");
        var sizes = await HostPartyStore.SizesAsync(connection, null, cases.Select(c => c.Case.HostPartyId), ct);
        var appends = new List<AlertAppend>();
        foreach (var c in cases)
        {
            try
            {
                var events = Decide(c, sizes.GetValueOrDefault(c.Case.HostPartyId), today, settings);
                if (events.Count > 0) appends.Add(new AlertAppend(c, events));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures[c.Case.Id.Value] = $"{e.GetType().Name}: {e.Message}";
            }
        }

        var metadata = new EventMetadata(Actor, Guid.CreateVersion7(), null, catalogue.Version);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await AlertRepository.AppendManyAsync(connection, tx, appends, metadata, ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (e is ConcurrencyException or PostgresException)
        {
            // Another writer (a user acknowledging, another node sweeping) came first, or one case's append is refused: one by one.
            appends = await AppendOneByOneAsync(appends, today, settings, sizes, failures, metadata, ct);
        }
        await RecordOutcomesAsync(ids.Except(failures.Keys).ToArray(), failures, ct);
        return (appends.Sum(a => a.Events.Count(e => e is AlertRaised)), appends.Sum(a => a.Events.Count(e => e is AlertResolved)), failures.Count);
    }

    private async Task<List<AlertAppend>> AppendOneByOneAsync(List<AlertAppend> appends, LocalDate today, AlertSettings settings, IReadOnlyDictionary<Guid, HostPartySizes?> sizes,
        Dictionary<Guid, string> failures, EventMetadata metadata, CancellationToken ct)
    {
        var done = new List<AlertAppend>();
        var repository = new AlertRepository(store, dataKeys);
        foreach (var first in appends)
        {
            var append = first;
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    if (attempt > 0) // another writer came first: decide again from what is there now
                    {
                        var reloaded = await repository.LoadAsync(append.Current.Case.Id, ct);
                        if (reloaded is null) break;
                        append = new AlertAppend(reloaded, Decide(reloaded, sizes.GetValueOrDefault(reloaded.Case.HostPartyId), today, settings));
                    }
                    if (append.Events.Count > 0) await repository.AppendAsync(append, metadata, ct);
                    done.Add(append);
                    break;
                }
                catch (Exception e) when (e is ConcurrencyException or PostgresException && attempt < 3)
                {
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures[append.Current.Case.Id.Value] = $"{e.GetType().Name}: {e.Message}";
                    break;
                }
            }
        }
        return done;
    }

    /// <summary>The alert events a case calls for today: the latest level of each condition not yet raised, and the open alerts whose condition cleared.</summary>
    private IReadOnlyList<CaseEvent> Decide(CaseAlerts c, HostPartySizes? sizes, LocalDate today, AlertSettings settings)
    {
        var evaluation = c.Case.Evaluate(catalogue, sizes, today);
        var due = AlertRules.Due(catalogue, c.State, evaluation, today, settings);
        var commands = new List<CaseCommand>();
        foreach (var spec in AlertRules.ToRaise(due, c.State, today, settings))
            commands.Add(new RaiseAlert(c.Case.Id, AlertIds.For(c.Case.Id, spec.Kind, spec.Due, spec.Level), spec.Kind, spec.Level, spec.Due, spec.Message, spec.Rule,
                spec.Fine?.Article, spec.Fine?.Mci, spec.Fine?.Tenge, spec.Fine?.Rule, Actor, today));
        foreach (var cleared in AlertRules.Cleared(due, c.State))
            commands.Add(new ResolveAlert(c.Case.Id, cleared.Id, "condition no longer holds", true, Actor, today));
        var state = c.State;
        var decided = new List<CaseEvent>();
        foreach (var command in commands)
        {
            var decision = CaseDecider.Decide(command, state, catalogue);
            decided.AddRange(decision.Events);
            state = decision.Events.Aggregate(state, CaseState.Evolve);
        }
        return decided;
    }

    /// <summary>
    /// How far the alert dates are complete: the deadlines projection's checkpoint, or the start of the log while it rebuilds (its live
    /// table is then not yet filled) or has never run.
    /// </summary>
    private async Task<GlobalPosition> DeadlinesCoveredAsync(CancellationToken ct)
    {
        var row = (await ProjectionTable.ReadAllAsync(db, ct)).SingleOrDefault(p => p.Name == "deadlines");
        return row is null || row.RebuildRequested || row.State == "rebuilding" ? GlobalPosition.Start : row.Position;
    }

    private static readonly string[] NotLifecycle = [.. CaseEventTypes.Names.Values.Where(AlertRepository.IsAlertEvent)];

    /// <summary>The cases whose lifecycle changed after <paramref name="from"/> (not the sweep's own appends, not alert events), and the position reached.</summary>
    private async Task<(HashSet<Guid> Changed, GlobalPosition Reached)> ChangedSinceAsync(GlobalPosition from, CancellationToken ct)
    {
        var changed = new HashSet<Guid>();
        var position = from;
        while (true)
        {
            var (streams, reached, read) = await store.ChangedStreamsAsync(position, 50_000, Actor, NotLifecycle, ct);
            if (read == 0) break;
            changed.UnionWith(streams);
            position = reached;
        }
        return (changed, position);
    }
}
