using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.IssuingResidencePermit;

public sealed record ResidencePermitRequest(LocalDate Date, LocalDate ValidFrom, LocalDate ValidTo);

/// <summary><c>POST /api/cases/{id}/residence-permits</c>: a TRP (CIS citizens except GE, MD, UA; after the arrival notification; up to 1 year; 000 §5).</summary>
public static class IssueResidencePermitEndpoint
{
    public static void MapIssueResidencePermit(this RouteGroupBuilder cases) => cases.MapCaseCommand<ResidencePermitRequest>("residence-permits", "IssueResidencePermit",
        (r, id, c, _) => new IssueResidencePermit(id, r.Date, r.ValidFrom, r.ValidTo, c.Actor, c.Today));
}
