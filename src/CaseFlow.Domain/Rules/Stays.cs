using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>A visa as known on the as-of date: its validity after recorded extensions, cancellation and use.</summary>
internal sealed class VisaGrant(VisaIssuedFact fact, VisaCategory category)
{
    public VisaIssuedFact Fact { get; } = fact;
    public VisaCategory Category { get; } = category;
    public LocalDate ValidTo { get; set; } = fact.ValidTo;
    public LocalDate? CancelledOn { get; set; }

    /// <summary>A category change replaced this visa on that date: it ends the day before, with no exit visa.</summary>
    public LocalDate? ReplacedOn { get; set; }
    public LocalDate? ExtendedOn { get; set; }
    public LocalDate? PassportReplacedOn { get; set; }
    public bool Used { get; set; }

    /// <summary>Last day the visa itself is valid: its validity, cut the day before a cancellation or a replacement.</summary>
    public LocalDate LastValidDay
    {
        get
        {
            var last = ValidTo;
            if (CancelledOn is { } c && c.PlusDays(-1) < last) last = c.PlusDays(-1);
            if (ReplacedOn is { } r && r.PlusDays(-1) < last) last = r.PlusDays(-1);
            return last;
        }
    }

    public bool ValidOn(LocalDate d) => Fact.ValidFrom <= d && d <= LastValidDay;

    /// <summary>
    /// Stay allowed per entry in days; null = the whole validity. Held to 1..<see cref="CaseFactsReader.MaxStayPerEntryDays"/>, which
    /// changes no answer the commands and the reader let in and keeps an event edited or recorded before that bound computable.
    /// </summary>
    public int? StayDays => Fact.StayPerEntryDays is { } days ? Math.Clamp(days, 1, CaseFactsReader.MaxStayPerEntryDays) : null;
}

/// <summary>One basis of a stay: from <see cref="Start"/> to <see cref="LawfulEnd"/> (inclusive) the person is lawfully present on it.</summary>
internal sealed record Segment(StayBasisKind Basis, LocalDate Start, LocalDate LawfulEnd, string Rule,
    VisaGrant? Visa = null, ResidencePermitIssuedFact? Permit = null, Regime? Regime = null, ExitAfterCancellationRule? ExitRule = null);

/// <summary>A stay in the country: entry to exit (both days count), or to the as-of date while still present.</summary>
internal sealed class Stay(LocalDate entry, LocalDate? exit, LocalDate end)
{
    public LocalDate Entry { get; } = entry;
    public LocalDate? Exit { get; } = exit;

    /// <summary>Last day of presence known: the exit day, or the as-of date while still in the country.</summary>
    public LocalDate End { get; } = end;

    // Most stays have one basis: the first is kept inline, a list made only for a second (no list per stay).
    private Segment? first;
    private List<Segment>? more;

    /// <summary>The stay's bases in order of their start (at least one once folded).</summary>
    public int SegmentCount => first is null ? 0 : 1 + (more?.Count ?? 0);

    public Segment SegmentAt(int i) => i == 0 ? first ?? throw new ArgumentOutOfRangeException(nameof(i)) : more![i - 1];

    public void AddSegment(Segment segment)
    {
        if (first is null) first = segment;
        else (more ??= new List<Segment>(2)).Add(segment);
    }

    /// <summary>Replaces the last basis (its lawful end cut by the next one's start).</summary>
    public void ReplaceLastSegment(Segment segment)
    {
        if (more is { Count: > 0 }) more[^1] = segment;
        else first = segment;
    }

    public Segment First => SegmentAt(0);
    public Segment Last => more is { Count: > 0 } ? more[^1] : First;
    public LocalDate PermittedUntil => Last.LawfulEnd;
    public int OverstayDays => Math.Max(0, Days.Between(PermittedUntil, End));
    public int Length => Days.Between(Entry, End) + 1;
}

internal static class Days
{
    /// <summary>
    /// The day number of an ISO date: days since 1970-01-01, from its year, month and day by the proleptic Gregorian count (a few
    /// integer operations; NodaTime's <see cref="Period.DaysBetween"/> goes through its calendar system for the same figure).
    /// </summary>
    public static int Number(LocalDate d) => Number(d.Year, d.Month, d.Day);

    /// <summary>The day number of 1 January of <paramref name="year"/>, with no date made.</summary>
    public static int YearStart(int year) => Number(year, 1, 1);

    private static int Number(int y, int m, int day)
    {
        if (m <= 2) y--;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yearOfEra = y - era * 400;
        var dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1; // from 1 March
        return era * 146097 + yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear - 719468;
    }

    /// <summary>b - a in days.</summary>
    public static int Between(LocalDate a, LocalDate b) => Number(b) - Number(a);

    public static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;

    public static LocalDate Min(LocalDate a, LocalDate b) => a < b ? a : b;
}

/// <summary>
/// Days of stay that count toward visa-free limits, kept as sorted, disjoint runs of days with a running total, so adding a stay
/// costs one run and counting a window two binary searches: no per-day storage, whatever the length of the history.
/// </summary>
internal sealed class DayCounter(int capacity = 0)
{
    private readonly List<(int First, int Last, int Before)> runs = new(capacity);

    public void Add(LocalDate d) => Add(d, d);

    /// <summary>
    /// Counts the days from <paramref name="first"/> to <paramref name="last"/> (inclusive), each once: a re-entry on the day of an
    /// exit (a border run) is one day of stay, not two. Runs must be added in date order.
    /// </summary>
    public void Add(LocalDate first, LocalDate last)
    {
        if (last < first) return;
        int a = Days.Number(first), b = Days.Number(last);
        if (runs.Count > 0)
        {
            var (f, l, before) = runs[^1];
            if (a < l) throw new InvalidOperationException("days must be added in order");
            if (a <= l + 1)
            {
                runs[^1] = (f, Math.Max(l, b), before);
                return;
            }
        }
        runs.Add((a, b, Total));
    }

    private int Total => runs.Count == 0 ? 0 : runs[^1].Before + runs[^1].Last - runs[^1].First + 1;

    /// <summary>Counted days from <paramref name="from"/> to <paramref name="to"/>, both inclusive.</summary>
    public int Count(LocalDate from, LocalDate to) => CountDays(Days.Number(from), Days.Number(to));

    /// <summary>Counted days from day number <paramref name="from"/> to <paramref name="to"/> (<see cref="Days.Number"/>), both inclusive.</summary>
    public int CountDays(int from, int to) => to < from ? 0 : UpTo(to) - UpTo(from - 1);

    /// <summary>Counted days on or before day number <paramref name="n"/>.</summary>
    private int UpTo(int n)
    {
        int lo = 0, hi = runs.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (runs[mid].First <= n) lo = mid + 1; else hi = mid;
        }
        if (lo == 0) return 0;
        var (first, last, before) = runs[lo - 1];
        return before + Math.Min(last, n) - first + 1;
    }
}
