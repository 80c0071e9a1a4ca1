using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.ReplacingPassport;

public sealed record PassportReplacementRequest(LocalDate Date, string PassportNumber, LocalDate? PassportExpiry = null);

/// <summary><c>POST /api/cases/{id}/passport-replacements</c>: a new passport; an e-Visa becomes invalid, an IIN update is flagged.</summary>
public static class ReplacePassportEndpoint
{
    public static void MapReplacePassport(this RouteGroupBuilder cases) => cases.MapCaseCommand<PassportReplacementRequest>("passport-replacements", "ReplacePassport",
        (r, id, c, _) => new ReplacePassport(id, r.Date, r.PassportNumber, r.PassportExpiry, c.Actor, c.Today));
}
