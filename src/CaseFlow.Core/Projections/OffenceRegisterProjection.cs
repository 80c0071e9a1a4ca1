using CaseFlow.Core.Security;
using CaseFlow.Core.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Projections;

/// <summary>
/// Every host-party (art. 518) and foreigner (art. 517) offence of every case, dated, with its tier: read per rolling 12 months for the
/// repeat-offence tiers and the one-year invitation ban (FINE518-REPEAT, 000 §1). Offences are facts as of the case's latest recorded
/// business date.
/// </summary>
/// <summary>An offence on the register (art. 517 foreigner, art. 518 host party).</summary>
public sealed record OffenceEntry(Guid CaseId, int Article, string Party, LocalDate OffenceDate, string Tier, decimal Mci, decimal? Tenge, string Rule);

public sealed class OffenceRegisterProjection(RuleCatalogue catalogue, DataKeys dataKeys) : CaseProjection(catalogue, dataKeys)
{
    public const string TableName = "offences";

    public override string Name => "offences";
    public override string Table => TableName;

    public override IReadOnlyList<Column> Columns { get; } =
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

    /// <summary>The host party's offences dated within the 12 months before <paramref name="today"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<OffenceEntry>> Last12MonthsAsync(NpgsqlDataSource db, Guid hostParty, LocalDate today, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT case_id, article, party, offence_date, tier, mci, tenge, rule FROM offences
            WHERE host_party_id = $1 AND offence_date > $2 - interval '12 months' ORDER BY offence_date
            """);
        command.Parameters.Add(new() { Value = hostParty });
        command.Parameters.Add(new() { Value = today.ToDateOnly() });
        var rows = new List<OffenceEntry>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            rows.Add(new OffenceEntry(row.GetGuid(0), row.GetInt32(1), row.GetString(2), LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(3)), row.GetString(4),
                row.GetDecimal(5), row.IsDBNull(6) ? null : row.GetDecimal(6), row.GetString(7)));
        return rows;
    }

    /// <summary>How many offences (all, and the host party's own) are dated within the 12 months before <paramref name="today"/>.</summary>
    public static async Task<(long All, long HostParty)> CountLast12MonthsAsync(NpgsqlDataSource db, Guid hostParty, LocalDate today, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*), count(*) FILTER (WHERE party = 'hostParty') FROM offences
            WHERE host_party_id = $1 AND offence_date > $2 - interval '12 months'
            """);
        command.Parameters.Add(new() { Value = hostParty });
        command.Parameters.Add(new() { Value = today.ToDateOnly() });
        await using var row = await command.ExecuteReaderAsync(ct);
        await row.ReadAsync(ct);
        return (row.GetInt64(0), row.GetInt64(1));
    }
}
