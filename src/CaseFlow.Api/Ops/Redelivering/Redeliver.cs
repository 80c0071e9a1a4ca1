using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Delivery;

namespace CaseFlow.Api.Ops.Redelivering;

/// <summary><c>POST /api/ops/deliveries/{id}/redeliver</c>: send a delivery again now (dead, failed or even delivered); answers the delivery, pending again.</summary>
public static class RedeliverEndpoint
{
    public static void MapRedeliver(this RouteGroupBuilder ops) => ops.MapPost("deliveries/{id:guid}/redeliver", async (Guid id, DeliveryDispatcher dispatcher, CancellationToken ct) =>
        await dispatcher.RedeliverAsync(id, ct) is { } delivery ? Results.Ok(delivery) : Problems.NotFound($"delivery {id}"))
    .WithName("Redeliver")
    .Produces<DeliveryView>()
    .ProducesProblem(StatusCodes.Status404NotFound);
}
