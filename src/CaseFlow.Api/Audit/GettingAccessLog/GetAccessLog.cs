using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.Audit.GettingAccessLog;

/// <summary>
/// <c>GET /api/audit/access?caseId=&amp;userId=</c>: who read whose personal data. An auditor asks of a case they may read, or of a user
/// whose host parties are all theirs; an admin of any. Ops cannot read it.
/// </summary>
public static class GetAccessLogEndpoint
{
    public static void MapGetAccessLog(this RouteGroupBuilder audit) => audit.MapGet("access", async (
        Guid? caseId, Guid? userId, int? limit, HttpContext http, CaseReader reader, UserStore users, CancellationToken ct) =>
    {
        var principal = http.Principal()!;
        if (caseId is null && userId is null) return Problems.Validation("caseId", "caseId or userId is required");
        if (limit is < 1 or > 1000) return Problems.Validation("limit", "from 1 to 1000");
        if (principal.Role != Role.Admin)
        {
            if (caseId is { } c && !await reader.CanReadAsync(c, principal, ct)) return Problems.NotFound($"case {c}");
            if (userId is { } u && (await users.ListAsync(ct)).FirstOrDefault(x => x.Id == u) is var user
                && (user is null || user.HostParties.Count == 0 || !user.HostParties.All(principal.HostParties.Contains)))
                return Problems.NotFound($"user {u}");
        }
        return Results.Ok(await AccessLog.QueryAsync(http.RequestServices.GetRequiredService<Npgsql.NpgsqlDataSource>(), caseId, userId, limit ?? 100, ct));
    })
    .RequireRoles(Role.Auditor, Role.Admin)
    .WithName("GetAccessLog");
}
