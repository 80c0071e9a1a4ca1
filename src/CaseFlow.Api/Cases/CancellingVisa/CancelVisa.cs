using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.CancellingVisa;

public sealed record VisaCancellationRequest(LocalDate Date);

/// <summary><c>POST /api/cases/{id}/visa-cancellations</c>: the visa is cancelled and the exit visa of the rule in force is granted (conflict C1 by date).</summary>
public static class CancelVisaEndpoint
{
    public static void MapCancelVisa(this RouteGroupBuilder cases) => cases.MapCaseCommand<VisaCancellationRequest>("visa-cancellations", "CancelVisa",
        (r, id, c, _) => new CancelVisa(id, r.Date, c.Actor, c.Today));
}
