using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Subscriptions.Subscribing;

public sealed record SubscriptionRequest(string Channel, string Target, string Mode, string? Secret = null);

/// <summary><c>POST /api/host-parties/{hostParty}/subscriptions</c>: alerts by webhook or e-mail, each as raised or as a daily digest.</summary>
public static class SubscribeEndpoint
{
    public static void MapSubscribe(this RouteGroupBuilder subscriptions) => subscriptions.MapPost("", async (
        Guid hostParty, HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
    {
        var principal = http.Principal()!;
        if (principal.Role != Role.Admin && !principal.CanWrite(hostParty)) return Problems.NotFound($"host party {hostParty}");
        var (request, problem) = await Body.ReadAsync<SubscriptionRequest>(http.Request, ct);
        if (problem is not null) return problem;
        if (request!.Channel is not ("webhook" or "email")) return Problems.Validation("channel", "webhook or email");
        if (request.Mode is not ("each" or "digest")) return Problems.Validation("mode", "each or digest");
        if (request.Channel == "webhook" && !Uri.TryCreate(request.Target, UriKind.Absolute, out _)) return Problems.Validation("target", "an absolute URL");
        if (request.Channel == "email" && !System.Net.Mail.MailAddress.TryCreate(request.Target, out _)) return Problems.Validation("target", "an e-mail address");
        var subscription = new Subscription(Guid.CreateVersion7(), hostParty, request.Channel, request.Target, request.Mode);
        if (!await Outbox.SubscribeAsync(db, subscription, request.Secret, ct)) return Problems.NotFound($"host party {hostParty}");
        return Results.Created($"/api/host-parties/{hostParty}/subscriptions/{subscription.Id}", subscription);
    })
    .RequireRoles(Role.Compliance, Role.Admin)
    .WithName("Subscribe")
    .Produces<Subscription>(StatusCodes.Status201Created);
}
