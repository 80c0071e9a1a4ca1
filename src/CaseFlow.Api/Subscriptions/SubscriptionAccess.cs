using System.Security.Cryptography;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Delivery;
using Npgsql;

namespace CaseFlow.Api.Subscriptions;

/// <summary>A subscription as answered: its secret only right after it was set (created or rotated), never again.</summary>
public sealed record SubscriptionView(Guid Id, Guid HostPartyId, string Channel, string Target, string Mode, bool Paused, bool HasSecret, string? Secret = null)
{
    public static SubscriptionView Of(Subscription s, string? secret = null) => new(s.Id, s.HostPartyId, s.Channel, s.Target, s.Mode, s.Paused, s.HasSecret, secret);
}

/// <summary>
/// Who may see or change a subscription: the host party's compliance users change, its compliance users and auditors read. Alerts
/// carry foreigners' names, so the admin role (host parties and users, not personal data) has no say here. Another host party's
/// subscription, or one that does not exist, is 404.
/// </summary>
public static class SubscriptionAccess
{
    public static async Task<(Subscription? Subscription, IResult? Problem)> FindAsync(HttpContext http, NpgsqlDataSource db, Guid hostParty, Guid id, bool change,
        CancellationToken ct)
    {
        var principal = http.Principal()!;
        var allowed = change ? principal.CanWrite(hostParty) : principal.CanRead(hostParty);
        var subscription = allowed ? await Outbox.FindSubscriptionAsync(db, id, ct) : null;
        return subscription is null || subscription.HostPartyId != hostParty ? (null, Problems.NotFound($"subscription {id}")) : (subscription, null);
    }

    /// <summary>Pauses or resumes a subscription of the caller's host party: what is raised while paused waits and is sent on resume.</summary>
    public static async Task<IResult> SetPausedAsync(HttpContext http, NpgsqlDataSource db, Guid hostParty, Guid id, bool paused, CancellationToken ct)
    {
        var (subscription, problem) = await FindAsync(http, db, hostParty, id, change: true, ct);
        if (problem is not null) return problem;
        await Outbox.ChangeSubscriptionAsync(db, id, paused, sealedSecret: null, ct);
        return Results.Ok(SubscriptionView.Of(subscription! with { Paused = paused }));
    }

    /// <summary>A fresh signing secret: 32 random bytes, hex.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Why a given secret cannot be used, or null.</summary>
    public static string? SecretProblem(string secret) => secret.Length is < 16 or > 200 ? "from 16 to 200 characters" : null;
}
