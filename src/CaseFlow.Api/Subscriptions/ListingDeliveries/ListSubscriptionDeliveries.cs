using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.ListingDeliveries;

/// <summary><c>GET /api/host-parties/{hostParty}/subscriptions/{id}/deliveries?state=</c>: the subscription's newest 200 deliveries and their outcome.</summary>
public static class ListSubscriptionDeliveriesEndpoint
{
    private static readonly string[] States = ["pending", "failed", "dead", "delivered", "cancelled"];

    public static void MapListSubscriptionDeliveries(this RouteGroupBuilder subscriptions) => subscriptions.MapGet("{id:guid}/deliveries", async (
        Guid hostParty, Guid id, string? state, HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
    {
        if (state is not null && !States.Contains(state)) return Problems.Validation("state", $"one of {string.Join(", ", States)}");
        var (_, problem) = await SubscriptionAccess.FindAsync(http, db, hostParty, id, change: false, ct);
        return problem ?? Results.Ok(await Outbox.ListAsync(db, state, ct, subscription: id, limit: 200));
    })
    .RequireRoles(Role.Compliance, Role.Auditor)
    .WithName("ListSubscriptionDeliveries")
    .Produces<IReadOnlyList<DeliveryView>>()
    .ProducesValidationProblem();
}
