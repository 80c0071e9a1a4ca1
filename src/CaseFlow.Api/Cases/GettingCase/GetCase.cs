using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Cases.GettingCase;

/// <summary><c>GET /api/cases/{id}</c>: the case with its live evaluation as of today; ETag = version. 404 for a case of another host party.</summary>
public static class GetCaseEndpoint
{
    public static void MapGetCase(this RouteGroupBuilder cases) => cases.MapGet("{id:guid}", async (
        Guid id, HttpContext http, NpgsqlDataSource db, CaseRepository repository, RuleCatalogue catalogue, IClock clock, CancellationToken ct) =>
    {
        var loaded = await repository.LoadAsync(new CaseId(id), ct: ct);
        if (loaded is null || !http.Principal()!.CanRead(loaded.HostPartyId)) return Problems.NotFound($"case {id}");
        await using var connection = await db.OpenConnectionAsync(ct);
        var size = await HostParties.HostPartyStore.SizeAsync(connection, null, loaded.HostPartyId, ct);
        ETags.Set(http.Response, loaded.Version);
        return Results.Ok(CaseView.From(loaded, catalogue, RequestContext.TodayIn(clock), size));
    })
    .RequireRoles(Role.Compliance, Role.Auditor)
    .WithName("GetCase")
    .Produces<CaseView>()
    .ProducesProblem(StatusCodes.Status404NotFound);
}
