using System.Text.Json;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Input;
using CaseFlow.Core.Users;
using CaseFlow.EventStore;
using NodaTime;

namespace CaseFlow.Api.Cases.GettingEvents;

public sealed record EventView(long Sequence, Guid EventId, long Version, string Type, JsonElement Data, EventMetadata Metadata, Instant RecordedAt, string Hash);

/// <summary><c>GET /api/cases/{id}/events</c>: the raw history with metadata, in version order.</summary>
public static class GetCaseEventsEndpoint
{
    public static void MapGetCaseEvents(this RouteGroupBuilder cases) => cases.MapGet("{id:guid}/events", async (
        Guid id, HttpContext http, CaseReader reader, CancellationToken ct) =>
    {
        if (await reader.ReadAsync(id, http.Principal()!, ct) is not { } readable) return Problems.NotFound($"case {id}");
        var events = readable.Revealed.ToList();
        ETags.Set(http.Response, events[^1].Version);
        return Results.Ok(events.Select(e => new EventView(e.Sequence, e.EventId, e.Version, e.Type, e.Data, e.Metadata, e.RecordedAt, Convert.ToHexStringLower(e.Hash))));
    })
    .RequireRoles(Role.Compliance, Role.Auditor)
    .LogsCaseAccess()
    .WithName("GetCaseEvents")
    .Produces<IEnumerable<EventView>>()
    .ProducesProblem(StatusCodes.Status404NotFound);
}
