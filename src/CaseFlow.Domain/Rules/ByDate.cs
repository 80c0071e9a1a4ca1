using System.Buffers;
using System.Runtime.CompilerServices;
using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>
/// A stable sort by date: each item's key is its date (year, month, day packed in order) with its position below it, so items of the
/// same date keep their order. Only the keys are sorted (a sort of plain numbers: no references moved), then the items are placed once
/// by the positions in the keys. The keys are on the stack up to 256 items, pooled above.
/// </summary>
internal static class ByDate
{
    private const int OnStack = 256;

    /// <summary>The positions 0 to <c>positions.Length - 1</c> in the order of their dates, <paramref name="dateOf"/> giving the date of each.</summary>
    public static void Order<TState>(Span<int> positions, TState state, Func<TState, int, LocalDate> dateOf)
    {
        var rented = positions.Length > OnStack ? ArrayPool<long>.Shared.Rent(positions.Length) : null;
        var keys = rented is null ? stackalloc long[positions.Length] : rented.AsSpan(0, positions.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            var d = dateOf(state, i);
            keys[i] = ((long)((d.Year << 9) | (d.Month << 5) | d.Day) << 32) | (uint)i;
        }
        keys.Sort();
        for (var i = 0; i < keys.Length; i++) positions[i] = (int)(uint)keys[i];
        if (rented is not null) ArrayPool<long>.Shared.Return(rented);
    }

    /// <summary>Sorts <paramref name="items"/> in place by <paramref name="dateOf"/>, stably.</summary>
    public static void Sort<T>(List<T> items, Func<T, LocalDate> dateOf)
    {
        var n = items.Count;
        var rentedPositions = n > OnStack ? ArrayPool<int>.Shared.Rent(n) : null;
        var positions = rentedPositions is null ? stackalloc int[n] : rentedPositions.AsSpan(0, n);
        Order(positions, (items, dateOf), static (s, i) => s.dateOf(s.items[i]));
        var copy = ArrayPool<T>.Shared.Rent(n);
        items.CopyTo(copy);
        for (var i = 0; i < n; i++) items[i] = copy[positions[i]];
        ArrayPool<T>.Shared.Return(copy, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<T>());
        if (rentedPositions is not null) ArrayPool<int>.Shared.Return(rentedPositions);
    }
}
