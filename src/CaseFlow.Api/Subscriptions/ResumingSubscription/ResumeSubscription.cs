using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.ResumingSubscription;

/// <summary><c>POST /api/host-parties/{hostParty}/subscriptions/{id}/resume</c>: the subscription sends again, what waited first.</summary>
public static class ResumeSubscriptionEndpoint
{
    public static void MapResumeSubscription(this RouteGroupBuilder subscriptions) => subscriptions.MapPost("{id:guid}/resume", (
        Guid hostParty, Guid id, HttpContext http, NpgsqlDataSource db, CancellationToken ct) => SubscriptionAccess.SetPausedAsync(http, db, hostParty, id, paused: false, ct))
    .RequireRoles(Role.Compliance)
    .WithName("ResumeSubscription")
    .Produces<SubscriptionView>();
}
