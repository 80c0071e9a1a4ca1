using CaseFlow.Core.Security;
using CaseFlow.Core.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Projections;

/// <summary>
/// Per case, what the host-party dashboard adds up: status, next deadline, the day an in-country stay turns into an overstay,
/// and the fine exposure. "At risk in the next 7/30 days" and "overstaying today" are computed when the dashboard is read.
/// </summary>
public sealed record Dashboard(Guid HostPartyId, LocalDate AsOf, IReadOnlyDictionary<string, long> ByStatus, long AtRiskNext7Days, long AtRiskNext30Days,
    long Overstaying, decimal FineMci, decimal? FineTenge, long OffencesLast12Months, long HostOffencesLast12Months);

public sealed class DashboardProjection(RuleCatalogue catalogue, DataKeys dataKeys) : CaseProjection(catalogue, dataKeys)
{
    public const string TableName = "dashboard_cases";

    public override string Name => "dashboard";
    public override string Table => TableName;

    public override IReadOnlyList<Column> Columns { get; } =
    [
        new("case_id", NpgsqlDbType.Uuid), new("host_party_id", NpgsqlDbType.Uuid), new("status", NpgsqlDbType.Text), new("next_due", NpgsqlDbType.Date),
        new("overstay_from", NpgsqlDbType.Date), new("fine_mci", NpgsqlDbType.Numeric), new("fine_tenge", NpgsqlDbType.Numeric),
    ];

    protected override IEnumerable<object?[]> Rows(LoadedCase c, Evaluation? evaluation)
    {
        var status = CaseStatusProjection.StatusOf(c.State, evaluation);
        var next = evaluation is null || c.State.Closed ? null : CaseStatusProjection.NextDeadline(evaluation, c.State.InCountry);
        var overstayFrom = c.State.InCountry && evaluation?.PermittedUntil is { } until ? until.PlusDays(1).ToDateOnly() : (DateOnly?)null;
        var fines = FineTotal.Of(evaluation?.Fines ?? []);
        yield return [c.Id.Value, c.HostPartyId, status, next?.Due.ToDateOnly(), overstayFrom, fines.Mci, fines.Tenge];
    }

    /// <summary>The host party's dashboard as of <paramref name="today"/>: cases by status, at risk in 7 and 30 days, fines, and offences of the last 12 months.</summary>
    public static async Task<Dashboard> ReadAsync(NpgsqlDataSource db, Guid hostParty, LocalDate today, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            WITH c AS (
                SELECT CASE WHEN status = 'inCountry' AND overstay_from <= $2 THEN 'overstaying' ELSE status END AS status_today, next_due, fine_mci, fine_tenge
                FROM dashboard_cases WHERE host_party_id = $1)
            SELECT status_today, count(*), count(*) FILTER (WHERE next_due <= $2 + 7), count(*) FILTER (WHERE next_due <= $2 + 30),
                   sum(fine_mci), sum(fine_tenge), bool_or(fine_tenge IS NULL AND fine_mci > 0)
            FROM c GROUP BY status_today
            """);
        command.Parameters.Add(new() { Value = hostParty });
        command.Parameters.Add(new() { Value = today.ToDateOnly() });
        var byStatus = new Dictionary<string, long>();
        long risk7 = 0, risk30 = 0;
        decimal mci = 0, tenge = 0;
        var tengeUnknown = false;
        await using (var row = await command.ExecuteReaderAsync(ct))
            while (await row.ReadAsync(ct))
            {
                byStatus[row.GetString(0)] = row.GetInt64(1);
                risk7 += row.GetInt64(2);
                risk30 += row.GetInt64(3);
                mci += row.IsDBNull(4) ? 0 : row.GetDecimal(4);
                tenge += row.IsDBNull(5) ? 0 : row.GetDecimal(5);
                tengeUnknown |= !row.IsDBNull(6) && row.GetBoolean(6);
            }
        var (offences, hostOffences) = await OffenceRegisterProjection.CountLast12MonthsAsync(db, hostParty, today, ct);
        return new Dashboard(hostParty, today, byStatus, risk7, risk30, byStatus.GetValueOrDefault("overstaying"), mci, tengeUnknown ? null : tenge, offences, hostOffences);
    }
}
