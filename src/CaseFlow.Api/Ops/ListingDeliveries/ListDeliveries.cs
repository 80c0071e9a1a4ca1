using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Delivery;
using Npgsql;

namespace CaseFlow.Api.Ops.ListingDeliveries;

/// <summary><c>GET /api/ops/deliveries?state=pending|failed|dead|delivered</c>: the newest 500 deliveries of the outbox.</summary>
public static class ListDeliveriesEndpoint
{
    public static void MapListDeliveries(this RouteGroupBuilder ops) => ops.MapGet("deliveries", async (string? state, NpgsqlDataSource db, CancellationToken ct) =>
    {
        if (state is not (null or "pending" or "failed" or "dead" or "delivered")) return Problems.Validation("state", "pending, failed, dead or delivered");
        return Results.Ok(await Outbox.ListAsync(db, state, ct));
    })
    .WithName("ListDeliveries")
    .Produces<IReadOnlyList<DeliveryView>>();
}
