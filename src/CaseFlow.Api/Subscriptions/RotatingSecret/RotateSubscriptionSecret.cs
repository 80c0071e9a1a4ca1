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
    public static void MapRotateSubscriptionSecret(this RouteGroupBuilder subscriptions) => subscriptions.MapPost("{id:guid}/secret", (
        Guid hostParty, Guid id, HttpContext http, NpgsqlDataSource db, SecretBox secrets, CancellationToken ct) =>
        RotateAsync(http, db, secrets, hostParty, id, async () => http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0
            ? await Body.ReadAsync<SecretRequest>(http.Request, ct) : (new SecretRequest(), null), ct))
    .RequireRoles(Role.Compliance)
    .Accepts<SecretRequest>("application/json")
    .WithName("RotateSubscriptionSecret")
    .Produces<SubscriptionView>()
    .ProducesValidationProblem();

    /// <summary>The rotation (the API's and the console's one path): the subscription found first (404), then the request read and checked.</summary>
    public static async Task<IResult> RotateAsync(HttpContext http, NpgsqlDataSource db, SecretBox secrets, Guid hostParty, Guid id,
        Func<Task<(SecretRequest? Request, IResult? Problem)>> read, CancellationToken ct)
    {
        var (subscription, problem) = await SubscriptionAccess.FindAsync(http, db, hostParty, id, change: true, ct);
        if (problem is not null) return problem;
        if (subscription!.Channel != "webhook") return Problems.Validation("id", "only webhook subscriptions are signed");
        var (request, bodyProblem) = await read();
        if (bodyProblem is not null) return bodyProblem;
        if (request!.Secret is { } given && SubscriptionAccess.SecretProblem(given) is { } secretProblem) return Problems.Validation("secret", secretProblem);
        var secret = request.Secret ?? SubscriptionAccess.NewSecret();
        await Outbox.ChangeSubscriptionAsync(db, id, paused: null, sealedSecret: secrets.Seal(secret), ct);
        return Results.Ok(SubscriptionView.Of(subscription with { HasSecret = true }, request.Secret is null ? secret : null));
    }
}
