using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Projections;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.HostParties.GettingDashboard;

/// <summary><c>GET /api/host-parties/{id}/dashboard</c>: cases by status, at risk in 7 and 30 days, overstaying, fines and offences, judged as of today.</summary>
public static class GetDashboardEndpoint
{
    public static void MapGetDashboard(this RouteGroupBuilder party) => party.MapGet("dashboard", async (Guid id, HttpContext http, NpgsqlDataSource db, IClock clock, CancellationToken ct) =>
    {
        if (!http.Principal()!.CanRead(id)) return Problems.NotFound($"host party {id}");
        return Results.Ok(await DashboardProjection.ReadAsync(db, id, RequestContext.TodayIn(clock), ct));
    })
    .WithName("GetDashboard")
    .Produces<Dashboard>();
}
