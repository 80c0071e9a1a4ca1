using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Cases;

namespace CaseFlow.Api.Alerts.ResolvingAlert;

public sealed record ResolveRequest(string Reason);

/// <summary><c>POST /api/alerts/{id}/resolve</c> with a reason: the alert is dealt with (an AlertResolved on its case).</summary>
public static class ResolveAlertEndpoint
{
    public static void MapResolveAlert(this RouteGroupBuilder alerts) => alerts.MapPost("{id:guid}/resolve", async (
        Guid id, HttpContext http, AlertChange change, CancellationToken ct) =>
    {
        var (request, problem) = await Body.ReadAsync<ResolveRequest>(http.Request, ct);
        if (problem is not null) return problem;
        return await change.ApplyAsync(id, http, (c, ctx) => new ResolveAlert(c, id, request!.Reason, false, ctx.Actor, ctx.Today), ct);
    })
    .RequireRoles(Role.Compliance)
    .Accepts<ResolveRequest>("application/json")
    .WithMetadata(new IfMatchHeader(Required: false, Of: "alert"))
    .WithName("ResolveAlert")
    .Produces<AlertView>();
}
