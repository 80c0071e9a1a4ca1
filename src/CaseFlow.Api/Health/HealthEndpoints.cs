using CaseFlow.Api.Health.Live;
using CaseFlow.Api.Health.Ready;

namespace CaseFlow.Api.Health;

/// <summary>Liveness and readiness probes (anonymous): one file each.</summary>
public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Health");
        health.MapReady();
        health.MapLive();
    }
}
