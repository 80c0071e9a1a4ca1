using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.Subscribing;

public sealed record SubscriptionRequest(string Channel, string Target, string Mode, string? Secret = null);

/// <summary>
/// <c>POST /api/host-parties/{hostParty}/subscriptions</c>: alerts by webhook (http or https only) or e-mail, each as raised or as a daily
/// digest; by the host party's compliance users. A webhook gets a signing secret (the one sent, or a new one answered once); it is
/// stored sealed.
/// </summary>
public static class SubscribeEndpoint
{
    public static void MapSubscribe(this RouteGroupBuilder subscriptions) => subscriptions.MapPost("", async (
        Guid hostParty, HttpContext http, NpgsqlDataSource db, SecretBox secrets, WebhookTargets targets, CancellationToken ct) =>
    {
        if (!http.Principal()!.CanWrite(hostParty)) return Problems.NotFound($"host party {hostParty}");
        var (request, problem) = await Body.ReadAsync<SubscriptionRequest>(http.Request, ct);
        return problem ?? await SubscribeAsync(http, hostParty, request!, db, secrets, targets, ct);
    })
    .RequireRoles(Role.Compliance)
    .Accepts<SubscriptionRequest>("application/json")
    .WithName("Subscribe")
    .Produces<SubscriptionView>(StatusCodes.Status201Created)
    .ProducesValidationProblem();

    /// <summary>The subscription, checked and stored (the API's and the console's one path): 201 with the view, its new secret answered once.</summary>
    public static async Task<IResult> SubscribeAsync(HttpContext http, Guid hostParty, SubscriptionRequest request, NpgsqlDataSource db, SecretBox secrets,
        WebhookTargets targets, CancellationToken ct)
    {
        var principal = http.Principal()!;
        if (!principal.CanWrite(hostParty)) return Problems.NotFound($"host party {hostParty}");
        if (request.Channel is not ("webhook" or "email")) return Problems.Validation("channel", "webhook or email");
        if (request.Mode is not ("each" or "digest")) return Problems.Validation("mode", "each or digest");
        if (request.Channel == "webhook" && targets.Problem(request.Target) is { } targetProblem) return Problems.Validation("target", targetProblem);
        if (request.Channel == "email" && !System.Net.Mail.MailAddress.TryCreate(request.Target, out _)) return Problems.Validation("target", "an e-mail address");
        if (request.Secret is { } given && SubscriptionAccess.SecretProblem(given) is { } secretProblem) return Problems.Validation("secret", secretProblem);
        var secret = request.Channel == "webhook" ? request.Secret ?? SubscriptionAccess.NewSecret() : null;
        var subscription = new Subscription(Guid.CreateVersion7(), hostParty, request.Channel, request.Target, request.Mode, false, secret is not null);
        if (!await Outbox.SubscribeAsync(db, secrets, subscription, secret, principal.Actor, ct)) return Problems.NotFound($"host party {hostParty}");
        return Results.Created($"/api/host-parties/{hostParty}/subscriptions/{subscription.Id}", SubscriptionView.Of(subscription, request.Secret is null ? secret : null));
    }
}
