using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.ChangingTarget;

public sealed record TargetRequest(string Target);

/// <summary><c>PUT /api/host-parties/{hostParty}/subscriptions/{id}/target</c>: where the subscription's deliveries go from now on (the same checks as when subscribing).</summary>
public static class ChangeSubscriptionTargetEndpoint
{
    public static void MapChangeSubscriptionTarget(this RouteGroupBuilder subscriptions) => subscriptions.MapPut("{id:guid}/target", (
        Guid hostParty, Guid id, HttpContext http, NpgsqlDataSource db, SecretBox secrets, WebhookTargets targets, CancellationToken ct) =>
        ChangeAsync(http, db, secrets, targets, hostParty, id, () => Body.ReadAsync<TargetRequest>(http.Request, ct), ct))
    .RequireRoles(Role.Compliance)
    .Accepts<TargetRequest>("application/json")
    .WithName("ChangeSubscriptionTarget")
    .Produces<SubscriptionView>()
    .ProducesValidationProblem();

    /// <summary>The change (the API's and the console's one path): the subscription found first (404), then the target read and checked as when subscribing.</summary>
    public static async Task<IResult> ChangeAsync(HttpContext http, NpgsqlDataSource db, SecretBox secrets, WebhookTargets targets, Guid hostParty, Guid id,
        Func<Task<(TargetRequest? Request, IResult? Problem)>> read, CancellationToken ct)
    {
        var (subscription, problem) = await SubscriptionAccess.FindAsync(http, db, hostParty, id, change: true, ct);
        if (problem is not null) return problem;
        var (request, bodyProblem) = await read();
        if (bodyProblem is not null) return bodyProblem;
        if (subscription!.Channel == "webhook" && targets.Problem(request!.Target) is { } targetProblem) return Problems.Validation("target", targetProblem);
        if (subscription.Channel == "email" && !System.Net.Mail.MailAddress.TryCreate(request!.Target, out _)) return Problems.Validation("target", "an e-mail address");
        await Outbox.ChangeTargetAsync(db, secrets, subscription, request!.Target, ct);
        return Results.Ok(SubscriptionView.Of(subscription with { Target = request.Target }));
    }
}
