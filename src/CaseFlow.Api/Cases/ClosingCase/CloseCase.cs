using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.ClosingCase;

public sealed record CloseRequest(LocalDate Date, string? Reason = null);

/// <summary><c>POST /api/cases/{id}/closure</c>: the host party's responsibility ended; the person must have left.</summary>
public static class CloseCaseEndpoint
{
    public static void MapCloseCase(this RouteGroupBuilder cases) => cases.MapCaseCommand<CloseRequest>("closure", "CloseCase",
        (r, id, c, _) => new CloseCase(id, r.Date, r.Reason ?? "closed", c.Actor, c.Today));
}
