using CaseFlow.Api.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Api.Projections;

/// <summary>
/// Every host-party (art. 518) and foreigner (art. 517) offence of every case, dated, with its tier: read per rolling 12 months for the
/// repeat-offence tiers and the one-year invitation ban (FINE518-REPEAT, 000 §1).
/// </summary>
public sealed class OffenceRegisterProjection(RuleCatalogue catalogue) : CaseProjection(catalogue)
{
    public const string Table = "offences";

    public override string Name => "offences";
    public override IReadOnlyList<string> Tables => [Table];

    public override string CreateSql(Func<string, string> table) => $"""
        CREATE TABLE IF NOT EXISTS {table(Table)} (
            case_id uuid NOT NULL, host_party_id uuid NOT NULL, article int NOT NULL, party text NOT NULL, offence_date date NOT NULL,
            tier text NOT NULL, mci numeric NOT NULL, tenge numeric, rule text NOT NULL, PRIMARY KEY (case_id, article, party, offence_date));
        CREATE INDEX IF NOT EXISTS {table(Table)}_host ON {table(Table)} (host_party_id, offence_date);
        """;

    protected override async Task ApplyCaseAsync(ProjectionContext context, LoadedCase c, Evaluation? evaluation, CancellationToken ct)
    {
        await DeleteCaseRowsAsync(context, Table, c.Id.Value, ct);
        foreach (var o in (evaluation?.Offences ?? []).DistinctBy(o => (o.Article, o.Party, o.OffenceDate)))
        {
            await using var insert = new NpgsqlCommand($"INSERT INTO {context.Table(Table)} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", context.Connection, context.Transaction);
            insert.Parameters.Add(new() { Value = c.Id.Value });
            insert.Parameters.Add(new() { Value = c.HostPartyId });
            insert.Parameters.Add(new() { Value = o.Article });
            insert.Parameters.Add(new() { Value = o.Party == FineParty.HostParty ? "hostParty" : "foreigner" });
            insert.Parameters.Add(new() { Value = o.OffenceDate.ToDateOnly(), NpgsqlDbType = NpgsqlDbType.Date });
            insert.Parameters.Add(new() { Value = o.Tier });
            insert.Parameters.Add(new() { Value = o.Mci });
            insert.Parameters.Add(new() { Value = (object?)o.Tenge ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
            insert.Parameters.Add(new() { Value = o.Rule });
            await insert.ExecuteNonQueryAsync(ct);
        }
    }
}
