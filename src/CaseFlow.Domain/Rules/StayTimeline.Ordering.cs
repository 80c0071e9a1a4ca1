using System.Buffers;
using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>A fact with its day number (<see cref="Days.Number"/>). A struct: placing one in a list is a plain store, not the type check a store of a derived fact into a <c>Fact[]</c> costs.</summary>
internal readonly record struct Dated(Fact Fact, int Day);

/// <summary>The facts in the order the fold reads them.</summary>
internal sealed partial class StayTimeline
{
    /// <summary>
    /// The facts dated on or before <paramref name="asOf"/>, by date; facts of the same date keep their recorded order.
    /// <paramref name="entries"/> counts the entries among them (the stays to come).
    /// </summary>
    private static List<Dated> InDateOrder(IReadOnlyList<Fact> facts, LocalDate asOf, out int entries)
    {
        var ordered = new List<Dated>(facts.Count);
        var sorted = true;
        var last = Days.Number(asOf);
        entries = 0;
        foreach (var f in facts)
        {
            var day = Days.Number(f.Date);
            if (day > last) continue;
            if (ordered.Count > 0 && day < ordered[^1].Day) sorted = false;
            if (f is EnteredFact) entries++;
            ordered.Add(new Dated(f, day));
        }
        if (!sorted) Sort(ordered);
        return ordered;
    }

    /// <summary>Sorts by day, stably: the keys are sorted, then each fact is placed once.</summary>
    private static void Sort(List<Dated> items)
    {
        var n = items.Count;
        var rented = n > 256 ? ArrayPool<int>.Shared.Rent(n) : null;
        var positions = rented is null ? stackalloc int[n] : rented.AsSpan(0, n);
        ByDate.Order(positions, items, static (s, i) => s[i].Day);
        var copy = ArrayPool<Dated>.Shared.Rent(n);
        items.CopyTo(copy);
        for (var i = 0; i < n; i++) items[i] = copy[positions[i]];
        ArrayPool<Dated>.Shared.Return(copy, clearArray: true);
        if (rented is not null) ArrayPool<int>.Shared.Return(rented);
    }
}
