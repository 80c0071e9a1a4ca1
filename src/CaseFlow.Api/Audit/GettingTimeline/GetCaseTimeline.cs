using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Projections;
using Npgsql;

namespace CaseFlow.Api.Audit.GettingTimeline;

/// <summary><c>GET /api/cases/{id}/timeline</c>: the case's events in plain words, from the timeline projection.</summary>
public static class GetCaseTimelineEndpoint
{
    public static void MapGetCaseTimeline(this RouteGroupBuilder cases) => cases.MapGet("{id:guid}/timeline", async (
        Guid id, HttpContext http, CaseReader reader, NpgsqlDataSource db, CancellationToken ct) =>
    {
        if (!await reader.CanReadAsync(id, http.Principal()!, ct)) return Problems.NotFound($"case {id}");
        return Results.Ok(await TimelineProjection.ReadAsync(db, id, ct));
    })
    .WithName("GetCaseTimeline")
    .Produces<IReadOnlyList<TimelineEntry>>();
}
