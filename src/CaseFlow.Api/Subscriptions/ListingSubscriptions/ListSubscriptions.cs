using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.ListingSubscriptions;

/// <summary><c>GET /api/host-parties/{hostParty}/subscriptions</c>: the host party's live subscriptions (never their secrets).</summary>
public static class ListSubscriptionsEndpoint
{
    public static void MapListSubscriptions(this RouteGroupBuilder subscriptions) => subscriptions.MapGet("", async (
        Guid hostParty, HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
    {
        if (!http.Principal()!.CanRead(hostParty)) return Problems.NotFound($"host party {hostParty}");
        return Results.Ok((await Outbox.SubscriptionsAsync(db, hostParty, null, ct)).Select(s => SubscriptionView.Of(s)).ToList());
    })
    .RequireRoles(Role.Compliance, Role.Auditor)
    .WithName("ListSubscriptions")
    .Produces<IReadOnlyList<SubscriptionView>>();
}
