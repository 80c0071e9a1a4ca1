using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.PausingSubscription;

/// <summary><c>POST /api/host-parties/{hostParty}/subscriptions/{id}/pause</c>: the subscription stops sending (what is raised meanwhile waits, nothing is lost).</summary>
public static class PauseSubscriptionEndpoint
{
    public static void MapPauseSubscription(this RouteGroupBuilder subscriptions) => subscriptions.MapPost("{id:guid}/pause", async (
        Guid hostParty, Guid id, HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
    {
        var (subscription, problem) = await SubscriptionAccess.FindAsync(http, db, hostParty, id, change: true, ct);
        if (problem is not null) return problem;
        await Outbox.ChangeSubscriptionAsync(db, id, paused: true, target: null, sealedSecret: null, ct);
        return Results.Ok(SubscriptionView.Of(subscription! with { Paused = true }));
    })
    .RequireRoles(Role.Compliance)
    .WithName("PauseSubscription")
    .Produces<SubscriptionView>();
}
