using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.GettingSubscription;

/// <summary><c>GET /api/host-parties/{hostParty}/subscriptions/{id}</c>: one subscription (never its secret).</summary>
public static class GetSubscriptionEndpoint
{
    public static void MapGetSubscription(this RouteGroupBuilder subscriptions) => subscriptions.MapGet("{id:guid}", async (
        Guid hostParty, Guid id, HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
    {
        var (subscription, problem) = await SubscriptionAccess.FindAsync(http, db, hostParty, id, change: false, ct);
        return problem ?? Results.Ok(SubscriptionView.Of(subscription!));
    })
    .RequireRoles(Role.Compliance, Role.Auditor)
    .WithName("GetSubscription")
    .Produces<SubscriptionView>();
}
