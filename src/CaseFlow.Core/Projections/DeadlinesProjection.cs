using CaseFlow.Core.Security;
using CaseFlow.Core.Cases;
using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Projections;

/// <summary>
/// One row per open deadline of every case (kind, due date, case, host party, rule, catalogue version): the table the alert sweep
/// reads. While the person is in the country every deadline not yet met stays (a missed notification still needs filing); after
/// the exit only those still open; a deadline leaves when it is met or moot. A closed case has none.
/// </summary>
public sealed class DeadlinesProjection(RuleCatalogue catalogue, DataKeys dataKeys, AlertSettings settings) : CaseProjection(catalogue, dataKeys)
{
    public const string TableName = "deadlines";
    public const string AlertDatesTable = "alert_dates";

    public override string Name => "deadlines";
    public override string Table => TableName;

    public override IReadOnlyList<Column> Columns { get; } =
    [
        new("case_id", NpgsqlDbType.Uuid), new("kind", NpgsqlDbType.Text), new("due", NpgsqlDbType.Date), new("status", NpgsqlDbType.Text),
        new("host_party_id", NpgsqlDbType.Uuid), new("rule", NpgsqlDbType.Text), new("catalogue_version", NpgsqlDbType.Text),
    ];

    protected override IEnumerable<object?[]> Rows(LoadedCase c, Evaluation? evaluation)
    {
        if (evaluation is null || c.State.Closed) yield break;
        foreach (var d in evaluation.Deadlines.Where(d => d.Outstanding && (c.State.InCountry || d.Status == DeadlineStatus.Open)).DistinctBy(d => (d.Kind, d.Due)))
            yield return [c.Id.Value, CamelCase<DeadlineKind>.Of(d.Kind), d.Due.ToDateOnly(), CamelCase<DeadlineStatus>.Of(d.Status), c.HostPartyId, d.Rule, evaluation.CatalogueVersion];
    }

    /// <summary>
    /// The alert dates (<c>alert_dates</c>, indexed by date): the days from the case's latest business date on when its alerts can
    /// change with no new event (<see cref="AlertRules.Dates"/>). Deterministic like the rest: judged from events, never the clock.
    /// </summary>
    protected override TableShape? Companion { get; } = new(AlertDatesTable, [new("case_id", NpgsqlDbType.Uuid), new("on_date", NpgsqlDbType.Date)]);

    protected override IEnumerable<object?[]> CompanionRows(LoadedCase c, Evaluation? evaluation, HostPartySizes? sizes)
    {
        if (evaluation is null) return [];
        return AlertRules.Dates(Catalogue, c.State, evaluation, evaluation.AsOf, settings, day => c.Evaluate(Catalogue, sizes, day))
            .Select(day => new object?[] { c.Id.Value, day.ToDateOnly() });
    }

    /// <summary>The cases with an alert date after <paramref name="after"/> (any, when null) and on or before <paramref name="today"/>: the day's sweep.</summary>
    public static async Task<IReadOnlyList<Guid>> CasesDueAsync(NpgsqlDataSource db, LocalDate? after, LocalDate today, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT DISTINCT case_id FROM alert_dates WHERE on_date > coalesce($1::date, '-infinity'::date) AND on_date <= $2
            """);
        command.Parameters.Add(new() { Value = (object?)after?.ToDateOnly() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new() { Value = today.ToDateOnly(), NpgsqlDbType = NpgsqlDbType.Date });
        var ids = new List<Guid>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) ids.Add(row.GetGuid(0));
        return ids;
    }
}
