using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;
using CaseFlow.EventStore;

namespace CaseFlow.Api.Audit.Verifying;

/// <summary><c>GET /api/audit/verify?case=</c>: one case's hash chain (auditor, compliance), or the whole store's (ops, admin) with every stream checked against the latest seal.</summary>
public static class VerifyEndpoint
{
    public static void MapVerify(this RouteGroupBuilder audit) => audit.MapGet("verify", async (
        Guid? @case, HttpContext http, PostgresEventStore store, CaseReader reader, Seals seals, CancellationToken ct) =>
    {
        var principal = http.Principal()!;
        if (@case is { } id)
        {
            if (!await reader.CanReadAsync(id, principal, ct)) return Problems.NotFound($"case {id}");
            return Results.Ok(await store.VerifyAsync(id, ct));
        }
        if (principal.Role is not (Role.Ops or Role.Admin))
            return Problems.Problem(StatusCodes.Status403Forbidden, "forbidden", "Not allowed for this role", "verifying the whole store is for ops and admin; auditors verify a case");
        var (streams, broken) = await store.VerifyAllAsync(ct: ct);
        // The chain alone cannot see a chain recomputed by an insider, or a cut tail: the latest seal can.
        var seal = await seals.CheckAsync(ct);
        return Results.Ok(new { streams, intact = broken.Count == 0 && seal?.Intact != false, broken, seal });
    })
    .WithName("Verify")
    .RequireRoles(Role.Auditor, Role.Compliance, Role.Ops, Role.Admin);
}
