using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Api.Cases.ChangingCategory;

public sealed record CategoryChangeRequest(LocalDate Date, string To, VisaEntries Entries, LocalDate ValidFrom, LocalDate ValidTo, int? StayPerEntryDays = null);

/// <summary><c>POST /api/cases/{id}/category-changes</c>: a new visa category in the country, only along the matrix of 000 §4.1.</summary>
public static class ChangeCategoryEndpoint
{
    public static void MapChangeCategory(this RouteGroupBuilder cases) => cases.MapCaseCommand<CategoryChangeRequest>("category-changes", "ChangeCategory",
        (r, id, c, _) => new ChangeCategory(id, r.Date, r.To.Trim().ToUpperInvariant(), r.Entries, r.ValidFrom, r.ValidTo, r.StayPerEntryDays, c.Actor, c.Today));
}
