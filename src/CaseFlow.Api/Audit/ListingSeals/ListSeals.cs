using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.Audit.ListingSeals;

/// <summary>
/// <c>GET /api/audit/seals</c>: the newest seals, each exportable as it can be checked with the public key alone (payload, signature,
/// public key, PEM; docs/security.md shows the openssl command).
/// </summary>
public static class ListSealsEndpoint
{
    public static void MapListSeals(this RouteGroupBuilder audit) => audit.MapGet("seals", async (int? limit, Seals seals, CancellationToken ct) =>
    {
        if (limit is < 1 or > 1000) return Problems.Validation("limit", "from 1 to 1000");
        return Results.Ok((await seals.ListAsync(limit ?? 20, ct)).Select(s => new { s.Id, s.SealedAt, s.LastSequence, s.Streams, export = Seals.Export(s) }));
    })
    .RequireRoles(Role.Auditor, Role.Ops, Role.Admin)
    .WithName("ListSeals");
}
