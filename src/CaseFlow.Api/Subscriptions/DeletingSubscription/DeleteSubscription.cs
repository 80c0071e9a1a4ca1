using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.DeletingSubscription;

/// <summary><c>DELETE /api/host-parties/{hostParty}/subscriptions/{id}</c>: the subscription stops; its unsent deliveries are cancelled, the sent ones stay as history.</summary>
public static class DeleteSubscriptionEndpoint
{
    public static void MapDeleteSubscription(this RouteGroupBuilder subscriptions) => subscriptions.MapDelete("{id:guid}", (
        Guid hostParty, Guid id, HttpContext http, NpgsqlDataSource db, CancellationToken ct) => DeleteAsync(http, db, hostParty, id, ct))
    .RequireRoles(Role.Compliance)
    .WithName("DeleteSubscription")
    .Produces(StatusCodes.Status204NoContent);

    /// <summary>The deletion (the API's and the console's one path): 204, or 404 for a subscription the caller may not change.</summary>
    public static async Task<IResult> DeleteAsync(HttpContext http, NpgsqlDataSource db, Guid hostParty, Guid id, CancellationToken ct)
    {
        var (_, problem) = await SubscriptionAccess.FindAsync(http, db, hostParty, id, change: true, ct);
        if (problem is not null) return problem;
        await Outbox.DeleteSubscriptionAsync(db, id, ct);
        return Results.NoContent();
    }
}
