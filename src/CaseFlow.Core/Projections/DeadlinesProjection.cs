using System.Text.Json;
using CaseFlow.Core.Cases;
using CaseFlow.Domain.Rules;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Projections;

/// <summary>
/// One row per open deadline of every case (kind, due date, case, host party, rule, catalogue version): the table the alert sweep
/// reads. While the person is in the country every deadline not yet met stays (a missed notification still needs filing); after
/// the exit only those still open; a deadline leaves when it is met or moot. A closed case has none.
/// </summary>
public sealed class DeadlinesProjection(RuleCatalogue catalogue) : CaseProjection(catalogue)
{
    public const string TableName = "deadlines";

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
            yield return [c.Id.Value, Camel(d.Kind.ToString()), d.Due.ToDateOnly(), Camel(d.Status.ToString()), c.HostPartyId, d.Rule, evaluation.CatalogueVersion];
    }

    /// <summary>Every case with an open deadline (the sweep's first candidates).</summary>
    public static async Task<IReadOnlyList<Guid>> CasesAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT DISTINCT case_id FROM deadlines");
        var ids = new List<Guid>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) ids.Add(row.GetGuid(0));
        return ids;
    }

    private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}
