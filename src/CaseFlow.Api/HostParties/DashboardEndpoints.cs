using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Api.Projections;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.HostParties;

public sealed record Dashboard(Guid HostPartyId, LocalDate AsOf, IReadOnlyDictionary<string, long> ByStatus, long AtRiskNext7Days, long AtRiskNext30Days,
    long Overstaying, decimal FineMci, decimal? FineTenge, long OffencesLast12Months, long HostOffencesLast12Months);

/// <summary><c>GET /api/host-parties/{id}/dashboard</c> and <c>/offences</c>: from the dashboard and offence-register projections, judged as of today.</summary>
public static class DashboardEndpoints
{
    public static void MapDashboards(this WebApplication app)
    {
        var group = app.MapGroup("/api/host-parties/{id:guid}").WithTags("Host parties").RequireRoles(Role.Compliance, Role.Auditor);
        group.MapGet("dashboard", async (Guid id, HttpContext http, NpgsqlDataSource db, IClock clock, CancellationToken ct) =>
        {
            if (!http.Principal()!.CanRead(id)) return Problems.NotFound($"host party {id}");
            var today = RequestContext.TodayIn(clock).ToDateOnly();
            await using var command = db.CreateCommand($"""
                WITH c AS (
                    SELECT CASE WHEN status = 'inCountry' AND overstay_from <= $2 THEN 'overstaying' ELSE status END AS status_today, next_due, fine_mci, fine_tenge
                    FROM {DashboardProjection.TableName} WHERE host_party_id = $1)
                SELECT status_today, count(*), count(*) FILTER (WHERE next_due <= $2 + 7), count(*) FILTER (WHERE next_due <= $2 + 30),
                       sum(fine_mci), sum(fine_tenge), bool_or(fine_tenge IS NULL AND fine_mci > 0)
                FROM c GROUP BY status_today
                """);
            command.Parameters.Add(new() { Value = id });
            command.Parameters.Add(new() { Value = today });
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
            await using var offences = db.CreateCommand($"""
                SELECT count(*), count(*) FILTER (WHERE party = 'hostParty') FROM {OffenceRegisterProjection.TableName}
                WHERE host_party_id = $1 AND offence_date > $2 - interval '12 months'
                """);
            offences.Parameters.Add(new() { Value = id });
            offences.Parameters.Add(new() { Value = today });
            await using var o = await offences.ExecuteReaderAsync(ct);
            await o.ReadAsync(ct);
            return Results.Ok(new Dashboard(id, LocalDate.FromDateOnly(today), byStatus, risk7, risk30, byStatus.GetValueOrDefault("overstaying"), mci,
                tengeUnknown ? null : tenge, o.GetInt64(0), o.GetInt64(1)));
        }).WithName("GetDashboard").Produces<Dashboard>();

        group.MapGet("offences", async (Guid id, HttpContext http, NpgsqlDataSource db, IClock clock, CancellationToken ct) =>
        {
            if (!http.Principal()!.CanRead(id)) return Problems.NotFound($"host party {id}");
            await using var command = db.CreateCommand($"""
                SELECT case_id, article, party, offence_date, tier, mci, tenge, rule FROM {OffenceRegisterProjection.TableName}
                WHERE host_party_id = $1 AND offence_date > $2 - interval '12 months' ORDER BY offence_date
                """);
            command.Parameters.Add(new() { Value = id });
            command.Parameters.Add(new() { Value = RequestContext.TodayIn(clock).ToDateOnly() });
            var rows = new List<object>();
            await using var row = await command.ExecuteReaderAsync(ct);
            while (await row.ReadAsync(ct))
                rows.Add(new
                {
                    caseId = row.GetGuid(0), article = row.GetInt32(1), party = row.GetString(2), offenceDate = LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(3)),
                    tier = row.GetString(4), mci = row.GetDecimal(5), tenge = row.IsDBNull(6) ? (decimal?)null : row.GetDecimal(6), rule = row.GetString(7),
                });
            return Results.Ok(rows);
        }).WithName("GetOffences");
    }
}
