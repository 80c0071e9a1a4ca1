using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Api.Cases.IssuingVisa;

/// <param name="InvitingHostPartyId">Defaults to the case's host party.</param>
public sealed record VisaRequest(LocalDate Date, string Category, VisaEntries Entries, LocalDate ValidFrom, LocalDate ValidTo, int? StayPerEntryDays = null,
    bool InCountry = false, bool EVisa = false, Guid? InvitingHostPartyId = null);

/// <summary><c>POST /api/cases/{id}/visas</c>: a visa was issued (by a consulate, in the country, or as an e-Visa).</summary>
public static class IssueVisaEndpoint
{
    public static void MapIssueVisa(this RouteGroupBuilder cases) => cases.MapCaseCommand<VisaRequest>("visas", "IssueVisa",
        (r, id, c, current) => new IssueVisa(id, r.Date, r.Category.Trim().ToUpperInvariant(), r.Entries, r.ValidFrom, r.ValidTo, r.StayPerEntryDays, r.InCountry, r.EVisa,
            new HostPartyId(r.InvitingHostPartyId ?? current.HostPartyId), c.Actor, c.Today));
}
