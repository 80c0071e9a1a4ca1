using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.HostParties.GettingHostParty;

/// <summary><c>GET /api/host-parties/{id}</c>: one host party (admin: any; compliance and auditors: their own; another's is 404).</summary>
public static class GetHostPartyEndpoint
{
    public static void MapGetHostParty(this RouteGroupBuilder parties) => parties.MapGet("{id:guid}", async (Guid id, HttpContext http, HostPartyStore store, CancellationToken ct) =>
    {
        if (!http.Principal()!.CanSeeHostParty(id)) return Problems.NotFound($"host party {id}");
        return (await store.ListAsync([id], ct)).SingleOrDefault() is { } party ? Results.Ok(party) : Problems.NotFound($"host party {id}");
    })
    .RequireRoles(Role.Admin, Role.Compliance, Role.Auditor)
    .WithName("GetHostParty")
    .Produces<HostParty>()
    .ProducesProblem(StatusCodes.Status404NotFound);
}
