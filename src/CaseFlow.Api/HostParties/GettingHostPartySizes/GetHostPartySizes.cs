using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.HostParties.GettingHostPartySizes;

/// <summary>
/// <c>GET /api/host-parties/{id}/sizes</c>: the host party's enterprise sizes over time (ADR 23), each with the day it holds from and
/// who recorded it when: the art. 518 tier of any offence date, and what was known at any instant. Who may: as <c>GetHostParty</c>.
/// </summary>
public static class GetHostPartySizesEndpoint
{
    public static void MapGetHostPartySizes(this RouteGroupBuilder parties) => parties.MapGet("{id:guid}/sizes", async (Guid id, HttpContext http, HostPartyStore store, CancellationToken ct) =>
    {
        if (!http.Principal()!.CanSeeHostParty(id)) return Problems.NotFound($"host party {id}");
        var sizes = await store.HistoryAsync(id, ct);
        return sizes.Count > 0 || (await store.ListAsync([id], ct)).Count > 0 ? Results.Ok(sizes) : Problems.NotFound($"host party {id}");
    })
    .RequireRoles(Role.Admin, Role.Compliance, Role.Auditor)
    .WithName("GetHostPartySizes")
    .Produces<IReadOnlyList<HostPartySizeEntry>>()
    .ProducesProblem(StatusCodes.Status404NotFound);
}
