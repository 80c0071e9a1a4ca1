using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>
/// The visas or permits that can be a basis of the stay being folded, in the order they were recorded: those valid from on or before
/// the stay's last day and not over before its entry. Stays are folded in date order, so each grant comes into reach once and leaves
/// it for good: the fold looks at the grants around each stay, not at the whole history.
/// </summary>
internal sealed class InReach<T>(List<T> all, Func<T, LocalDate> validFrom, Func<T, LocalDate> lastValidDay) where T : class
{
    private readonly int[] byStart = ByStart(all, validFrom);
    private readonly List<int> reach = [];
    private int admitted;

    public int Count => reach.Count;

    /// <summary>The grants' indexes by the day they become valid, in recorded order on the same day.</summary>
    private static int[] ByStart(List<T> all, Func<T, LocalDate> validFrom)
    {
        var order = new int[all.Count];
        ByDate.Order(order, (all, validFrom), static (s, i) => Days.Number(s.validFrom(s.all[i])));
        return order;
    }

    public T this[int i] => all[reach[i]];

    public void MoveTo(Stay stay)
    {
        var kept = 0;
        for (var i = 0; i < reach.Count; i++)
            if (lastValidDay(all[reach[i]]) >= stay.Entry) reach[kept++] = reach[i];
        reach.RemoveRange(kept, reach.Count - kept);
        for (; admitted < byStart.Length && validFrom(all[byStart[admitted]]) <= stay.End; admitted++)
        {
            var index = byStart[admitted];
            if (lastValidDay(all[index]) < stay.Entry) continue;
            var at = reach.BinarySearch(index);
            reach.Insert(~at, index);
        }
    }
}
