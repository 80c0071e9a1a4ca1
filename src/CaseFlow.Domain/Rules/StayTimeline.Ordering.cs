using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>The facts in the order the fold reads them.</summary>
internal sealed partial class StayTimeline
{
    /// <summary>
    /// The facts dated on or before <paramref name="asOf"/>, by date; facts of the same date keep their recorded order.
    /// <paramref name="entries"/> counts the entries among them (the stays to come).
    /// </summary>
    private static List<Fact> InDateOrder(IReadOnlyList<Fact> facts, LocalDate asOf, out int entries)
    {
        var ordered = new List<Fact>(facts.Count);
        var sorted = true;
        entries = 0;
        foreach (var f in facts)
        {
            if (f.Date > asOf) continue;
            if (ordered.Count > 0 && f.Date < ordered[^1].Date) sorted = false;
            if (f is EnteredFact) entries++;
            ordered.Add(f);
        }
        if (!sorted) ByDate.Sort(ordered, static f => f.Date);
        return ordered;
    }
}
