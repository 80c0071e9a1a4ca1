using CaseFlow.Api.Cases;
using CaseFlow.Domain.Rules;
using NpgsqlTypes;

namespace CaseFlow.Api.Projections;

/// <summary>
/// Every host-party (art. 518) and foreigner (art. 517) offence of every case, dated, with its tier: read per rolling 12 months for the
/// repeat-offence tiers and the one-year invitation ban (FINE518-REPEAT, 000 §1). Offences are facts as of the case's latest recorded
/// business date.
/// </summary>
public sealed class OffenceRegisterProjection(RuleCatalogue catalogue) : CaseProjection(catalogue)
{
    public const string TableName = "offences";

    public override string Name => "offences";
    protected override string Table => TableName;

    protected override IReadOnlyList<Column> Columns { get; } =
    [
        new("case_id", NpgsqlDbType.Uuid), new("host_party_id", NpgsqlDbType.Uuid), new("article", NpgsqlDbType.Integer), new("party", NpgsqlDbType.Text),
        new("offence_date", NpgsqlDbType.Date), new("tier", NpgsqlDbType.Text), new("mci", NpgsqlDbType.Numeric), new("tenge", NpgsqlDbType.Numeric),
        new("rule", NpgsqlDbType.Text),
    ];

    public override string CreateSql(Func<string, string> table) => $"""
        CREATE TABLE IF NOT EXISTS {table(TableName)} (
            case_id uuid NOT NULL, host_party_id uuid NOT NULL, article int NOT NULL, party text NOT NULL, offence_date date NOT NULL,
            tier text NOT NULL, mci numeric NOT NULL, tenge numeric, rule text NOT NULL, PRIMARY KEY (case_id, article, party, offence_date));
        CREATE INDEX IF NOT EXISTS {table(TableName)}_host ON {table(TableName)} (host_party_id, offence_date);
        """;

    protected override IEnumerable<object?[]> Rows(LoadedCase c, Evaluation? evaluation) =>
        (evaluation?.Offences ?? []).DistinctBy(o => (o.Article, o.Party, o.OffenceDate)).Select(o => new object?[]
        {
            c.Id.Value, c.HostPartyId, o.Article, o.Party == FineParty.HostParty ? "hostParty" : "foreigner", o.OffenceDate.ToDateOnly(), o.Tier, o.Mci, o.Tenge, o.Rule,
        });
}
