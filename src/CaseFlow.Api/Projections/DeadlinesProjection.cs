using System.Text.Json;
using CaseFlow.Api.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Api.Projections;

/// <summary>
/// One row per open deadline of every case (kind, due date, case, host party, rule, catalogue version): the table the alert sweep
/// reads. While the person is in the country every deadline not yet met stays (a missed notification still needs filing); after
/// the exit only those still open; a deadline leaves when it is met or moot. A closed case has none.
/// </summary>
public sealed class DeadlinesProjection(RuleCatalogue catalogue) : CaseProjection(catalogue)
{
    public const string Table = "deadlines";

    public override string Name => "deadlines";
    public override IReadOnlyList<string> Tables => [Table];

    public override string CreateSql(Func<string, string> table) => $"""
        CREATE TABLE IF NOT EXISTS {table(Table)} (
            case_id uuid NOT NULL, kind text NOT NULL, due date NOT NULL, status text NOT NULL, host_party_id uuid NOT NULL,
            rule text NOT NULL, catalogue_version text NOT NULL, PRIMARY KEY (case_id, kind, due));
        CREATE INDEX IF NOT EXISTS {table(Table)}_due ON {table(Table)} (due, kind);
        """;

    protected override async Task ApplyCaseAsync(ProjectionContext context, LoadedCase c, Evaluation? evaluation, CancellationToken ct)
    {
        await DeleteCaseRowsAsync(context, Table, c.Id.Value, ct);
        if (evaluation is null || c.State.Closed) return;
        var open = evaluation.Deadlines.Where(d => c.State.InCountry ? d.Status != DeadlineStatus.Met : d.Status == DeadlineStatus.Open).DistinctBy(d => (d.Kind, d.Due));
        foreach (var d in open)
        {
            await using var insert = new NpgsqlCommand($"INSERT INTO {context.Table(Table)} VALUES ($1, $2, $3, $4, $5, $6, $7)", context.Connection, context.Transaction);
            insert.Parameters.Add(new() { Value = c.Id.Value });
            insert.Parameters.Add(new() { Value = JsonNamingPolicy.CamelCase.ConvertName(d.Kind.ToString()) });
            insert.Parameters.Add(new() { Value = d.Due.ToDateOnly(), NpgsqlDbType = NpgsqlDbType.Date });
            insert.Parameters.Add(new() { Value = JsonNamingPolicy.CamelCase.ConvertName(d.Status.ToString()) });
            insert.Parameters.Add(new() { Value = c.HostPartyId });
            insert.Parameters.Add(new() { Value = d.Rule });
            insert.Parameters.Add(new() { Value = evaluation.CatalogueVersion });
            await insert.ExecuteNonQueryAsync(ct);
        }
    }
}
