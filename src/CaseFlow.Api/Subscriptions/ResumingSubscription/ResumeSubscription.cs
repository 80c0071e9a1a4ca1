using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.ResumingSubscription;

/// <summary><c>POST /api/host-parties/{hostParty}/subscriptions/{id}/resume</c>: the subscription sends again, what waited first.</summary>
public static class ResumeSubscriptionEndpoint
{
    public static void MapResumeSubscription(this RouteGroupBuilder subscriptions) => subscriptions.MapPost("{id:guid}/resume", async (
        Guid hostParty, Guid id, HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
    {
        var (subscription, problem) = await SubscriptionAccess.FindAsync(http, db, hostParty, id, change: true, ct);
        if (problem is not null) return problem;
        await Outbox.ChangeSubscriptionAsync(db, id, paused: false, target: null, sealedSecret: null, ct);
        return Results.Ok(SubscriptionView.Of(subscription! with { Paused = false }));
    })
    .RequireRoles(Role.Compliance)
    .WithName("ResumeSubscription")
    .Produces<SubscriptionView>();
}
