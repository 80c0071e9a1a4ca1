using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.RecordingExit;

public sealed record ExitRequest(LocalDate Date);

/// <summary><c>POST /api/cases/{id}/exits</c> with If-Match: the person left Kazakhstan.</summary>
public static class RecordExitEndpoint
{
    public static void MapRecordExit(this RouteGroupBuilder cases) => cases.MapPost("{id:guid}/exits", async (
        Guid id, HttpContext http, CaseCommands commands, CancellationToken ct) =>
    {
        var (request, problem) = await Body.ReadAsync<ExitRequest>(http.Request, ct);
        if (problem is not null) return problem;
        return await commands.ChangeAsync(http, id, c => new RecordExit(new CaseId(id), request!.Date, c.Actor, c.Today), ct);
    })
    .WithName("RecordExit")
    .Produces<CaseView>()
    .ProducesValidationProblem()
    .ProducesProblem(StatusCodes.Status409Conflict)
    .ProducesProblem(StatusCodes.Status412PreconditionFailed)
    .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
