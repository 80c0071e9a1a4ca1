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

    protected override IEnumerable<object?[]> Rows(LoadedCase c, Evaluation? evaluation) =>
        (evaluation?.Offences ?? []).DistinctBy(o => (o.Article, o.Party, o.OffenceDate)).Select(o => new object?[]
        {
            c.Id.Value, c.HostPartyId, o.Article, o.Party == FineParty.HostParty ? "hostParty" : "foreigner", o.OffenceDate.ToDateOnly(), o.Tier, o.Mci, o.Tenge, o.Rule,
        });
}
