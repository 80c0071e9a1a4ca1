using System.Buffers;

namespace CaseFlow.Domain.Rules;

/// <summary>
/// A stable order by day number (<see cref="Days.Number"/>): each item's key is its day with its position below it, so items of the
/// same day keep their order. Only the keys are sorted (plain numbers: no references moved), by a natural merge sort: a case's facts
/// come as a few runs already in order (its visas, then its stays, say), so the runs are found and merged, a pass per halving of their
/// number, not sorted from scratch. The caller places its items once by the positions the keys give. The keys are on the stack up to
/// 256 items (4 KB with the merge's scratch), pooled above.
/// </summary>
internal static class ByDate
{
    private const int OnStack = 256;

    /// <summary>The positions 0 to <c>positions.Length - 1</c> in the order of their days, <paramref name="dayOf"/> giving the day of each.</summary>
    public static void Order<TState>(Span<int> positions, TState state, Func<TState, int, int> dayOf)
    {
        var n = positions.Length;
        var rented = n > OnStack ? ArrayPool<long>.Shared.Rent(2 * n) : null;
        var buffer = rented is null ? stackalloc long[2 * n] : rented.AsSpan(0, 2 * n);
        var keys = buffer[..n];
        for (var i = 0; i < n; i++) keys[i] = ((long)dayOf(state, i) << 32) | (uint)i;
        var sorted = MergeRuns(keys, buffer[n..]);
        for (var i = 0; i < n; i++) positions[i] = (int)(uint)sorted[i];
        if (rented is not null) ArrayPool<long>.Shared.Return(rented);
    }

    /// <summary>Sorts distinct keys by merging neighbouring ascending runs until one is left; returns the span holding the result.</summary>
    private static Span<long> MergeRuns(Span<long> keys, Span<long> scratch)
    {
        Span<long> from = keys, to = scratch;
        while (true)
        {
            int i = 0, runs = 0;
            while (i < from.Length)
            {
                var middle = RunEnd(from, i);
                var end = middle < from.Length ? RunEnd(from, middle) : middle;
                int a = i, b = middle, o = i;
                while (a < middle && b < end) to[o++] = from[a] < from[b] ? from[a++] : from[b++];
                while (a < middle) to[o++] = from[a++];
                while (b < end) to[o++] = from[b++];
                runs++;
                i = end;
            }
            if (runs <= 1) return to;
            var swap = from;
            from = to;
            to = swap;
        }
    }

    /// <summary>The end (exclusive) of the ascending run starting at <paramref name="start"/>.</summary>
    private static int RunEnd(Span<long> keys, int start)
    {
        var end = start + 1;
        while (end < keys.Length && keys[end - 1] < keys[end]) end++;
        return end;
    }
}
