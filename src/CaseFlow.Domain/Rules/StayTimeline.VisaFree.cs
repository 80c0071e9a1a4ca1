using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>How long a visa-free stay may last: the first day a limit of the regime would be exceeded, found without walking the days.</summary>
internal sealed partial class StayTimeline
{
    /// <summary>
    /// The last lawful day of a visa-free stay entering on <paramref name="entry"/>: the day before the first day on which a limit
    /// of the regime would be exceeded, counting days of earlier stays already folded (rolling windows end on the day judged).
    /// When several limits fail on the same day the first listed in the regime binds. Each limit's first failing day is found
    /// without walking the days: a per-visit limit by addition, a rolling window by binary search (its count never falls while the
    /// stay goes on), a calendar year by addition within each year.
    /// </summary>
    public (LocalDate End, string Rule) VisaFreeLawfulEnd(Regime regime, LocalDate entry)
    {
        var e = Days.Number(entry);
        // The first failing day so far, at first the day after the cap; a limit listed later binds only when it fails strictly earlier.
        var firstFailure = e + SimulationCapDays;
        var rule = regime.Limits[0].Rule;
        for (var i = 0; i < regime.Limits.Count; i++)
        {
            var limit = regime.Limits[i];
            var fails = limit.Kind switch
            {
                LimitKind.PerVisit => e + Math.Max(0, limit.Days),
                LimitKind.Rolling => FirstRollingFailure(limit, e, firstFailure - 1),
                LimitKind.CalendarYear => FirstYearFailure(limit, entry.Year, e, firstFailure - 1),
                _ => int.MaxValue,
            };
            if (fails < firstFailure)
            {
                firstFailure = fails;
                rule = limit.Rule;
            }
        }
        // No failure within the cap: firstFailure is the day after it, and the rule still the first listed.
        return (entry.PlusDays(firstFailure - 1 - e), rule);
    }

    /// <summary>
    /// The first day number from <paramref name="entry"/> to <paramref name="last"/> whose rolling window holds more than the limit's
    /// days (<see cref="int.MaxValue"/> when none). Staying one more day adds that day and drops at most the one day leaving the
    /// window, so the count never falls: one look at the last day, then a binary search.
    /// </summary>
    private int FirstRollingFailure(StayLimit limit, int entry, int last)
    {
        var window = limit.WindowDays!.Value;
        if (last < entry || Used(last) <= limit.Days) return int.MaxValue;
        int lo = entry, hi = last;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Used(mid) > limit.Days) hi = mid; else lo = mid + 1;
        }
        return lo;

        // Days counted in the window ending on day d when the person stays from the entry to d: earlier stays' days before the entry, then every day.
        int Used(int d)
        {
            var from = d + 1 - window;
            return Counted.CountDays(from, Math.Min(d, entry - 1)) + d - Math.Max(from, entry) + 1;
        }
    }

    /// <summary>
    /// The first day number from <paramref name="entry"/> (a day of <paramref name="entryYear"/>) to <paramref name="last"/> on which the days of its calendar year exceed
    /// the limit (<see cref="int.MaxValue"/> when none). Within a year the count grows by one a day from what earlier stays used; it
    /// starts again on 1 January.
    /// </summary>
    private int FirstYearFailure(StayLimit limit, int entryYear, int entry, int last)
    {
        var usedBefore = Counted.CountDays(Days.YearStart(entryYear), entry - 1);
        for (var year = entryYear; ; year++)
        {
            var first = year == entryYear ? entry : Days.YearStart(year);
            if (first > last) return int.MaxValue;
            var fails = first + Math.Max(0, limit.Days - (year == entryYear ? usedBefore : 0));
            if (fails < Days.YearStart(year + 1)) return fails; // past the last day it binds nothing: the caller takes earlier days only
        }
    }
}
