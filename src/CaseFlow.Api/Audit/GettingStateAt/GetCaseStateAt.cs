using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Input;
using CaseFlow.Domain.Calendar;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using NodaTime.Text;

namespace CaseFlow.Api.Audit.GettingStateAt;

/// <param name="KnownAt">Only events recorded at or before this instant were used ("what did we know then"); null = everything known now.</param>
/// <param name="AsOfDate">The business date judged ("what was true then").</param>
public sealed record CaseStateAt(Guid CaseId, LocalDate AsOfDate, Instant? KnownAt, long EventsKnown, CaseState State, Evaluation Evaluation);

/// <summary>
/// <c>GET /api/cases/{id}/state?asOfDate=&amp;knownAt=</c>: the case's state and evaluation on a business date (default: the date of
/// <c>knownAt</c>, else today) from the events recorded by <c>knownAt</c> (default: all).
/// </summary>
public static class GetCaseStateAtEndpoint
{
    public static void MapGetCaseStateAt(this RouteGroupBuilder cases) => cases.MapGet("{id:guid}/state", async (
        Guid id, string? asOfDate, string? knownAt, HttpContext http, CaseReader reader, RuleCatalogue catalogue, IClock clock, CancellationToken ct) =>
    {
        Instant? known = null;
        if (knownAt is not null)
        {
            // An instant with its UTC offset (Z, +05:00, -03); a '+' a client forgot to encode arrives as a space.
            var parsed = OffsetDateTimePattern.ExtendedIso.Parse(knownAt.Replace(' ', '+'));
            if (!parsed.Success) return Problems.Validation("knownAt", "an instant with its UTC offset, like 2024-05-01T09:00:00Z or 2024-05-01T14:00:00+05:00");
            known = parsed.Value.ToInstant();
        }
        LocalDate? date = null;
        if (asOfDate is not null)
        {
            var parsed = LocalDatePattern.Iso.Parse(asOfDate);
            if (!parsed.Success || InputRules.DateProblem(parsed.Value) is not null)
                return Problems.Validation("asOfDate", $"a date from {InputRules.MinDate:yyyy-MM-dd} to {InputRules.MaxDate:yyyy-MM-dd} in the form YYYY-MM-DD");
            date = parsed.Value;
        }
        if (await reader.ReadAsync(id, http.Principal()!, ct) is not { } current) return Problems.NotFound($"case {id}");
        if ((known is { } at ? current.KnownAt(at) : current) is not { } readable) return Problems.NotFound($"case {id} as known at {knownAt}");
        var judged = date ?? LegalTime.DateOf(known ?? clock.GetCurrentInstant());
        var state = CaseState.Fold(readable.Case.Events.Where(e => CaseEvents.DateOf(e) is not { } d || d <= judged));
        return Results.Ok(new CaseStateAt(id, judged, known, readable.Case.Version, state, readable.Evaluate(catalogue, judged)));
    })
    .LogsCaseAccess()
    .WithName("GetCaseStateAt")
    .Produces<CaseStateAt>();
}
