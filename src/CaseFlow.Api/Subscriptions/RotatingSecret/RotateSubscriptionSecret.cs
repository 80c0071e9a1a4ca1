using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.RotatingSecret;

public sealed record SecretRequest(string? Secret = null);

/// <summary>
/// <c>POST /api/host-parties/{hostParty}/subscriptions/{id}/secret</c>: a new signing secret for a webhook, the one sent or a fresh one
/// answered once; deliveries are signed with it from now on.
/// </summary>
public static class RotateSubscriptionSecretEndpoint
{
    public static void MapRotateSubscriptionSecret(this RouteGroupBuilder subscriptions) => subscriptions.MapPost("{id:guid}/secret", async (
        Guid hostParty, Guid id, HttpContext http, NpgsqlDataSource db, SecretBox secrets, CancellationToken ct) =>
    {
        var (subscription, problem) = await SubscriptionAccess.FindAsync(http, db, hostParty, id, change: true, ct);
        if (problem is not null) return problem;
        if (subscription!.Channel != "webhook") return Problems.Validation("id", "only webhook subscriptions are signed");
        var request = new SecretRequest();
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var (read, bodyProblem) = await Body.ReadAsync<SecretRequest>(http.Request, ct);
            if (bodyProblem is not null) return bodyProblem;
            request = read!;
        }
        if (request.Secret is { } given && SubscriptionAccess.SecretProblem(given) is { } secretProblem) return Problems.Validation("secret", secretProblem);
        var secret = request.Secret ?? SubscriptionAccess.NewSecret();
        await Outbox.ChangeSubscriptionAsync(db, id, paused: null, target: null, sealedSecret: secrets.Seal(secret), ct);
        return Results.Ok(SubscriptionView.Of(subscription with { HasSecret = true }, request.Secret is null ? secret : null));
    })
    .RequireRoles(Role.Compliance)
    .Accepts<SecretRequest>("application/json")
    .WithName("RotateSubscriptionSecret")
    .Produces<SubscriptionView>()
    .ProducesValidationProblem();
}
