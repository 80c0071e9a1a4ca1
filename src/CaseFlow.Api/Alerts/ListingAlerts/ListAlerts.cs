using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Alerts;
using Npgsql;

namespace CaseFlow.Api.Alerts.ListingAlerts;

/// <summary><c>GET /api/alerts?hostParty=&amp;kind=&amp;state=</c>: the caller's alerts, newest first (at most 500); state "open" is every one not resolved.</summary>
public static class ListAlertsEndpoint
{
    public static void MapListAlerts(this RouteGroupBuilder alerts) => alerts.MapGet("", async (
        HttpContext http, NpgsqlDataSource db, Guid? hostParty, string? kind, string? state, CancellationToken ct) =>
    {
        var principal = http.Principal()!;
        if (state is not (null or "raised" or "acknowledged" or "resolved" or "open")) return Problems.Validation("state", "one of raised, acknowledged, resolved, open");
        if (kind is not null && !AlertRules.Kinds.Contains(kind)) return Problems.Validation("kind", $"one of {string.Join(", ", AlertRules.Kinds)}");
        var hosts = hostParty is { } h ? (principal.HostParties.Contains(h) ? [h] : Array.Empty<Guid>()) : principal.HostParties.ToArray();
        return Results.Ok(await AlertProjection.ListAsync(db, hosts, kind, state, ct));
    })
    .RequireRoles(Role.Compliance, Role.Auditor)
    .WithName("ListAlerts")
    .Produces<IReadOnlyList<AlertView>>();
}
