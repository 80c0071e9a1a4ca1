using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.Audit.Sealing;

/// <summary>
/// <c>GET /api/audit/seals</c>: the newest seals, each exportable as it can be checked with the public key alone (payload, signature,
/// public key, PEM); <c>POST /api/audit/seals</c>: seal now (ops, admin), as the <c>seal</c> job does on its interval.
/// </summary>
public static class SealEndpoints
{
    public static void MapSeals(this RouteGroupBuilder audit)
    {
        audit.MapGet("seals", async (int? limit, Seals seals, CancellationToken ct) =>
        {
            if (limit is < 1 or > 1000) return Problems.Validation("limit", "from 1 to 1000");
            return Results.Ok((await seals.ListAsync(limit ?? 20, ct)).Select(s => new { s.Id, s.SealedAt, s.LastSequence, s.Streams, export = Seals.Export(s) }));
        })
        .RequireRoles(Role.Auditor, Role.Ops, Role.Admin)
        .WithName("ListSeals");
        audit.MapPost("seals", async (Seals seals, CancellationToken ct) =>
            await seals.SealAsync(ct) is { } seal ? Results.Ok(new { seal.Id, seal.SealedAt, seal.LastSequence, seal.Streams, export = Seals.Export(seal) })
            : Results.NoContent())
        .RequireRoles(Role.Ops, Role.Admin)
        .WithName("SealNow");
    }
}
