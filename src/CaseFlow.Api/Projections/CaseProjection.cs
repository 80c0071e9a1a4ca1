using CaseFlow.Api.Cases;
using CaseFlow.Api.HostParties;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using NodaTime;

namespace CaseFlow.Api.Projections;

/// <summary>
/// Base of the projections that need a whole case: for each case touched by a batch, its events up to the latest version in the
/// batch are folded and evaluated as of the case's latest business date (never the clock), and the subclass replaces that case's rows.
/// Reading only committed earlier versions of the same streams keeps incremental runs and rebuilds identical.
/// </summary>
public abstract class CaseProjection(RuleCatalogue catalogue) : IProjection
{
    public abstract string Name { get; }
    public virtual PoisonPolicy Policy => PoisonPolicy.Skip;
    public abstract IReadOnlyList<string> Tables { get; }
    public abstract string CreateSql(Func<string, string> table);

    protected abstract Task ApplyCaseAsync(ProjectionContext context, LoadedCase c, Evaluation? evaluation, CancellationToken ct);

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
    {
        var caseEvents = batch.Where(e => CaseRepository.Types.Knows(e.Type)).ToList();
        if (caseEvents.Count == 0) return;
        var upTo = caseEvents.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => g.Max(e => e.Version));
        var history = await PostgresEventStore.ReadStreamsAsync(context.Connection, context.Transaction, upTo.Keys, ct);
        foreach (var stream in history.GroupBy(e => e.StreamId))
        {
            var recorded = stream.Where(e => e.Version <= upTo[stream.Key]).ToList();
            var events = recorded.Select(r => (CaseEvent)CaseRepository.Types.FromRecorded(r)).ToList();
            var loaded = new LoadedCase(new CaseId(stream.Key), events, CaseState.Fold(events), recorded[^1].Version);
            var dates = events.Select(CaseEvents.DateOf).OfType<LocalDate>().ToList();
            Evaluation? evaluation = null;
            if (dates.Count > 0)
            {
                var size = await HostPartyStore.SizeAsync(context.Connection, context.Transaction, loaded.HostPartyId, ct);
                evaluation = RulesEngine.Evaluate(catalogue, CaseFactsMapper.From(events, size), dates.Max());
            }
            await ApplyCaseAsync(context, loaded, evaluation, ct);
        }
    }

    protected static async Task DeleteCaseRowsAsync(ProjectionContext context, string table, Guid caseId, CancellationToken ct)
    {
        await using var delete = new Npgsql.NpgsqlCommand($"DELETE FROM {context.Table(table)} WHERE case_id = $1", context.Connection, context.Transaction);
        delete.Parameters.Add(new() { Value = caseId });
        await delete.ExecuteNonQueryAsync(ct);
    }
}
