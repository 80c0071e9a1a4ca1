using System.Text.Json;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Projections;
using CaseFlow.Core.Users;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Audit.GettingHistory;

public sealed record HistoryPage(IReadOnlyList<HistoryEntry> Items, int Page, int PageSize, long Total);

/// <param name="Actor">Who recorded it: <c>user:{id}</c>, or a system actor (<c>system:deadline-sweep</c>, <c>demo-loader</c>).</param>
/// <param name="ActorName">The user's name next to the id (the system actor itself otherwise).</param>
public sealed record HistoryEntry(long Version, long Sequence, Guid EventId, string Type, JsonElement Data, string Actor, string ActorName, Guid CorrelationId, Guid? CausationId,
    string? CatalogueVersion, Instant RecordedAt, string Text);

/// <summary><c>GET /api/cases/{id}/history?page=&amp;pageSize=</c>: every event with its metadata and in plain words, paged (1 to 500 a page).</summary>
public static class GetCaseHistoryEndpoint
{
    public static void MapGetCaseHistory(this RouteGroupBuilder cases) => cases.MapGet("{id:guid}/history", async (
        Guid id, int? page, int? pageSize, HttpContext http, CaseReader reader, NpgsqlDataSource db, CancellationToken ct) =>
    {
        var size = pageSize ?? 50;
        var number = page ?? 1;
        if (size is < 1 or > 500) return Problems.Validation("pageSize", "must be between 1 and 500");
        if (number < 1) return Problems.Validation("page", "must be 1 or more");
        if (await reader.ReadAsync(id, http.Principal()!, ct) is not { } readable) return Problems.NotFound($"case {id}");
        var pageOf = readable.Revealed.Zip(readable.Case.Events).Skip((number - 1) * size).Take(size).ToList();
        var actors = await UserStore.ActorNamesAsync(db, pageOf.Select(p => p.First.Metadata.Actor), ct);
        var items = pageOf
            .Select(p => new HistoryEntry(p.First.Version, p.First.Sequence, p.First.EventId, p.First.Type, p.First.Data, p.First.Metadata.Actor, actors[p.First.Metadata.Actor],
                p.First.Metadata.CorrelationId, p.First.Metadata.CausationId, p.First.Metadata.CatalogueVersion, p.First.RecordedAt, TimelineProjection.Describe(p.Second)))
            .ToList();
        return Results.Ok(new HistoryPage(items, number, size, readable.Recorded.Count));
    })
    .LogsCaseAccess()
    .WithName("GetCaseHistory")
    .Produces<HistoryPage>();
}
