using System.Globalization;
using CaseFlow.Core.Cases;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Input;
using CaseFlow.Core.Projections;
using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Calendar;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
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
    public int Parallelism { get; set; } = 4;
}

public sealed record SweepResult(bool Full, int CasesChecked, int AlertsRaised, int AlertsResolved);

/// <summary>
/// The deadline sweep. Deadlines are data: the first tick of each Asia/Almaty day sweeps every case with an open deadline, an open
/// alert or a person in the country (the deadlines projection, the alerts table, the inline status; each asked of its owner); later ticks only the cases whose streams changed since the last tick
/// (followed on the global log). For each case it evaluates the rules as of today, raises the alerts whose day has come (ids are
/// deterministic, so a repeat or a second node raises nothing new; the stream version and the alerts primary key make sure of it) and
/// resolves open alerts whose condition cleared. The checkpoint moves only when a tick finished: a node killed mid-sweep loses nothing,
/// the next tick redoes its work.
/// </summary>
public sealed class AlertSweeper(NpgsqlDataSource db, CaseRepository cases, RuleCatalogue catalogue, IClock clock, IOptions<AlertOptions> options, ILogger<AlertSweeper> log)
{
    public const string Actor = "system:deadline-sweep";
    private const int Chunk = 500;

    public async Task<SweepResult> SweepAsync(CancellationToken ct)
    {
        var today = LegalTime.Today(clock);
        var settings = new AlertSettings(options.Value.StayEndingLeadDays);
        var (lastFull, position) = await StateAsync(ct);
        var full = lastFull != today;

        // The log position is read before the candidates, so a change committed during the sweep is seen by the next tick.
        var (changed, reached) = await ChangedSinceAsync(position, ct);
        var candidates = full ? (await OpenCasesAsync(ct)).Union(changed).ToList() : changed.ToList();

        // Chunks in parallel: the work is round-trip bound, and each case is appended under its own stream version.
        int raised = 0, resolved = 0;
        await Parallel.ForEachAsync(candidates.Chunk(Chunk), new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct }, async (chunk, token) =>
        {
            var (r, s) = await SweepChunkAsync(chunk, today, settings, token);
            Interlocked.Add(ref raised, r);
            Interlocked.Add(ref resolved, s);
        });
        await SaveStateAsync(full ? today : lastFull, reached, ct);
        if (raised + resolved > 0) log.LogInformation("Sweep {Kind} {Today}: {Cases} cases, {Raised} alerts raised, {Resolved} resolved", full ? "full" : "tick", today, candidates.Count, raised, resolved);
        return new SweepResult(full, candidates.Count, raised, resolved);
    }

    private async Task<(int Raised, int Resolved)> SweepChunkAsync(Guid[] ids, LocalDate today, AlertSettings settings, CancellationToken ct)
    {
        int raised = 0, resolved = 0;
        await using var connection = await db.OpenConnectionAsync(ct);
        var history = await PostgresEventStore.ReadStreamsAsync(connection, null, ids, ct);
        var streams = history.GroupBy(e => e.StreamId).Where(s => CaseRepository.Types.Knows(s.First().Type)).Select(s => LoadedCase.From(s.Key, [.. s])).ToList();
        var sizes = await HostPartyStore.SizesAsync(connection, null, streams.Select(c => c.HostPartyId), ct);
        foreach (var loaded in streams)
        {
            var (r, s) = await SweepCaseAsync(loaded, sizes.GetValueOrDefault(loaded.HostPartyId), today, settings, ct);
            raised += r;
            resolved += s;
        }
        return (raised, resolved);
    }

    /// <summary>Raises and resolves the case's alerts as of <paramref name="today"/>; reloads and retries when another writer appended first.</summary>
    private async Task<(int Raised, int Resolved)> SweepCaseAsync(LoadedCase loaded, HostPartySize? size, LocalDate today, AlertSettings settings, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var evaluation = loaded.Evaluate(catalogue, size, today);
            var due = AlertRules.Due(catalogue, loaded.State, evaluation, today, settings);
            var commands = new List<CaseCommand>();
            foreach (var spec in AlertRules.ToRaise(due, loaded.Id, loaded.State, today, settings))
                commands.Add(new RaiseAlert(loaded.Id, AlertIds.For(loaded.Id, spec.Kind, spec.Due, spec.Level), spec.Kind, spec.Level, spec.Due, spec.Message, spec.Rule,
                    spec.Fine?.Article, spec.Fine?.Mci, spec.Fine?.Tenge, spec.Fine?.Rule, Actor, today));
            foreach (var cleared in AlertRules.Cleared(due, loaded.State))
                commands.Add(new ResolveAlert(loaded.Id, cleared.Id, "condition no longer holds", true, Actor, today));
            if (commands.Count == 0) return (0, 0);

            var state = loaded.State;
            var decided = new List<CaseEvent>();
            foreach (var command in commands)
            {
                var decision = CaseDecider.Decide(command, state, catalogue);
                decided.AddRange(decision.Events);
                state = decision.Events.Aggregate(state, CaseState.Evolve);
            }
            if (decided.Count == 0) return (0, 0);
            try
            {
                await cases.AppendAsync(loaded, loaded.Id, decided, new EventMetadata(Actor, Guid.CreateVersion7(), null, catalogue.Version), ct);
                return (decided.Count(e => e is AlertRaised), decided.Count(e => e is AlertResolved));
            }
            catch (Exception e) when (attempt < 3 && e is ConcurrencyException or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                loaded = await cases.LoadAsync(loaded.Id, ct: ct) ?? throw new InvalidOperationException($"case {loaded.Id} vanished");
            }
        }
    }

    /// <summary>
    /// Cases with an open deadline, an open alert or a person in the country. The deadlines projection is async; the inline status
    /// (in the country) is added so a projection lag never hides a case.
    /// </summary>
    private async Task<HashSet<Guid>> OpenCasesAsync(CancellationToken ct) =>
    [
        .. await DeadlinesProjection.CasesAsync(db, ct), .. await AlertProjection.CasesWithOpenAlertsAsync(db, ct), .. await CaseStatusProjection.InCountryAsync(db, ct),
    ];

    private async Task<(HashSet<Guid> Changed, GlobalPosition Reached)> ChangedSinceAsync(GlobalPosition from, CancellationToken ct)
    {
        var changed = new HashSet<Guid>();
        var store = cases.Store;
        var position = from;
        while (true)
        {
            var batch = await store.ReadAllAsync(position, 5000, ct);
            if (batch.Count == 0) break;
            foreach (var e in batch.Where(e => e.Metadata.Actor != Actor && CaseRepository.Types.Knows(e.Type))) changed.Add(e.StreamId);
            position = batch[^1].Position;
        }
        return (changed, position);
    }

    private async Task<(LocalDate? LastFull, GlobalPosition Position)> StateAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT last_full_date, position_tx::text, position_seq FROM sweep_state WHERE id = 1");
        await using var row = await command.ExecuteReaderAsync(ct);
        await row.ReadAsync(ct);
        return (row.IsDBNull(0) ? null : LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(0)),
            new GlobalPosition(ulong.Parse(row.GetString(1), CultureInfo.InvariantCulture), row.GetInt64(2)));
    }

    private async Task SaveStateAsync(LocalDate? lastFull, GlobalPosition position, CancellationToken ct)
    {
        await using var command = db.CreateCommand("UPDATE sweep_state SET last_full_date = $1, position_tx = $2::text::xid8, position_seq = $3 WHERE id = 1");
        command.Parameters.Add(new() { Value = (object?)lastFull?.ToDateOnly() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        command.Parameters.Add(new() { Value = position.Transaction.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = position.Sequence });
        await command.ExecuteNonQueryAsync(ct);
    }
}
