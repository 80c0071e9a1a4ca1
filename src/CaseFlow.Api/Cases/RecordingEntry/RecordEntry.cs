using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.RecordingEntry;

public sealed record EntryRequest(LocalDate Date, string BorderPoint);

/// <summary><c>POST /api/cases/{id}/entries</c> with If-Match: the person entered Kazakhstan.</summary>
public static class RecordEntryEndpoint
{
    public static void MapRecordEntry(this RouteGroupBuilder cases) => cases.MapPost("{id:guid}/entries", async (
        Guid id, HttpContext http, CaseCommands commands, CancellationToken ct) =>
    {
        var (request, problem) = await Body.ReadAsync<EntryRequest>(http.Request, ct);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(request!.BorderPoint)) return Problems.Validation("borderPoint", "required");
        return await commands.ChangeAsync(http, id, c => new RecordEntry(new CaseId(id), request.Date, request.BorderPoint.Trim(), c.Actor, c.Today), ct);
    })
    .WithName("RecordEntry")
    .Produces<CaseView>()
    .ProducesValidationProblem()
    .ProducesProblem(StatusCodes.Status409Conflict)
    .ProducesProblem(StatusCodes.Status412PreconditionFailed)
    .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
