using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>
/// A stable sort by date in place, without allocating: each item's key is its date (year, month, day packed in order) with its
/// position below it, so items of the same date keep their order; the keys are on the stack up to 256 items, pooled above.
/// </summary>
internal static class ByDate
{
    public static void Sort<T, TState>(Span<T> items, TState state, Func<TState, T, LocalDate> dateOf)
    {
        var rented = items.Length > 256 ? System.Buffers.ArrayPool<long>.Shared.Rent(items.Length) : null;
        var keys = rented is null ? stackalloc long[items.Length] : rented.AsSpan(0, items.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            var d = dateOf(state, items[i]);
            keys[i] = ((long)((d.Year << 9) | (d.Month << 5) | d.Day) << 32) | (uint)i;
        }
        keys.Sort(items);
        if (rented is not null) System.Buffers.ArrayPool<long>.Shared.Return(rented);
    }
}
