using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Projections;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.HostParties.GettingOffences;

/// <summary><c>GET /api/host-parties/{id}/offences</c>: the offences of the last 12 months (repeat-offence tiers and the invitation ban count them).</summary>
public static class GetOffencesEndpoint
{
    public static void MapGetOffences(this RouteGroupBuilder party) => party.MapGet("offences", async (Guid id, HttpContext http, NpgsqlDataSource db, IClock clock, CancellationToken ct) =>
    {
        if (!http.Principal()!.CanRead(id)) return Problems.NotFound($"host party {id}");
        return Results.Ok(await OffenceRegisterProjection.Last12MonthsAsync(db, id, RequestContext.TodayIn(clock), ct));
    })
    .WithName("GetOffences")
    .Produces<IReadOnlyList<OffenceEntry>>();
}
