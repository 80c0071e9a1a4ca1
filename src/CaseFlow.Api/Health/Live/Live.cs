namespace CaseFlow.Api.Health.Live;

/// <summary><c>GET /health/live</c>: the process answers.</summary>
public static class LiveEndpoint
{
    public static void MapLive(this RouteGroupBuilder health) => health.MapGet("live", () => Results.Ok(new { status = "live" })).WithName("Live");
}
