using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.RecordingNotification;

/// <param name="Channel">eQonaq, vmpGovKz or expatCentre (000_d0b006081fdc65c8.txt §1; 001 Expat Centre).</param>
public sealed record NotificationRequest(LocalDate Date, NotificationChannel Channel, string? Reference = null);

/// <summary><c>POST /api/cases/{id}/notifications</c> with If-Match: the host party notified the migration service of the arrival.</summary>
public static class RecordNotificationEndpoint
{
    public static void MapRecordNotification(this RouteGroupBuilder cases) => cases.MapPost("{id:guid}/notifications", async (
        Guid id, HttpContext http, CaseCommands commands, CancellationToken ct) =>
    {
        var (request, problem) = await Body.ReadAsync<NotificationRequest>(http.Request, ct);
        if (problem is not null) return problem;
        return await commands.ChangeAsync(http, id, c => new RecordNotification(new CaseId(id), request!.Date, request.Channel, request.Reference?.Trim(), c.Actor, c.Today), ct);
    })
    .WithName("RecordNotification")
    .Produces<CaseView>()
    .ProducesValidationProblem()
    .ProducesProblem(StatusCodes.Status409Conflict)
    .ProducesProblem(StatusCodes.Status412PreconditionFailed)
    .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
