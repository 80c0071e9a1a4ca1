using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.RecordingExit;

public sealed record ExitRequest(LocalDate Date);

/// <summary><c>POST /api/cases/{id}/exits</c>: the person left Kazakhstan.</summary>
public static class RecordExitEndpoint
{
    public static void MapRecordExit(this RouteGroupBuilder cases) => cases.MapCaseCommand<ExitRequest>("exits", "RecordExit",
        (r, id, c, _) => new RecordExit(id, r.Date, c.Actor, c.Today));
}
