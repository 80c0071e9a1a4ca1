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

    /// <summary>Stay allowed per entry in days; null = the whole validity.</summary>
    public int? StayDays => Fact.StayPerEntryDays;
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

    public List<Segment> Segments { get; } = [];
    public Segment Last => Segments[^1];
    public LocalDate PermittedUntil => Last.LawfulEnd;
    public int OverstayDays => Math.Max(0, Days.Between(PermittedUntil, End));
    public int Length => Days.Between(Entry, End) + 1;
}

internal static class Days
{
    private static readonly LocalDate Epoch = new(1900, 1, 1);

    public static int Number(LocalDate d) => Period.DaysBetween(Epoch, d);

    /// <summary>b - a in days.</summary>
    public static int Between(LocalDate a, LocalDate b) => Period.DaysBetween(a, b);

    public static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;

    public static LocalDate Min(LocalDate a, LocalDate b) => a < b ? a : b;
}

/// <summary>Days of stay that count toward visa-free limits, kept sorted (stays are folded in date order).</summary>
internal sealed class DayCounter
{
    private readonly List<int> days = [];

    /// <summary>Counts a day once: a re-entry on the day of an exit (a border run) is one day of stay, not two.</summary>
    public void Add(LocalDate d)
    {
        var n = Days.Number(d);
        if (days.Count > 0 && days[^1] == n) return;
        if (days.Count > 0 && days[^1] > n) throw new InvalidOperationException("days must be added in order");
        days.Add(n);
    }

    /// <summary>Counted days from <paramref name="from"/> to <paramref name="to"/>, both inclusive.</summary>
    public int Count(LocalDate from, LocalDate to)
    {
        if (to < from) return 0;
        return LowerBound(Days.Number(to) + 1) - LowerBound(Days.Number(from));
    }

    private int LowerBound(int n)
    {
        int lo = 0, hi = days.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (days[mid] < n) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
