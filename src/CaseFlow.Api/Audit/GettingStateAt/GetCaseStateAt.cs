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
        var (asOf, problem) = Parse(asOfDate, knownAt);
        if (problem is not null) return problem;
        if (await reader.ReadAsync(id, http.Principal()!, ct) is not { } current) return Problems.NotFound($"case {id}");
        return At(current, asOf.Date, asOf.Known, catalogue, clock) is { } state ? Results.Ok(state) : Problems.NotFound($"case {id} as known at {knownAt}");
    })
    .LogsCaseAccess()
    .WithName("GetCaseStateAt")
    .Produces<CaseStateAt>();

    /// <summary>The date and the instant asked for, read strictly; the console's auditor form reads them the same way.</summary>
    public static ((LocalDate? Date, Instant? Known) AsOf, IResult? Problem) Parse(string? asOfDate, string? knownAt)
    {
        Instant? known = null;
        if (!string.IsNullOrEmpty(knownAt))
        {
            // An instant with its UTC offset (Z, +05:00, -03); a '+' a client forgot to encode arrives as a space.
            // Its date in Kazakhstan is the day the case is judged on by default, so it keeps to the dates every input keeps to (its own
            // date first: an instant near the calendar's end has no date in Kazakhstan to compute).
            var parsed = OffsetDateTimePattern.ExtendedIso.Parse(knownAt.Replace(' ', '+'));
            if (!parsed.Success || InputRules.DateProblem(parsed.Value.Date) is not null || InputRules.DateProblem(LegalTime.DateOf(parsed.Value.ToInstant())) is not null)
                return (default, Problems.Validation("knownAt",
                    $"an instant from {InputRules.MinDate:yyyy-MM-dd} to {InputRules.MaxDate:yyyy-MM-dd} with its UTC offset, like 2024-05-01T09:00:00Z or 2024-05-01T14:00:00+05:00"));
            known = parsed.Value.ToInstant();
        }
        LocalDate? date = null;
        if (!string.IsNullOrEmpty(asOfDate))
        {
            var parsed = LocalDatePattern.Iso.Parse(asOfDate);
            if (!parsed.Success || InputRules.DateProblem(parsed.Value) is not null)
                return (default, Problems.Validation("asOfDate", $"a date from {InputRules.MinDate:yyyy-MM-dd} to {InputRules.MaxDate:yyyy-MM-dd} in the form YYYY-MM-DD"));
            date = parsed.Value;
        }
        return ((date, known), null);
    }

    /// <summary>The case as true on <paramref name="date"/> (default: the date of <paramref name="known"/>, else today) from what was recorded by <paramref name="known"/>; null when nothing was.</summary>
    public static CaseStateAt? At(ReadableCase current, LocalDate? date, Instant? known, RuleCatalogue catalogue, IClock clock)
    {
        if ((known is { } at ? current.KnownAt(at) : current) is not { } readable) return null;
        var judged = date ?? LegalTime.DateOf(known ?? clock.GetCurrentInstant());
        var state = CaseState.Fold(readable.Case.Events.Where(e => CaseEvents.DateOf(e) is not { } d || d <= judged));
        return new CaseStateAt(current.Case.Id.Value, judged, known, readable.Case.Version, state, readable.Evaluate(catalogue, judged));
    }
}
