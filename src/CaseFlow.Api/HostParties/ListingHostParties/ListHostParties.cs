using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.HostParties.ListingHostParties;

/// <summary><c>GET /api/host-parties</c>: admin sees all; compliance and auditor their own.</summary>
public static class ListHostPartiesEndpoint
{
    public static void MapListHostParties(this RouteGroupBuilder parties) => parties.MapGet("", async (HttpContext http, HostPartyStore store, CancellationToken ct) =>
    {
        var principal = http.Principal()!;
        return Results.Ok(await store.ListAsync(principal.Role == Role.Admin ? null : principal.HostParties, ct));
    })
    .RequireRoles(Role.Admin, Role.Compliance, Role.Auditor)
    .WithName("ListHostParties")
    .Produces<IReadOnlyList<HostParty>>();
}
