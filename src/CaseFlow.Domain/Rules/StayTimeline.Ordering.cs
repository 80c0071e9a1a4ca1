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
        if (sorted) return ordered;
        // Stable: the key is the date (year, month, day packed in order), then the recorded position; the facts sorted with their keys in place.
        var rented = ordered.Count > 256 ? System.Buffers.ArrayPool<long>.Shared.Rent(ordered.Count) : null;
        var keys = rented is null ? stackalloc long[ordered.Count] : rented.AsSpan(0, ordered.Count);
        for (var i = 0; i < keys.Length; i++)
        {
            var d = ordered[i].Date;
            keys[i] = ((long)((d.Year << 9) | (d.Month << 5) | d.Day) << 32) | (uint)i;
        }
        keys.Sort(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ordered));
        if (rented is not null) System.Buffers.ArrayPool<long>.Shared.Return(rented);
        return ordered;
    }
}
