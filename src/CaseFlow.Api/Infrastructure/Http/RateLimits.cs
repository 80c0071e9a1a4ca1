using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>Requests a client may make per minute (configuration <c>CaseFlow:RateLimits</c>, validated at start).</summary>
public sealed class RateLimitSettings
{
    /// <summary>Per client address, for requests without an API key (the rules engine, health). Default 120.</summary>
    [Range(1, 1_000_000)]
    public int AnonymousPerMinute { get; set; } = 120;

    /// <summary>Per API key. Default 1,200.</summary>
    [Range(1, 1_000_000)]
    public int PerKeyPerMinute { get; set; } = 1200;
}

/// <summary>
/// ASP.NET Core's rate limiter: a fixed one-minute window per authenticated user, or per client address for everyone else (no key,
/// or a key that does not authenticate). Over the limit: 429 with Retry-After, as a ProblemDetails.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddCaseFlowRateLimits(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
        {
            var settings = http.RequestServices.GetRequiredService<IOptions<RateLimitSettings>>().Value;
            // A key counts only once it authenticated (UseApiKeys runs first): made-up keys share their client's anonymous budget,
            // so sending a fresh key with each request buys no more requests.
            var (partition, limit) = http.Principal() is { } principal
                ? ("user:" + principal.UserId, settings.PerKeyPerMinute)
                : ("ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"), settings.AnonymousPerMinute);
            return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
            });
        });
        o.OnRejected = async (context, ct) =>
        {
            var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : 60;
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Problems.Problem(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
                $"This client has used its requests for this minute; retry after {seconds} seconds").ExecuteAsync(context.HttpContext);
        };
    });
}
