using System.Buffers;

namespace CaseFlow.Domain.Rules;

/// <summary>
/// A stable order by day number (<see cref="Days.Number"/>): each item's key is its day with its position below it, so items of the
/// same day keep their order. Only the keys are sorted (plain numbers: no references moved), and the caller places its items once by
/// the positions they give. The keys are on the stack up to 256 items, pooled above.
/// </summary>
internal static class ByDate
{
    /// <summary>The positions 0 to <c>positions.Length - 1</c> in the order of their days, <paramref name="dayOf"/> giving the day of each.</summary>
    public static void Order<TState>(Span<int> positions, TState state, Func<TState, int, int> dayOf)
    {
        var rented = positions.Length > 256 ? ArrayPool<long>.Shared.Rent(positions.Length) : null;
        var keys = rented is null ? stackalloc long[positions.Length] : rented.AsSpan(0, positions.Length);
        for (var i = 0; i < keys.Length; i++) keys[i] = ((long)dayOf(state, i) << 32) | (uint)i;
        keys.Sort();
        for (var i = 0; i < keys.Length; i++) positions[i] = (int)(uint)keys[i];
        if (rented is not null) ArrayPool<long>.Shared.Return(rented);
    }
}
