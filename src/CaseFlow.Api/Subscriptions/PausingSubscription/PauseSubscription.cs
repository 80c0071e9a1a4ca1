using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.PausingSubscription;

/// <summary><c>POST /api/host-parties/{hostParty}/subscriptions/{id}/pause</c>: the subscription stops sending (what is raised meanwhile waits, nothing is lost).</summary>
public static class PauseSubscriptionEndpoint
{
    public static void MapPauseSubscription(this RouteGroupBuilder subscriptions) => subscriptions.MapPost("{id:guid}/pause", (
        Guid hostParty, Guid id, HttpContext http, NpgsqlDataSource db, CancellationToken ct) => SubscriptionAccess.SetPausedAsync(http, db, hostParty, id, paused: true, ct))
    .RequireRoles(Role.Compliance)
    .WithName("PauseSubscription")
    .Produces<SubscriptionView>();
}
