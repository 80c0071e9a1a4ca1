using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.Audit.Sealing;

/// <summary><c>POST /api/audit/seals</c> (ops, admin): seal the log now, as the <c>seal</c> job does on its interval; 204 when nothing was appended since the latest seal.</summary>
public static class SealNowEndpoint
{
    public static void MapSealNow(this RouteGroupBuilder audit) => audit.MapPost("seals", async (Seals seals, CancellationToken ct) =>
        await seals.SealAsync(ct) is { } seal ? Results.Ok(new { seal.Id, seal.SealedAt, seal.LastSequence, seal.Streams, export = Seals.Export(seal) })
        : Results.NoContent())
    .RequireRoles(Role.Ops, Role.Admin)
    .WithName("SealNow");
}
