using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.ListingSubscriptions;

/// <summary><c>GET /api/host-parties/{hostParty}/subscriptions</c>: the host party's subscriptions (never their secrets).</summary>
public static class ListSubscriptionsEndpoint
{
    public static void MapListSubscriptions(this RouteGroupBuilder subscriptions) => subscriptions.MapGet("", async (
        Guid hostParty, HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
    {
        var principal = http.Principal()!;
        if (principal.Role != Role.Admin && !principal.CanRead(hostParty)) return Problems.NotFound($"host party {hostParty}");
        return Results.Ok(await Outbox.SubscriptionsAsync(db, hostParty, null, ct));
    })
    .RequireRoles(Role.Compliance, Role.Auditor, Role.Admin)
    .WithName("ListSubscriptions")
    .Produces<IReadOnlyList<Subscription>>();
}
